//! Proving a table of cells, exactly: complete (every input value matches a
//! row), unique (no input matches two rows), and which rows can be reached
//! at all under a first-match policy. Used by decision tables (one column
//! per input) and scorecard characteristics (one column of bins).
//!
//! Each input's domain is split into atoms (`atoms.rs`); a row holds an atom
//! entirely or not at all, so the inputs' atoms, combined, are every case
//! there is. The walk goes column by column keeping the rows still matching;
//! combinations that leave the same rows are walked once, so a matrix of
//! 40 × 25 rows visits about 1,000 cases, not all atoms' product. So are
//! two paths reaching a column with the same rows still matching (whatever
//! the earlier columns held, what follows is the same): a `first` table of
//! many inputs and scattered cells is then walked in the distinct row sets
//! it has, not in the product of its columns' classes.

use super::atoms::Atoms;
use super::{Bits, Domain, Sample, ValueSet};
use foldhash::fast::FixedState;

/// The walk's sets: keyed by row bitsets, hashed often, never by an adversary
/// who could choose collisions (the cells are the policy author's own).
type HashSet<T> = std::collections::HashSet<T, FixedState>;

/// Most cases a proof visits before it gives up (see [`Findings::too_large`]).
pub const MAX_CASES: usize = 1_000_000;

/// A table to prove: its inputs' domains and its rows' cells, row by row.
pub struct Grid<'a> {
    /// One domain per column.
    pub domains: &'a [Domain],
    /// One cell per column, per row (`else` left out).
    pub rows: &'a [Vec<ValueSet>],
}

/// What a proof found. Rows are indices into [`Grid::rows`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Findings {
    /// An input no row matches, if any.
    pub gap: Option<Vec<Sample>>,
    /// For each row that an earlier row overlaps: (earlier row, later row, an input both match).
    pub overlaps: Vec<(usize, usize, Vec<Sample>)>,
    /// Whether each row is the first match of some input.
    pub first_of_some: Vec<bool>,
    /// For each row, an input it matches (whether or not an earlier row does too).
    pub matched_by: Vec<Option<Vec<Sample>>>,
    /// For each row, the earlier rows that take the inputs it matches.
    pub covered_by: Vec<Vec<usize>>,
    /// The table has more cases than [`MAX_CASES`]: the findings are incomplete.
    pub too_large: bool,
}

struct Walk<'a> {
    atoms: Vec<Atoms>,
    /// `members[c][a]`: the rows whose cell in column `c` holds atom `a`.
    members: Vec<Vec<Bits>>,
    /// `runs[c][r]`: the runs of atoms row `r`'s cell in column `c` holds.
    runs: Vec<Vec<Runs>>,
    out: Findings,
    cases: usize,
    /// The (earlier row, later row) pairs already in [`Findings::covered_by`].
    covers: HashSet<(usize, usize)>,
    /// The rows already in [`Findings::overlaps`] as the later row.
    overlapped: Bits,
    /// The (column, rows still matching) already walked from.
    walked: HashSet<(usize, Bits)>,
    point: Vec<Sample>,
    grid: &'a Grid<'a>,
}

/// Tables with fewer rows are proved afresh each time (in well under a millisecond).
const REMEMBERED_FROM_ROWS: usize = 64;
/// How many large tables' proofs are remembered.
const REMEMBERED: usize = 8;

/// A remembered proof: the grid it proves, and what it found.
type Remembered = (Vec<Domain>, Vec<Vec<ValueSet>>, Findings);

/// The last large tables' proofs, with their grids: an editor checks a
/// policy again on every keystroke, and a large table's proof, which can
/// take seconds, changes only when the table does. A proof is taken for a
/// grid equal to its own (same domains, same cells as sets of values), so
/// it is exactly the one proving the grid afresh gives.
static REMEMBERED_PROOFS: std::sync::Mutex<std::collections::VecDeque<Remembered>> =
    std::sync::Mutex::new(std::collections::VecDeque::new());

/// Proves a grid: every finding at once.
pub fn prove(grid: &Grid<'_>) -> Findings {
    if grid.rows.len() < REMEMBERED_FROM_ROWS {
        return prove_afresh(grid);
    }
    // A poisoned lock only means another check panicked: its list is still whole.
    let remembered = || REMEMBERED_PROOFS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let found = remembered()
        .iter()
        .find(|(domains, rows, _)| domains.as_slice() == grid.domains && rows.as_slice() == grid.rows)
        .map(|(_, _, found)| found.clone());
    if let Some(found) = found {
        return found;
    }
    let found = prove_afresh(grid);
    let proof = (grid.domains.to_vec(), grid.rows.to_vec(), found.clone());
    let mut proofs = remembered();
    if proofs.len() >= REMEMBERED {
        proofs.pop_front();
    }
    proofs.push_back(proof);
    found
}

/// Proves a grid without looking among the remembered proofs.
pub(super) fn prove_afresh(grid: &Grid<'_>) -> Findings {
    let rows = grid.rows.len();
    let mut atoms = Vec::with_capacity(grid.domains.len());
    let mut members = Vec::with_capacity(grid.domains.len());
    let mut runs = Vec::with_capacity(grid.domains.len());
    for (c, domain) in grid.domains.iter().enumerate() {
        let cells: Vec<&ValueSet> = grid.rows.iter().filter_map(|r| r.get(c)).collect();
        let col = Atoms::of(domain, &cells);
        let mut per_atom = vec![Bits::none(rows); col.len()];
        let mut per_row = Vec::with_capacity(cells.len());
        for (r, cell) in cells.iter().enumerate() {
            let held = col.held_by(cell);
            for a in &held {
                if let Some(bits) = per_atom.get_mut(*a) {
                    bits.insert(r);
                }
            }
            per_row.push(runs_of(&held));
        }
        atoms.push(col);
        members.push(per_atom);
        runs.push(per_row);
    }
    let out = Findings {
        first_of_some: vec![false; rows],
        matched_by: vec![None; rows],
        covered_by: vec![Vec::new(); rows],
        ..Findings::default()
    };
    let mut walk = Walk {
        atoms,
        members,
        runs,
        out,
        cases: 0,
        covers: HashSet::default(),
        overlapped: Bits::none(rows),
        walked: HashSet::default(),
        point: Vec::new(),
        grid,
    };
    walk.column(0, Bits::all(rows));
    walk.out
}

/// Atom runs `(first, past the last)`, lowest first.
type Runs = Vec<(usize, usize)>;

/// Ascending atoms as runs: `[2, 3, 4, 7]` is `(2, 5), (7, 8)`.
fn runs_of(held: &[usize]) -> Runs {
    let mut out: Runs = Vec::new();
    for &a in held {
        match out.last_mut() {
            Some((_, end)) if *end == a => *end = a + 1,
            _ => out.push((a, a + 1)),
        }
    }
    out
}

/// The atoms of a column that leave distinct rows of `live` matching, each
/// with those rows, lowest atom first: atoms that leave the same rows lead
/// to the same findings, so one of each is walked. `runs[r]` are the atoms
/// row `r` holds, as `per_atom` has them by atom.
fn classes(per_atom: &[Bits], runs: &[Runs], live: &Bits) -> Vec<(usize, Bits)> {
    let live_rows: Vec<usize> = live.members().collect();
    if live_rows.len() > live.word_count() {
        // Many rows still match (the first columns): intersect word by word.
        classes_by_intersection(per_atom, live)
    } else {
        classes_by_sweep(per_atom.len(), runs, live, &live_rows)
    }
}

/// [`classes`] by intersecting each atom's rows with `live`.
fn classes_by_intersection(per_atom: &[Bits], live: &Bits) -> Vec<(usize, Bits)> {
    let mut seen: HashSet<Bits> = HashSet::default();
    per_atom
        .iter()
        .enumerate()
        .filter_map(|(a, rows)| {
            let next = live.intersect(rows);
            seen.insert(next.clone()).then_some((a, next))
        })
        .collect()
}

/// [`classes`] by a sweep over the runs of the rows in `live_rows` (`live`'s members).
fn classes_by_sweep(atom_count: usize, runs: &[Runs], live: &Bits, live_rows: &[usize]) -> Vec<(usize, Bits)> {
    // Few rows: sweep the atoms by where those rows' runs start and end;
    // between two such edges every atom leaves the same rows. Testing every
    // atom instead made a `first` table of 10,000 rows over two inputs take
    // 20 s (each of 10,000 classes of the first input times 10,000 atoms of
    // the second).
    let mut edges: Vec<(usize, bool, usize)> = live_rows
        .iter()
        .flat_map(|&r| runs.get(r).into_iter().flatten().flat_map(move |&(from, to)| [(from, true, r), (to, false, r)]))
        .collect();
    // At one atom, runs ending come before runs starting (`false` < `true`).
    edges.sort_unstable();
    let mut holding: Vec<usize> = Vec::new();
    let mut seen: HashSet<Vec<usize>> = HashSet::default();
    let mut kept = Vec::new();
    let (mut at, mut next_edge) = (0, 0);
    while at < atom_count {
        while let Some(&(_, starts, r)) = edges.get(next_edge).filter(|e| e.0 <= at) {
            match holding.binary_search(&r) {
                Err(i) if starts => holding.insert(i, r),
                Ok(i) if !starts => {
                    holding.remove(i);
                }
                _ => {}
            }
            next_edge += 1;
        }
        if !seen.contains(&holding) {
            let mut next = Bits::none(live.len());
            holding.iter().for_each(|r| next.insert(*r));
            seen.insert(holding.clone());
            kept.push((at, next));
        }
        at = edges.get(next_edge).map_or(atom_count, |e| e.0).max(at + 1);
    }
    kept
}

impl Walk<'_> {
    fn column(&mut self, c: usize, live: Bits) {
        if self.out.too_large {
            return;
        }
        // Reached before with the same rows: every finding below is known
        // (each keeps the first input found for it).
        if !self.walked.insert((c, live.clone())) {
            return;
        }
        if self.walked.len() > MAX_CASES {
            self.out.too_large = true;
            return;
        }
        let Some(per_atom) = self.members.get(c) else {
            self.case(&live);
            return;
        };
        let runs = self.runs.get(c).map(Vec::as_slice).unwrap_or_default();
        let classes = classes(per_atom, runs, &live);
        for (a, next) in classes {
            let Some(sample) = self.atoms.get(c).and_then(|at| at.samples.get(a)).cloned() else {
                continue;
            };
            self.point.push(sample);
            if next.is_empty() {
                // No row is left: every completion is a gap; one example is enough.
                self.fill_rest(c + 1);
                self.case(&next);
                self.point.truncate(c + 1);
            } else {
                self.column(c + 1, next);
            }
            self.point.pop();
        }
    }

    /// Completes the example point with each remaining column's first atom.
    fn fill_rest(&mut self, from: usize) {
        for c in from..self.grid.domains.len() {
            if let Some(s) = self.atoms.get(c).and_then(|a| a.samples.first()).cloned() {
                self.point.push(s);
            }
        }
    }

    /// One case: the rows in `live` match the input `self.point`.
    fn case(&mut self, live: &Bits) {
        self.cases += 1;
        if self.cases > MAX_CASES {
            self.out.too_large = true;
            return;
        }
        let mut matching = live.members();
        let Some(first) = matching.next() else {
            if self.out.gap.is_none() {
                self.out.gap = Some(self.point.clone());
            }
            return;
        };
        if let Some(flag) = self.out.first_of_some.get_mut(first) {
            *flag = true;
        }
        if let Some(slot @ None) = self.out.matched_by.get_mut(first) {
            *slot = Some(self.point.clone());
        }
        for r in matching {
            if let Some(slot @ None) = self.out.matched_by.get_mut(r) {
                *slot = Some(self.point.clone());
            }
            if self.covers.insert((first, r)) {
                if let Some(cover) = self.out.covered_by.get_mut(r) {
                    cover.push(first);
                }
            }
            if !self.overlapped.contains(r) {
                self.overlapped.insert(r);
                self.out.overlaps.push((first, r, self.point.clone()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The sweep over runs finds the classes that intersecting every
        /// atom's rows with the live rows finds, in the same order.
        #[test]
        fn classes_by_sweep_are_the_classes_by_intersection(
            cells in proptest::collection::vec(proptest::collection::vec(0usize..12, 0..6), 1..70),
            live_picks in proptest::collection::vec(any::<bool>(), 70),
        ) {
            let (rows, atom_count) = (cells.len(), 12);
            let mut per_atom = vec![Bits::none(rows); atom_count];
            let mut runs = Vec::new();
            for (r, cell) in cells.iter().enumerate() {
                let held: Vec<usize> = cell.iter().copied().collect::<std::collections::BTreeSet<_>>().into_iter().collect();
                held.iter().for_each(|a| per_atom[*a].insert(r));
                runs.push(runs_of(&held));
            }
            let mut live = Bits::none(rows);
            live_picks.iter().take(rows).enumerate().filter(|(_, p)| **p).for_each(|(r, _)| live.insert(r));
            let live_rows: Vec<usize> = live.members().collect();
            prop_assert_eq!(
                classes_by_sweep(atom_count, &runs, &live, &live_rows),
                classes_by_intersection(&per_atom, &live)
            );
        }
    }
}
