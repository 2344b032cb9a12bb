//! A decision's trace as JSON, streamed straight into the serializer: a view
//! per rule, leaf, traced value, hook call, scorecard row and case, and the
//! lets as a map. Nothing is built in between (a `serde_json::Value` tree per
//! record was three quarters of a traced run's instructions).
//!
//! The keys come in the order traces have always had: a trace's parts
//! (`rules`, `lets`, `hooks`, `scorecards`, `cases`) and a rule's (`rule`,
//! `matched`, `skipped`, `conditions`) in the order written here; the keys of
//! a leaf, a hook call, a scorecard row and a case, and the names of the lets
//! and the scorecards, sorted, as the `serde_json` maps (without
//! `preserve_order`) that once held them sorted them.

use super::json_parts::DecimalText;
use crate::compile::Program;
use crate::eval::scorecard::{scorecard_of, CharacteristicTrace, ScorecardTrace};
use crate::eval::{CaseTaken, HookCall, LeafTrace, Operand, Operands, RuleStatus, RuleTrace, TableTaken, Trace};
use crate::ir::condition::{Fallback, Leaf};
use crate::ir::scorecard::TCharacteristic;
use crate::value::{SetItem, Traced};
use rust_decimal::Decimal;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::Serialize;

/// A decision's trace: each rule with its condition's leaves (as written,
/// from the program) and what they read, the lets computed, the hook calls
/// made, the scorecards' rows and the branches cases took.
pub(super) struct TraceView<'a>(pub(super) &'a Trace, pub(super) &'a Program);

impl Serialize for TraceView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (trace, program) = (self.0, self.1);
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("rules", &SeqOf(trace.rules.as_slice(), |r| RuleView(r, trace, program)))?;
        m.serialize_entry("lets", &LetsView(trace, program))?;
        if !trace.hooks.is_empty() {
            m.serialize_entry("hooks", &SeqOf(trace.hooks.as_slice(), |h| HookView(h, program)))?;
        }
        if !trace.scorecards.is_empty() {
            m.serialize_entry("scorecards", &ScorecardsView(&trace.scorecards, program))?;
        }
        if !trace.cases.is_empty() {
            m.serialize_entry("cases", &SeqOf(trace.cases.as_slice(), |c| CaseView(c, program)))?;
        }
        if !trace.tables.is_empty() {
            m.serialize_entry("tables", &SeqOf(trace.tables.as_slice(), |t| TableView(t, program)))?;
        }
        m.end()
    }
}

/// A JSON array of `view` applied to each item.
struct SeqOf<'a, T, F>(&'a [T], F);

impl<'a, T, V: Serialize, F: Fn(&'a T) -> V> Serialize for SeqOf<'a, T, F> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for item in self.0 {
            seq.serialize_element(&(self.1)(item))?;
        }
        seq.end()
    }
}

/// A traced value as typed JSON: booleans and whole numbers as JSON values,
/// strings and members as strings, `none` as null, sets as arrays; decimals
/// and dates as exact strings, like money everywhere else in a decision.
pub struct TracedJson<'a>(pub &'a Traced);

impl Serialize for TracedJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Traced::None => s.serialize_unit(),
            Traced::Bool(b) => s.serialize_bool(*b),
            Traced::Int(i) => s.serialize_i64(*i),
            Traced::Dec(d) => decimal(s, *d),
            Traced::Str(text) => s.serialize_str(text),
            Traced::ShortStr(text) => s.serialize_str(text.as_str()),
            Traced::Member { .. } => s.serialize_str(self.0.member_name().unwrap_or_default()),
            Traced::Date(d) => s.collect_str(d),
            Traced::Set(items) => SeqOf(items, SetItemJson).serialize(s),
            Traced::Records(n) => {
                let mut map = s.serialize_map(Some(1))?;
                map.serialize_entry("records", n)?;
                map.end()
            }
        }
    }
}

/// A set's element: strings and dates as strings, whole numbers as numbers.
struct SetItemJson<'a>(&'a SetItem);

impl Serialize for SetItemJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            SetItem::Str(text) => s.serialize_str(text),
            SetItem::Int(i) => s.serialize_i64(*i),
            SetItem::Date(d) => s.collect_str(d),
        }
    }
}

/// An exact decimal as `format_decimal` writes it, without a `String`.
fn decimal<S: Serializer>(s: S, d: Decimal) -> Result<S::Ok, S::Error> {
    s.serialize_str(DecimalText::of(d).as_str())
}

/// An exact decimal as a string (a scorecard row's points).
struct DecimalJson(Decimal);

impl Serialize for DecimalJson {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        decimal(s, self.0)
    }
}

/// One rule: `{"rule": …, "matched": …, ["skipped": …,] "conditions": […]}`;
/// the rule, its trace (which names it and holds its leaves), the program.
struct RuleView<'a>(&'a RuleTrace, &'a Trace, &'a Program);

impl Serialize for RuleView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let RuleView(r, trace, program) = *self;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("rule", trace.rule_name(r))?;
        match &r.status {
            RuleStatus::Fired => m.serialize_entry("matched", &true)?,
            RuleStatus::NotMatched => m.serialize_entry("matched", &false)?,
            RuleStatus::Skipped { group, by } => {
                m.serialize_entry("matched", &None::<bool>)?;
                m.serialize_entry("skipped", &format_args!("group \"{group}\" already fired rule \"{by}\""))?;
            }
            RuleStatus::NotInEffect(days) => {
                m.serialize_entry("matched", &None::<bool>)?;
                m.serialize_entry("skipped", &format_args!("not in effect ({days})"))?;
            }
        }
        let written = program.rules.get(r.index).map_or(&[][..], |rule| &rule.condition.leaves[..]);
        m.serialize_entry("conditions", &LeavesView(trace, trace.leaves_of(r), written))?;
        m.end()
    }
}

/// A rule's leaves (of the trace), each with the compiled leaf it traced
/// (its text as written, whether it stands under `not`, its fallbacks).
struct LeavesView<'a>(&'a Trace, &'a [LeafTrace], &'a [Leaf]);

impl Serialize for LeavesView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.1.len()))?;
        for (i, leaf) in self.1.iter().enumerate() {
            let written = self.2.get(i);
            let (text, negated) = written.map_or(("?", false), |l| (l.text.as_str(), l.negated));
            let fallbacks = written.map_or(&[][..], |l| &l.fallbacks[..]);
            seq.serialize_element(&LeafView { text, negated, fallbacks, leaf, trace: self.0 })?;
        }
        seq.end()
    }
}

/// The fallbacks a leaf took, as written: `["income"]`.
struct TakenView<'a>(&'a [Fallback], u16);

impl Serialize for TakenView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut taken: Vec<&str> = Vec::new();
        for (bit, f) in self.0.iter().enumerate() {
            if self.1 & (1 << bit) != 0 && !taken.contains(&f.text.as_str()) {
                taken.push(&f.text);
            }
        }
        s.collect_seq(taken)
    }
}

/// One leaf of a traced condition: as written, its value, and what it read
/// (both sides of a comparison, the needle of an `in` and the set it looked
/// in, the `x` of each `x ?? d` that was none). Keys sorted: `evaluated`,
/// `expr`, `fallbacks`, `left`, `needle`, `negated`, `op`, `right`, `set`,
/// `value`. The trace holds what the leaf's operands refer to.
struct LeafView<'a> {
    text: &'a str,
    fallbacks: &'a [Fallback],
    /// Under an odd number of `not`s: the leaf's `value` is the opposite of
    /// what it gives the condition (`not identity.verified` traces
    /// `identity.verified`, `true`, `negated`).
    negated: bool,
    leaf: &'a LeafTrace,
    trace: &'a Trace,
}

impl Serialize for LeafView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (leaf, trace) = (self.leaf, self.trace);
        let mut m = s.serialize_map(None)?;
        if leaf.value.is_none() {
            m.serialize_entry("evaluated", &false)?;
        }
        m.serialize_entry("expr", self.text)?;
        if leaf.fallbacks != 0 {
            m.serialize_entry("fallbacks", &TakenView(self.fallbacks, leaf.fallbacks))?;
        }
        let negated = |m: &mut S::SerializeMap| if self.negated { m.serialize_entry("negated", &true) } else { Ok(()) };
        match &leaf.operands {
            Some(Operands::Compare { op, left, right, .. }) => {
                m.serialize_entry("left", &TracedJson(&trace.operand(left)))?;
                negated(&mut m)?;
                m.serialize_entry("op", op.symbol())?;
                m.serialize_entry("right", &TracedJson(&trace.operand(right)))?;
            }
            Some(Operands::Member { needle, set }) => {
                m.serialize_entry("needle", &TracedJson(&trace.operand(needle)))?;
                negated(&mut m)?;
                if let Some(set) = set {
                    m.serialize_entry("set", &TracedJson(&trace.operand(set)))?;
                }
            }
            None => negated(&mut m)?,
        }
        m.serialize_entry("value", &leaf.value)?;
        m.end()
    }
}

/// The lets computed, by name in sorted order: `{"is_open": true, …}`.
struct LetsView<'a>(&'a Trace, &'a Program);

impl Serialize for LetsView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (trace, program) = (self.0, self.1);
        // A table of named outputs is no value of its own (`plan` alone is
        // not one): its outputs are listed (`plan.stage`), its row under `tables`.
        let mut named: Vec<(&str, &Operand)> = trace
            .lets
            .iter()
            .filter_map(|(i, v)| program.lets.get(*i).map(|def| (def, v)))
            .filter(|(def, _)| !def.is_table_of_outputs())
            .map(|(def, v)| (def.name.as_str(), v))
            .collect();
        let mut m = s.serialize_map(None)?;
        for (name, value) in sorted_last_of_each(&mut named) {
            m.serialize_entry(name, &TracedJson(&trace.operand(value)))?;
        }
        m.end()
    }
}

/// `entries` sorted by name (stably), keeping only the last entry of each
/// name: what a sorted map they were inserted into in order would hold.
fn sorted_last_of_each<'a, 'v, T>(entries: &'a mut [(&'v str, T)]) -> impl Iterator<Item = &'a (&'v str, T)> {
    entries.sort_by(|a, b| a.0.cmp(b.0));
    let entries = &*entries;
    entries
        .iter()
        .enumerate()
        .filter(move |(i, (name, _))| entries.get(i + 1).is_none_or(|next| next.0 != *name))
        .map(|(_, e)| e)
}

/// One hook call. Keys sorted: `args`, `hook`, `printed` (when it printed), `result`.
struct HookView<'a>(&'a HookCall, &'a Program);

impl Serialize for HookView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let h = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("args", &SeqOf(h.args.as_slice(), TracedJson))?;
        match self.1.hooks.get(h.hook) {
            Some(hook) => m.serialize_entry("hook", hook.name())?,
            None => m.serialize_entry("hook", &format_args!("#{}", h.hook))?,
        }
        if !h.printed.is_empty() {
            m.serialize_entry("printed", &h.printed)?;
        }
        match &h.result {
            Ok(v) => m.serialize_entry("result", &TracedJson(v))?,
            Err(message) => m.serialize_entry("result", &format_args!("error: {message}"))?,
        }
        m.end()
    }
}

/// `{"app_score": [{"bin": 1, "characteristic": "A01", "lost": "35", "points": "-15", "value": 24}, …]}`,
/// the scorecards by name in sorted order.
struct ScorecardsView<'a>(&'a [ScorecardTrace], &'a Program);

impl Serialize for ScorecardsView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let program = self.1;
        let mut named: Vec<(&str, RowsView<'_>)> = self
            .0
            .iter()
            .filter_map(|card| {
                let name = program.lets.get(card.scorecard)?.name.as_str();
                let written = &scorecard_of(program, card.scorecard)?.characteristics;
                Some((name, RowsView(written, &card.characteristics)))
            })
            .collect();
        let mut m = s.serialize_map(None)?;
        for (name, rows) in sorted_last_of_each(&mut named) {
            m.serialize_entry(name, rows)?;
        }
        m.end()
    }
}

/// A scorecard's rows: each characteristic as written beside its trace.
struct RowsView<'a>(&'a [TCharacteristic], &'a [CharacteristicTrace]);

impl Serialize for RowsView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len().min(self.1.len())))?;
        for (written, row) in self.0.iter().zip(self.1) {
            seq.serialize_element(&RowView(&written.code, row))?;
        }
        seq.end()
    }
}

/// One characteristic's row. Keys sorted: `bin` (from 1), `characteristic`, `lost`, `points`, `value`.
struct RowView<'a>(&'a str, &'a CharacteristicTrace);

impl Serialize for RowView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (code, row) = (self.0, self.1);
        let mut m = s.serialize_map(Some(5))?;
        m.serialize_entry("bin", &row.bin.saturating_add(1))?;
        m.serialize_entry("characteristic", code)?;
        m.serialize_entry("lost", &DecimalJson(row.lost))?;
        m.serialize_entry("points", &DecimalJson(row.points))?;
        m.serialize_entry("value", &TracedJson(&row.value))?;
        m.end()
    }
}

/// A case's branch: the branch taken (from 1, `"else"`, or null when no
/// branch held and there is no `else`), the let it defines (when it is a
/// let's whole value) and the value. Keys sorted: `branch`, `let`, `value`.
struct CaseView<'a>(&'a CaseTaken, &'a Program);

impl Serialize for CaseView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let taken = self.0;
        let mut m = s.serialize_map(None)?;
        match (taken.branch, taken.otherwise) {
            (Some(i), _) => m.serialize_entry("branch", &i.saturating_add(1))?,
            (None, true) => m.serialize_entry("branch", "else")?,
            (None, false) => m.serialize_entry("branch", &())?,
        }
        if let Some(def) = self.1.lets.iter().find(|l| l.value.span == taken.at) {
            m.serialize_entry("let", &def.name)?;
        }
        m.serialize_entry("value", &TracedJson(&taken.value))?;
        m.end()
    }
}

/// The row a table matched, with the let it is the whole value of, or else
/// the let or rule whose expression holds it.
struct TableView<'a>(&'a TableTaken, &'a Program);

impl Serialize for TableView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let taken = self.0;
        let mut m = s.serialize_map(None)?;
        let whole = |e: &crate::ir::TExpr| match &e.kind {
            crate::ir::TKind::TableRow(t) | crate::ir::TKind::TableOut { table: t, .. } => t.span == taken.at,
            _ => false,
        };
        let holds = |span: crate::diagnostic::Span| span.start <= taken.at.start && taken.at.end <= span.end;
        if let Some(def) = self.1.lets.iter().find(|l| whole(&l.value)) {
            m.serialize_entry("let", &def.name)?;
        } else if let Some(def) = self.1.lets.iter().find(|l| holds(l.value.span)) {
            m.serialize_entry("in_let", &def.name)?;
        } else if let Some(rule) = self.1.rules.iter().find(|r| holds(r.span)) {
            m.serialize_entry("in_rule", &*rule.name)?;
        }
        m.serialize_entry("row", &taken.row)?;
        m.end()
    }
}
