//! Where an account's evaluation failed, worked out again for `explain`:
//! the lets on the failure's path and, for a scorecard, the characteristic
//! whose input could not be computed. The decision's error names only the
//! outermost let; an analyst needs the input to fix.

use super::expr::Ctx;
use super::scorecard::scorecard_of;
use crate::compile::Program;
use crate::snapshot::Snapshot;
use crate::value::Date;

/// Why a let cannot be computed for one account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LetFailure {
    /// What failed (`division by zero`), or, when a let it reads failed,
    /// that one (`` through `ratio` ``): the root cause is said once, at the
    /// let it happened in.
    pub message: String,
    /// The let it read that failed, when the failure happened there.
    pub through: Option<String>,
    /// For a scorecard, the first characteristic (by index) whose input fails.
    pub characteristic: Option<usize>,
}

/// Computes let `index` for `snapshot` on its own; its failure, if it fails.
pub fn let_failure(
    program: &Program,
    snapshot: &Snapshot,
    default_as_of: Option<Date>,
    index: usize,
) -> Option<LetFailure> {
    let as_of = snapshot.as_of.or(default_as_of)?;
    let name = &program.lets.get(index)?.name;
    let failure = Ctx::new(program, &snapshot.record, as_of).let_value(index).err()?;
    let own = format!(" (in let `{name}`)");
    let message = failure.message.strip_suffix(&own).unwrap_or(&failure.message);
    // Each let the failure went through added its name: the last is the one this let read.
    let through = message.strip_suffix("`)").and_then(|m| m.rsplit_once(" (in let `")).map(|(_, read)| read.to_owned());
    let message = match &through {
        Some(read) => format!("through `{read}`"),
        None => message.to_owned(),
    };
    let characteristic = scorecard_of(program, index).and_then(|card| {
        let mut ctx = Ctx::new(program, &snapshot.record, as_of);
        card.characteristics.iter().position(|c| ctx.eval(&c.input).is_err())
    });
    Some(LetFailure { message, through, characteristic })
}
