//! Population stability of a policy's scorecards: how far the distribution of
//! each score (PSI, over bands at the baseline's deciles) and of each
//! characteristic (CSI, over its bins) has moved between two portfolios.

mod index;
mod report;

pub use index::{
    band, band_counts, decile_cuts, stability_index, Flag, StabilityIndex, Term, EMPTY_SHARE, SHIFT, WATCH,
};
pub use report::{band_labels, report, CardReport, CharacteristicReport, Portfolio, Report};
