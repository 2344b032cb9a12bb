//! A checked scorecard: characteristics whose bins were proved complete and
//! unique, each with the lookup from its input's atoms to its bins, so that
//! scoring an account is one binary search per characteristic.

use super::TExpr;
use crate::cells::atoms::Atoms;
use crate::cells::ValueSet;
use crate::diagnostic::Span;
use crate::value::Val;
use rust_decimal::Decimal;
use std::sync::Arc;

/// `scorecard base N { ... }`, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct TScorecard {
    /// Base points.
    pub base: Decimal,
    /// The score is an `int`: every point and the base are whole numbers written as such.
    pub int: bool,
    /// Characteristics in declaration order.
    pub characteristics: Vec<TCharacteristic>,
}

/// One characteristic, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct TCharacteristic {
    /// What is scored.
    pub input: TExpr,
    /// Its reason code.
    pub code: Arc<str>,
    /// Its reason text.
    pub text: Option<Arc<str>>,
    /// Its bins in written order.
    pub bins: Vec<TBin>,
    /// The highest points of any bin (an `else` bin's included): points lost
    /// are measured from it.
    pub best: Decimal,
    /// The input's atoms (`crate::cells::atoms`).
    pub atoms: Atoms,
    /// For each atom, the bin it falls in. INVARIANT: every atom has a bin
    /// (`check` proved the bins complete); a value that finds no atom is
    /// matched bin by bin instead.
    pub atom_bin: Vec<u32>,
    /// The characteristic's header.
    pub span: Span,
}

/// One bin, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct TBin {
    /// The values it matches; `None` for `else`.
    pub cell: Option<ValueSet>,
    /// Its points.
    pub points: Decimal,
    /// Where it was written.
    pub span: Span,
}

impl TCharacteristic {
    /// The bin a value falls in.
    #[inline]
    pub fn bin_of(&self, v: Val<'_>) -> Option<usize> {
        if let Some(&bin) = self.atoms.locate(v).and_then(|atom| self.atom_bin.get(atom)) {
            return Some(bin as usize);
        }
        self.bins.iter().position(|b| b.cell.as_ref().is_none_or(|cell| cell.contains(v)))
    }
}
