//! Finding a table's row in time that does not grow with its rows: per
//! input, a binary search over the atoms' starts (or a member index) gives
//! an atom, each atom has the bitset of the rows holding it, and the rows
//! matching all inputs are the AND of those bitsets, 64 rows per word. The
//! lowest set bit is the first matching row (a unique table has at most one).
//! A table whose atoms make few combinations also gets the row of each
//! combination in an array (`dense.rs`), read instead of the bitsets.

use super::atoms::Atoms;
use super::dense::Dense;
use super::{Domain, ValueSet};
use crate::value::Val;

/// The lookup of one table.
#[derive(Clone, Debug, PartialEq)]
pub struct Lookup {
    /// Each input's atoms.
    columns: Vec<Atoms>,
    /// Per input, per atom, `words` words of row bits.
    bits: Vec<Vec<u64>>,
    /// Words per atom (rows / 64, rounded up).
    words: usize,
    /// For a table of one input, the first row of each atom (`u32::MAX`: none),
    /// in place of `bits`: a 40,000-row table's bitsets took 400 MB, and
    /// finding a row in them read 625 words.
    single: Option<Vec<u32>>,
    /// The first row of every combination of atoms, for a table with few.
    dense: Option<Dense>,
}

impl Lookup {
    /// The lookup of rows of cells over inputs of these domains.
    pub fn new(domains: &[Domain], rows: &[Vec<ValueSet>]) -> Lookup {
        let words = rows.len().div_ceil(64).max(1);
        let mut columns = Vec::with_capacity(domains.len());
        let mut bits = Vec::with_capacity(domains.len());
        let mut single = None;
        for (c, domain) in domains.iter().enumerate() {
            let cells: Vec<&ValueSet> = rows.iter().filter_map(|r| r.get(c)).collect();
            let atoms = Atoms::of(domain, &cells);
            if domains.len() == 1 {
                // Rows marked last to first: the first row holding an atom keeps it.
                let mut first = vec![u32::MAX; atoms.len()];
                for (r, cell) in cells.iter().enumerate().rev() {
                    for a in atoms.held_by(cell) {
                        if let (Some(slot), Ok(r)) = (first.get_mut(a), u32::try_from(r)) {
                            *slot = r;
                        }
                    }
                }
                single = Some(first);
                columns.push(atoms);
                bits.push(Vec::new());
                continue;
            }
            let mut col = vec![0u64; atoms.len() * words];
            for (r, cell) in cells.iter().enumerate() {
                for a in atoms.held_by(cell) {
                    if let Some(w) = col.get_mut(a * words + r / 64) {
                        *w |= 1 << (r % 64);
                    }
                }
            }
            columns.push(atoms);
            bits.push(col);
        }
        let mut lookup = Lookup { columns, bits, words, single, dense: None };
        let radixes = lookup.columns.iter().map(Atoms::len).collect();
        lookup.dense = Dense::build(radixes, rows.len(), |atoms| lookup.first_row_in_bits(atoms));
        lookup
    }

    /// How many inputs.
    pub fn inputs(&self) -> usize {
        self.columns.len()
    }

    /// The atom of input `column`'s value (`None`: a value of another type).
    #[inline]
    pub fn atom(&self, column: usize, v: Val<'_>) -> Option<usize> {
        self.columns.get(column)?.locate(v)
    }

    /// Input `column`'s atoms.
    #[inline]
    pub fn column(&self, column: usize) -> Option<&Atoms> {
        self.columns.get(column)
    }

    /// Whether rows are found by one array read (else by the bitsets).
    pub fn is_dense(&self) -> bool {
        self.dense.is_some()
    }

    /// The array of rows by combination of atoms, when the table has one.
    #[inline]
    pub fn dense(&self) -> Option<&Dense> {
        self.dense.as_ref()
    }

    /// The first row matching the inputs whose atoms are given, one per
    /// input: read from the array when the table has one, else searched in the bitsets.
    #[inline]
    pub fn first_row(&self, atoms: &[usize]) -> Option<usize> {
        match &self.dense {
            Some(dense) if dense.inputs() == atoms.len() => dense.first_row(atoms),
            _ => self.first_row_in_bits(atoms),
        }
    }

    /// The first row matching these atoms by the AND of the inputs' row
    /// bitsets: what the array is filled from, and the search for larger tables.
    #[inline]
    pub fn first_row_in_bits(&self, atoms: &[usize]) -> Option<usize> {
        if let Some(single) = &self.single {
            let row = *single.get(*atoms.first()?)?;
            return (row != u32::MAX).then_some(row as usize);
        }
        for w in 0..self.words {
            let mut acc = u64::MAX;
            for (col, atom) in self.bits.iter().zip(atoms) {
                acc &= col.get(atom * self.words + w).copied().unwrap_or(0);
            }
            if acc != 0 {
                return Some(w * 64 + acc.trailing_zeros() as usize);
            }
        }
        None
    }

    /// The first row matching these input values (a value per input).
    pub fn find(&self, values: &[Val<'_>]) -> Option<usize> {
        let atoms: Option<Vec<usize>> = values.iter().enumerate().map(|(c, v)| self.atom(c, *v)).collect();
        self.first_row(&atoms?)
    }
}
