//! The diff report as JSON: field order as documented in `docs/diff.md`, money
//! as exact strings (like decisions), a changed account's sides as the
//! decisions `eval` writes, without `id`, `as_of` and `policy`.

use super::arms::ArmRow;
use super::axes::{Bucket, Row, ROWS};
use super::report::{ChangedAccount, DiffReport, Exposure, ScoreShift};
use crate::decision::fields;
use crate::eval::Outputs;
use crate::output::{ActionView, ArmsView, ErrorView, KeyView, Reasons, Scores};
use crate::value::format_decimal;
use rust_decimal::Decimal;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::Serialize;

/// An exact decimal as decisions write it (money, limits, scores).
fn exact(d: Option<Decimal>) -> Option<String> {
    d.map(format_decimal)
}

/// One side of a changed account: the decision as `eval` writes it (without
/// `id`, `as_of` and `policy`, which the account record holds; `scores` and
/// `arms` when the policy has them), or the error.
pub struct SideView<'a>(pub &'a Outputs);

impl Serialize for SideView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        match self.0 {
            Ok(d) => {
                m.serialize_entry(fields::OUTCOME, d.outcome.name())?;
                m.serialize_entry(fields::UNTIL, &d.until.map(|u| u.to_string()))?;
                m.serialize_entry(fields::LIMIT, &exact(d.limit))?;
                m.serialize_entry(fields::REASONS, &Reasons(d))?;
                m.serialize_entry(fields::ACTIONS, &d.actions.iter().map(ActionView).collect::<Vec<_>>())?;
                m.serialize_entry(fields::FIRED, &d.fired.iter().map(|f| &**f).collect::<Vec<_>>())?;
                if !d.scores.is_empty() {
                    m.serialize_entry(fields::SCORES, &Scores(&d.scores))?;
                }
                if !d.arms.is_empty() {
                    m.serialize_entry(fields::ARMS, &ArmsView(&d.arms))?;
                }
            }
            Err(e) => {
                m.serialize_entry(fields::ERROR, &ErrorView(e))?;
            }
        }
        m.end()
    }
}

impl Serialize for ChangedAccount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("input", &*self.input)?;
        m.serialize_entry("record", &self.record)?;
        m.serialize_entry("id", &self.id.as_ref().map(KeyView))?;
        m.serialize_entry("as_of", &self.as_of.map(|d| d.to_string()))?;
        m.serialize_entry("differs", &self.differs)?;
        m.serialize_entry("current_limit", &exact(self.current_limit))?;
        m.serialize_entry("old", &SideView(&self.old))?;
        m.serialize_entry("new", &SideView(&self.new))?;
        m.end()
    }
}

/// A list of `(name, value)` written as a JSON object in that order.
struct Ordered<'a, V>(&'a [(&'a str, V)]);

impl<V: Serialize> Serialize for Ordered<'_, V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl Serialize for DiffReport {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("old", &self.old)?;
        m.serialize_entry("new", &self.new)?;
        m.serialize_entry("generated", &self.meta.generated)?;
        m.serialize_entry("inputs", &self.meta.inputs)?;
        let as_of = self.as_of.map(|(from, to)| serde_json::json!({"from": from.to_string(), "to": to.to_string()}));
        m.serialize_entry("as_of", &as_of)?;
        m.serialize_entry("schemas", if self.same_schema { "same" } else { "different" })?;
        m.serialize_entry("policy_text", if self.same_text { "same" } else { "different" })?;
        if !self.errors.is_empty() {
            let kinds: serde_json::Map<String, serde_json::Value> = self
                .errors
                .iter()
                .map(|(kind, old, new)| ((*kind).to_string(), serde_json::json!({"old": old, "new": new})))
                .collect();
            m.serialize_entry("errors_by_kind", &kinds)?;
            m.serialize_entry("first_error", &self.first_error)?;
        }
        if !self.schema_changes.is_empty() {
            m.serialize_entry("schema_changes", &self.schema_changes)?;
        }
        m.serialize_entry("records", &self.records)?;
        let decided = |total: &dyn Fn(Row) -> u64| self.records - total(Row::Error);
        let summary = [
            ("decided_old", decided(&|r| self.old_total(r))),
            ("decided_new", decided(&|r| self.new_total(r))),
            ("errors_old", self.old_total(Row::Error)),
            ("errors_new", self.new_total(Row::Error)),
            ("changed", self.changed),
            ("unchanged", self.records - self.changed),
        ];
        m.serialize_entry("summary", &Ordered(&summary))?;
        m.serialize_entry("differs", &Ordered(&self.parts))?;
        let outcomes: Vec<_> = self
            .rows
            .iter()
            .map(|&r| {
                let counts = [("old", self.old_total(r)), ("new", self.new_total(r)), ("newly", self.newly(r))];
                (r.name(), counts)
            })
            .collect();
        let outcomes: Vec<_> = outcomes.iter().map(|(name, counts)| (*name, Ordered(counts))).collect();
        m.serialize_entry("outcomes", &Ordered(&outcomes))?;
        m.serialize_entry("matrix", &MatrixView(self))?;
        if !self.arms.is_empty() {
            let arms: Vec<_> = self.arms.iter().map(|a| ArmView(a, &self.rows)).collect();
            m.serialize_entry("arms", &arms)?;
            if self.arms_unassigned > 0 {
                m.serialize_entry("arms_unassigned", &self.arms_unassigned)?;
            }
        }
        if let Some(p) = &self.performance {
            m.serialize_entry("performance", &super::swap_render::json(self, p))?;
        }
        m.serialize_entry("rules", &self.rules)?;
        m.serialize_entry("lets", &self.lets)?;
        if !self.scores.is_empty() {
            let shifts: Vec<_> = self.scores.iter().map(ScoreShiftView).collect();
            m.serialize_entry("scores", &shifts)?;
        }
        m.serialize_entry("exposure", &self.exposure.as_ref().map(ExposureView))?;
        m.serialize_entry("exposure_note", &self.exposure_note)?;
        m.serialize_entry("guards", &self.guards)?;
        m.serialize_entry("guards_removed", &self.guards_removed)?;
        m.serialize_entry("guard_breached", &self.guard_breached())?;
        let changed = ChangedView { total: self.changed, shown: self.accounts.len(), accounts: &self.accounts };
        m.serialize_entry("changed", &changed)?;
        m.end()
    }
}

/// The matrix as a list of rows: `{"old": "close", "new": {"close": 7, …}, "total": 7, …}`.
struct MatrixView<'a>(&'a DiffReport);

impl Serialize for MatrixView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct RowView<'a> {
            old: &'static str,
            new: Ordered<'a, u64>,
            total: u64,
            same_outcome_changed: u64,
        }
        let r = self.0;
        let mut seq = s.serialize_seq(Some(r.rows.len()))?;
        for &old in &r.rows {
            let cells: Vec<(&str, u64)> = r.rows.iter().map(|&new| (new.name(), r.cell(old, new))).collect();
            seq.serialize_element(&RowView {
                old: old.name(),
                new: Ordered(&cells),
                total: r.old_total(old),
                same_outcome_changed: r.same_outcome_changed.get(old.index()).copied().unwrap_or(0),
            })?;
        }
        seq.end()
    }
}

struct ExposureView<'a>(&'a Exposure);

impl Serialize for ExposureView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct BucketView {
            bucket: &'static str,
            old: u64,
            new: u64,
        }
        let e = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("field", &e.field)?;
        m.serialize_entry("granted", &e.granted)?;
        m.serialize_entry("accounts", &e.accounts)?;
        m.serialize_entry("without_limit", &e.without_limit)?;
        m.serialize_entry("undecided", &e.undecided)?;
        m.serialize_entry("current", &exact(e.current))?;
        m.serialize_entry("old", &exact(e.old))?;
        m.serialize_entry("new", &exact(e.new))?;
        m.serialize_entry("old_change", &exact(Exposure::change(e.current, e.old)))?;
        m.serialize_entry("new_change", &exact(Exposure::change(e.current, e.new)))?;
        m.serialize_entry("new_vs_old", &exact(Exposure::change(e.old, e.new)))?;
        let buckets: Vec<BucketView> = Bucket::ALL
            .iter()
            .enumerate()
            .map(|(i, b)| BucketView {
                bucket: b.label(),
                old: e.buckets_old.get(i).copied().unwrap_or(0),
                new: e.buckets_new.get(i).copied().unwrap_or(0),
            })
            .collect();
        m.serialize_entry("buckets", &buckets)?;
        m.end()
    }
}

#[derive(Serialize)]
struct ChangedView<'a> {
    total: u64,
    shown: usize,
    accounts: &'a [ChangedAccount],
}

/// An arm: `{"split", "arm", "accounts", "changed", "old": {...}, "new": {...}}`,
/// the outcome counts in the report's row order (as in `outcomes`).
struct ArmView<'a>(&'a ArmRow, &'a [Row]);

impl Serialize for ArmView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (a, rows) = (self.0, self.1);
        let counts = |c: &[u64; ROWS.len()]| -> Vec<(&str, u64)> {
            rows.iter().map(|r| (r.name(), c.get(r.index()).copied().unwrap_or(0))).collect()
        };
        let (old, new) = (counts(&a.old), counts(&a.new));
        let mut m = s.serialize_map(Some(7))?;
        m.serialize_entry("split", &*a.split)?;
        m.serialize_entry("arm", &*a.arm)?;
        m.serialize_entry("accounts", &a.accounts)?;
        m.serialize_entry("changed", &a.changed)?;
        m.serialize_entry("moved_in", &a.moved_in)?;
        m.serialize_entry("old", &Ordered(&old))?;
        m.serialize_entry("new", &Ordered(&new))?;
        m.end()
    }
}

/// How one scorecard's score moved, its members in the documented order.
struct ScoreShiftView<'a>(&'a ScoreShift);

impl Serialize for ScoreShiftView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let x = self.0;
        let mut m = s.serialize_map(Some(7))?;
        m.serialize_entry("scorecard", &x.scorecard)?;
        m.serialize_entry("accounts", &x.accounts)?;
        m.serialize_entry("rose", &x.rose)?;
        m.serialize_entry("fell", &x.fell)?;
        m.serialize_entry("old_mean", &exact(x.old_mean))?;
        m.serialize_entry("new_mean", &exact(x.new_mean))?;
        m.serialize_entry("shift", &exact(x.shift))?;
        m.end()
    }
}
