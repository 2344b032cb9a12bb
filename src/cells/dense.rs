//! A table's row by one array read: when the inputs' atoms make few
//! combinations, the first matching row of every combination is worked out
//! once, when the table is checked, and a decision indexes the array with
//! its atoms (mixed radix, the first input most significant) instead of
//! ANDing row bitsets. Each entry is what the bitset search answers for
//! that combination (it is built by running it), so both give the same row
//! by construction; `tests/table_dense.rs` holds them to it.

/// Entries up to which a table gets the array: 64 KiB of `u16`s, 128 KiB,
/// within the second-level cache, and a few milliseconds to fill when the
/// table is checked (a 40 × 25 matrix is 1,000 entries).
pub const MAX_ENTRIES: usize = 65_536;

/// The first matching row of every combination of atoms.
#[derive(Clone, Debug, PartialEq)]
pub struct Dense {
    /// Each input's number of atoms, in column order: the radixes of the index.
    radixes: Vec<usize>,
    /// Per combination, the first matching row plus one; 0 when no row matches.
    rows: Vec<u16>,
}

impl Dense {
    /// The array of a table with `row_count` rows whose inputs have `radixes`
    /// atoms each, filled by `first_row` (the bitset search); `None` when the
    /// combinations are more than [`MAX_ENTRIES`] or a row number does not
    /// fit in a `u16`.
    pub fn build(
        radixes: Vec<usize>,
        row_count: usize,
        first_row: impl Fn(&[usize]) -> Option<usize>,
    ) -> Option<Dense> {
        if row_count >= usize::from(u16::MAX) {
            return None;
        }
        let entries = radixes.iter().try_fold(1usize, |n, r| n.checked_mul(*r).filter(|n| *n <= MAX_ENTRIES))?;
        let mut atoms = vec![0usize; radixes.len()];
        let mut rows = Vec::with_capacity(entries);
        for _ in 0..entries {
            let row = first_row(&atoms).map_or(Some(0), |r| u16::try_from(r + 1).ok())?;
            rows.push(row);
            // The next combination in index order: the last input counts fastest.
            for (atom, radix) in atoms.iter_mut().zip(&radixes).rev() {
                *atom += 1;
                if *atom < *radix {
                    break;
                }
                *atom = 0;
            }
        }
        Some(Dense { radixes, rows })
    }

    /// The first row matching these atoms, one per input (`None`: no row,
    /// or an atom out of its input's range, which the bitsets match with no row either).
    #[inline]
    pub fn first_row(&self, atoms: &[usize]) -> Option<usize> {
        let mut index = 0usize;
        for (atom, radix) in atoms.iter().zip(&self.radixes) {
            index = Dense::next_index(index, *atom, *radix)?;
        }
        self.row_at(index)
    }

    /// Each input's number of atoms, in column order.
    #[inline]
    pub fn radixes(&self) -> &[usize] {
        &self.radixes
    }

    /// The index so far with one more input's atom (of `radix` atoms)
    /// appended: `None` for an atom out of range.
    #[inline(always)]
    pub fn next_index(index: usize, atom: usize, radix: usize) -> Option<usize> {
        // Cannot overflow: `index` < the product of the radixes before this
        // one, and the product of all of them is at most `MAX_ENTRIES`.
        (atom < radix).then(|| index * radix + atom)
    }

    /// The first row of the combination at `index` (built by [`Dense::next_index`] over every input).
    #[inline(always)]
    pub fn row_at(&self, index: usize) -> Option<usize> {
        usize::from(*self.rows.get(index)?).checked_sub(1)
    }

    /// How many inputs the array is indexed by.
    pub fn inputs(&self) -> usize {
        self.radixes.len()
    }

    /// How many entries (combinations of atoms) the array holds.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the array is empty (never: every input has at least one atom).
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}
