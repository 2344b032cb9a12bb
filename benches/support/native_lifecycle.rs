//! `policies/lifecycle.policy` written by hand in Rust, over the same parsed
//! snapshots (slots) the engine reads: the physical limit of this design, for
//! the in-process benchmark. `tests/native_lifecycle.rs` asserts it decides
//! exactly as the compiled policy does.
//!
//! To follow a change of the policy, change the rule's function below (each
//! rule is one `if` in `decide`, in evaluation order) and, for a new field,
//! one line in `Slots::resolve`. The policy's decision tables, its scorecard
//! and its split are written as a hand-written program would: `if` chains
//! over the bands, an array of points, one SHA-256 of the account's id.

#![allow(
    dead_code,
    reason = "a support module shared by several benches, each using part of it; `expect` would fail in the benches that use all of it"
)]

use chrono::Datelike;
use rust_decimal::{Decimal, RoundingStrategy};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::sync::Arc;
use verdict::compile::Program;
use verdict::eval::scorecard::Score;
use verdict::eval::{ActionRecord, Arm, Decision, ErrorKind, ErrorRecord, Outputs, Reason};
use verdict::ir::{Channel, Outcome};
use verdict::schema::{FieldKind, RecordLayout, ScalarType};
use verdict::snapshot::Snapshot;
use verdict::value::{Date, Record, SetItem, Value};

// The calendar is chrono's, used directly: the engine's own calendar code
// (`verdict::value`) is what this baseline checks, so it must not share it.

/// `d` minus `n` days.
fn minus_days(d: Date, n: i64) -> Option<Date> {
    d.checked_sub_days(chrono::Days::new(u64::try_from(n).ok()?))
}

/// The largest whole `m` with `a + m months <= b`, months clamped to a shorter month's end.
fn whole_months(a: Date, b: Date) -> i64 {
    let m = i64::from(b.year() - a.year()) * 12 + i64::from(b.month()) - i64::from(a.month());
    // `a + m months` lies in b's month, on a's day of month clamped to that month's length.
    let last_day = b
        .with_day(1)
        .and_then(|first| first.checked_add_months(chrono::Months::new(1)))
        .and_then(|next| next.pred_opt())
        .map_or(31, |d| d.day());
    if a.day().min(last_day) > b.day() {
        m - 1
    } else {
        m
    }
}

/// Slot indices, resolved once from the schema (a hand-written program would have them as constants).
struct Slots {
    id: usize,
    status: usize,
    closed: u32,
    active: u32,
    restricted: u32,
    frozen: u32,
    status_since: usize,
    credit_limit: usize,
    balance: usize,
    score: usize,
    opened_on: usize,
    verified: usize,
    mismatch_fields: usize,
    appeal_open: usize,
    closure_requested: usize,
    last_review_on: usize,
    income_verified: usize,
    tags: usize,
    score_history: usize,
    sh_scored_on: usize,
    sh_value: usize,
    overdues: usize,
    od_due_on: usize,
    od_days: usize,
    od_repaid_on: usize,
    applications: usize,
    ap_at: usize,
    ap_amount: usize,
}

fn slot(layout: &RecordLayout, path: &str) -> Option<usize> {
    verdict::schema::lookup_path(layout, path)?.slot
}

fn element<'a>(layout: &'a RecordLayout, list: &str) -> Option<&'a RecordLayout> {
    match &verdict::schema::lookup_path(layout, list)?.kind {
        FieldKind::List(l) => Some(&l.element),
        _ => None,
    }
}

impl Slots {
    fn resolve(program: &Program) -> Option<Slots> {
        let root = &program.schema.root;
        let members = match &verdict::schema::lookup_path(root, "status")?.kind {
            FieldKind::Scalar(ScalarType::Enum(m)) => m.clone(),
            _ => return None,
        };
        let member = |name: &str| members.iter().position(|m| &**m == name).map(|i| i as u32);
        let sh = element(root, "score_history")?;
        let od = element(root, "overdues")?;
        let ap = element(root, "applications")?;
        Some(Slots {
            id: program.schema.key_slot,
            status: slot(root, "status")?,
            closed: member("closed")?,
            active: member("active")?,
            restricted: member("restricted")?,
            frozen: member("frozen")?,
            status_since: slot(root, "status_since")?,
            credit_limit: slot(root, "credit_limit")?,
            balance: slot(root, "balance")?,
            score: slot(root, "score")?,
            opened_on: slot(root, "opened_on")?,
            verified: slot(root, "identity.verified")?,
            mismatch_fields: slot(root, "identity.mismatch_fields")?,
            appeal_open: slot(root, "appeal_open")?,
            closure_requested: slot(root, "closure_requested")?,
            last_review_on: slot(root, "last_review_on")?,
            income_verified: slot(root, "income_verified")?,
            tags: slot(root, "tags")?,
            score_history: slot(root, "score_history")?,
            sh_scored_on: slot(sh, "scored_on")?,
            sh_value: slot(sh, "value")?,
            overdues: slot(root, "overdues")?,
            od_due_on: slot(od, "due_on")?,
            od_days: slot(od, "days")?,
            od_repaid_on: slot(od, "repaid_on")?,
            applications: slot(root, "applications")?,
            ap_at: slot(ap, "at")?,
            ap_amount: slot(ap, "amount")?,
        })
    }
}

/// Rule names, reason codes and texts, templates: made once, shared by every decision.
struct Texts {
    rules: [Arc<str>; 16],
    strings: Vec<Arc<str>>,
    /// The behaviour scorecard's reason codes and texts, by characteristic.
    behaviour: [(Arc<str>, Arc<str>); 5],
    behaviour_score: Arc<str>,
    limit_strategy: Arc<str>,
    champion: Arc<str>,
    challenger: Arc<str>,
}

const RULES: [&str; 16] = [
    "regulatory-batch-closure",
    "customer-requested-closure",
    "closure-awaiting-repayment",
    "repeated-overdue-closure",
    "score-drop-freeze",
    "application-burst",
    "identity-mismatch",
    "limit-cut",
    "limit-raise",
    "legal",
    "agent",
    "call",
    "push",
    "sms",
    "reinstate-after-six-clean-months",
    "limit-raise-challenger",
];

/// The behaviour scorecard's characteristics: reason code and text.
const BEHAVIOUR: [(&str, &str); 5] = [
    ("B01", "Overdue repayments in the last 12 months"),
    ("B02", "A repayment is overdue"),
    ("B03", "Balance too high for the credit limit"),
    ("B04", "Credit bureau score too low"),
    ("B05", "Length of time the account has been established"),
];
/// The highest points of each characteristic (what the points lost are counted from).
const BEHAVIOUR_BEST: [i64; 5] = [40, 30, 25, 30, 15];

/// The lifecycle policy as a Rust function.
pub struct NativeLifecycle {
    /// Whether `limit-raise` calls the `fraud_risk` hook (the shipped policy)
    /// or not (the hook-free variant the in-process bench also measures).
    hook: bool,
    s: Slots,
    batch: HashSet<Box<str>>,
    texts: Texts,
}

fn int(r: &Record, i: usize) -> i64 {
    match r.slots.get(i) {
        Some(Value::Int(v)) => *v,
        _ => 0,
    }
}
fn dec(r: &Record, i: usize) -> Decimal {
    match r.slots.get(i) {
        Some(Value::Dec(v)) => *v,
        _ => Decimal::ZERO,
    }
}
fn date(r: &Record, i: usize) -> Option<Date> {
    match r.slots.get(i) {
        Some(Value::Date(d)) => Some(*d),
        _ => None,
    }
}
fn opt_bool(r: &Record, i: usize) -> Option<bool> {
    match r.slots.get(i) {
        Some(Value::Bool(b)) => Some(*b),
        _ => None,
    }
}
fn list(r: &Record, i: usize) -> &[Record] {
    match r.slots.get(i) {
        Some(Value::List(l)) => l,
        _ => &[],
    }
}
fn set(r: &Record, i: usize) -> &[SetItem] {
    match r.slots.get(i) {
        Some(Value::Set(s)) => s,
        _ => &[],
    }
}

/// Lets, computed at most once and only when needed (as the engine does).
struct Lets<'a> {
    n: &'a NativeLifecycle,
    a: &'a Record,
    as_of: Date,
    recent_overdues: Option<i64>,
    score_drop: Option<i64>,
    utilization: Option<Decimal>,
    /// The behaviour scorecard's points, per characteristic.
    behaviour: Option<[i64; 5]>,
}

impl Lets<'_> {
    fn recent_overdues(&mut self) -> i64 {
        if let Some(v) = self.recent_overdues {
            return v;
        }
        let lower = self.as_of.checked_sub_months(chrono::Months::new(12));
        let s = &self.n.s;
        let v = list(self.a, s.overdues)
            .iter()
            .filter(|e| matches!((date(e, s.od_due_on), lower), (Some(d), Some(l)) if d > l && d <= self.as_of))
            .count() as i64;
        self.recent_overdues = Some(v);
        v
    }

    fn score_drop(&mut self) -> i64 {
        if let Some(v) = self.score_drop {
            return v;
        }
        let s = &self.n.s;
        let score = int(self.a, s.score);
        let lower = minus_days(self.as_of, 90);
        let recent_max = list(self.a, s.score_history)
            .iter()
            .filter(|e| matches!((date(e, s.sh_scored_on), lower), (Some(d), Some(l)) if d > l && d <= self.as_of))
            .map(|e| int(e, s.sh_value))
            .max();
        let v = recent_max.unwrap_or(score) - score;
        self.score_drop = Some(v);
        v
    }

    fn utilization(&mut self) -> Result<Decimal, String> {
        if let Some(v) = self.utilization {
            return Ok(v);
        }
        let s = &self.n.s;
        let limit = dec(self.a, s.credit_limit);
        if limit.is_zero() {
            return Err("division by zero (in let `utilization`)".into());
        }
        let v = dec(self.a, s.balance)
            .checked_div(limit)
            .ok_or_else(|| "arithmetic overflow (in let `utilization`)".to_string())?;
        self.utilization = Some(v);
        Ok(v)
    }

    fn review_due(&self) -> Result<bool, String> {
        let s = &self.n.s;
        let since = date(self.a, s.last_review_on).or(date(self.a, s.opened_on)).unwrap_or(self.as_of);
        match since.checked_add_months(chrono::Months::new(6)) {
            Some(d) => Ok(d <= self.as_of),
            None => Err(format!("date out of range: {since} + 6 months (in let `review_due`)")),
        }
    }

    /// `usage`: balance / credit_limit, none without a limit.
    fn usage(&self) -> Result<Option<Decimal>, String> {
        let s = &self.n.s;
        let limit = dec(self.a, s.credit_limit);
        if limit <= Decimal::ZERO {
            return Ok(None);
        }
        dec(self.a, s.balance)
            .checked_div(limit)
            .map(Some)
            .ok_or_else(|| "arithmetic overflow (in let `usage`)".to_string())
    }

    /// The behaviour scorecard: the points of B01..B05 (computed once).
    fn behaviour_points(&mut self) -> Result<[i64; 5], String> {
        if let Some(p) = self.behaviour {
            return Ok(p);
        }
        let s = &self.n.s;
        let recent = self.recent_overdues();
        let open = self.open_overdue_days();
        let usage = self.usage()?;
        let score = int(self.a, s.score);
        let on_book = whole_months(date(self.a, s.opened_on).unwrap_or(self.as_of), self.as_of);
        let points = [
            match recent {
                0 => 40,
                1 => 0,
                _ => -45,
            },
            match open {
                ..=0 => 30,
                1..=30 => -20,
                _ => -70,
            },
            match usage {
                None => 0,
                Some(u) if u < Decimal::new(30, 2) => 25,
                Some(u) if u < Decimal::new(70, 2) => 5,
                Some(_) => -35,
            },
            match score {
                ..=599 => -40,
                600..=679 => 0,
                _ => 30,
            },
            match on_book {
                ..=11 => -15,
                12..=35 => 5,
                _ => 15,
            },
        ];
        self.behaviour = Some(points);
        Ok(points)
    }

    fn behaviour_score(&mut self) -> Result<i64, String> {
        Ok(600 + self.behaviour_points()?.iter().sum::<i64>())
    }

    /// `review_factor`: the limit matrix (behaviour band x utilization band),
    /// capped at 0.7 after a score drop of 60 or more.
    fn review_factor(&mut self) -> Result<Decimal, String> {
        let drop = self.score_drop();
        let lets = " (in let `limit_matrix`) (in let `review_factor`)";
        let behaviour = self.behaviour_score().map_err(|m| format!("{m} (in let `behaviour_score`){lets}"))?;
        let u = self.utilization().map_err(|m| format!("{m}{lets}"))?;
        let matrix = if behaviour < 620 {
            Decimal::new(7, 1)
        } else if behaviour < 700 {
            if u <= Decimal::new(90, 2) {
                Decimal::ONE
            } else {
                Decimal::new(8, 1)
            }
        } else if u < Decimal::new(50, 2) {
            Decimal::new(12, 1)
        } else if u <= Decimal::new(90, 2) {
            Decimal::ONE
        } else {
            Decimal::new(8, 1)
        };
        Ok(if drop >= 60 { matrix.min(Decimal::new(7, 1)) } else { matrix })
    }

    fn open_overdue_days(&self) -> i64 {
        let s = &self.n.s;
        list(self.a, s.overdues)
            .iter()
            .filter(|e| date(e, s.od_repaid_on).is_none())
            .map(|e| int(e, s.od_days))
            .max()
            .unwrap_or(0)
    }
}

/// What fired rules decided (mirrors the engine's assembly rules of spec §4).
#[derive(Default)]
struct Out {
    close: bool,
    /// The first fired freeze, with its length in days.
    freeze: Option<Option<u64>>,
    /// The first fired restriction, with its length in days.
    restrict: Option<Option<u64>>,
    reinstate: bool,
    limit: Option<Decimal>,
    reasons: Vec<Reason>,
    actions: Vec<ActionRecord>,
    fired: Vec<Arc<str>>,
}

impl Out {
    fn reason(&mut self, code: &Arc<str>, text: &Arc<str>, rule: &Arc<str>) {
        if !self.reasons.iter().any(|r| r.code == *code) {
            self.reasons.push(Reason { code: code.clone(), text: Some(text.clone()), rule: rule.clone() });
        }
    }
    fn action(&mut self, a: ActionRecord) {
        let same = |x: &ActionRecord| match (x, &a) {
            (
                ActionRecord::Notify { channel: c1, template: t1, .. },
                ActionRecord::Notify { channel: c2, template: t2, .. },
            ) => c1 == c2 && t1 == t2,
            (ActionRecord::Escalate { stage: s1, .. }, ActionRecord::Escalate { stage: s2, .. }) => s1 == s2,
            _ => false,
        };
        if !self.actions.iter().any(same) {
            self.actions.push(a);
        }
    }
}

impl NativeLifecycle {
    /// The hand-written policy for `program`'s schema and batch; `None` when the schema is not the example's.
    pub fn new(program: &Program) -> Option<NativeLifecycle> {
        let strings = [
            "REG-01",
            "Closed under regulatory batch 2023-Q3",
            "regulatory-closure",
            "C01",
            "Closed at the customer's request",
            "closure-confirmation",
            "C02",
            "Closure requested with an outstanding balance",
            "repay-to-close",
            "closure-desk",
            "R01",
            "Repeated overdue repayments",
            "closure-notice",
            "R02",
            "Credit score dropped sharply",
            "account-frozen",
            "R06",
            "Abnormally frequent applications",
            "verify-identity",
            "application-burst",
            "R05",
            "Identity information does not match",
            "kyc-refresh",
            "L02",
            "Limit reduced on periodic review",
            "L01",
            "Good repayment history",
            "legal",
            "legal-notice",
            "agent",
            "agent-call",
            "call",
            "overdue-call",
            "overdue-reminder",
            "RI1",
            "Six months without an overdue repayment",
            "account-reinstated",
            "L03",
            "Good repayment history (limit strategy trial)",
        ];
        Some(NativeLifecycle {
            hook: true,
            s: Slots::resolve(program)?,
            batch: program.batches.first()?.ids.clone(),
            texts: Texts {
                rules: RULES.map(Arc::from),
                strings: strings.iter().map(|s| Arc::from(*s)).collect(),
                behaviour: BEHAVIOUR.map(|(code, text)| (Arc::from(code), Arc::from(text))),
                behaviour_score: Arc::from("behaviour_score"),
                limit_strategy: Arc::from("limit_strategy"),
                champion: Arc::from("champion"),
                challenger: Arc::from("challenger"),
            },
        })
    }

    /// The same policy with `limit-raise`'s `fraud_risk(..) < 0.2` left out
    /// ([`WITHOUT_HOOK`] applied to the policy text).
    pub fn without_hook(self) -> NativeLifecycle {
        NativeLifecycle { hook: false, ..self }
    }

    fn t(&self, i: usize) -> Arc<str> {
        self.texts.strings.get(i).cloned().unwrap_or_else(|| Arc::from(""))
    }

    fn failure(snapshot: &Snapshot, rule: &str, message: String) -> ErrorRecord {
        ErrorRecord {
            id: Some(snapshot.id.clone()),
            kind: ErrorKind::Eval,
            message: format!("{message} in rule \"{rule}\""),
        }
    }

    /// `reinstate-after-six-clean-months`, in effect from 2026-07-01.
    fn reinstatement(
        &self,
        lets: &mut Lets,
        out: &mut Out,
        snapshot: &Snapshot,
        status: u32,
    ) -> Result<(), ErrorRecord> {
        let (s, r, a, as_of) = (&self.s, &self.texts.rules, lets.a, lets.as_of);
        let in_effect = as_of >= Date::from_ymd_opt(2026, 7, 1).unwrap_or(Date::MAX);
        if in_effect
            && (status == s.restricted || status == s.frozen)
            && {
                match date(a, s.status_since) {
                    None => false,
                    Some(since) => match since.checked_add_months(chrono::Months::new(6)) {
                        Some(d) => d <= as_of,
                        None => {
                            let m = format!("date out of range: {since} + 6 months");
                            return Err(Self::failure(snapshot, &r[14], m));
                        }
                    },
                }
            }
            && {
                let lower = as_of.checked_sub_months(chrono::Months::new(6));
                !list(a, s.overdues)
                    .iter()
                    .any(|e| matches!((date(e, s.od_due_on), lower), (Some(d), Some(l)) if d > l && d <= as_of))
            }
            && lets.open_overdue_days() <= 0
        {
            out.fired.push(r[14].clone());
            out.reinstate = true;
            out.reason(&self.t(34), &self.t(35), &r[14]);
            out.action(ActionRecord::Notify { channel: Channel::Push, template: self.t(36), rule: r[14].clone() });
        }
        Ok(())
    }

    /// `group "collections"`: the plan table by days overdue and risk tier;
    /// returns the behaviour score (the table's first read of it).
    fn collections(&self, lets: &mut Lets, out: &mut Out, snapshot: &Snapshot) -> Result<i64, ErrorRecord> {
        let r = &self.texts.rules;
        let days = lets.open_overdue_days();
        let behaviour = lets.behaviour_score().map_err(|m| {
            let m = format!("{m} (in let `behaviour_score`) (in let `risk_tier`) (in let `collections_rung`)");
            Self::failure(snapshot, &r[9], m)
        })?;
        let high = behaviour < 580;
        let rung = match days {
            ..=0 => None,
            1..=7 if high => Some((12, None, Channel::Push, 33)),
            1..=7 => Some((13, None, Channel::Sms, 33)),
            8..=30 if high => Some((11, Some(31), Channel::Call, 32)),
            8..=30 => Some((12, None, Channel::Push, 33)),
            31..=60 => Some((11, Some(31), Channel::Call, 32)),
            61..=90 if high => Some((10, Some(29), Channel::Call, 30)),
            61..=90 => Some((11, Some(31), Channel::Call, 32)),
            _ => Some((9, Some(27), Channel::Letter, 28)),
        };
        if let Some((rule, stage, channel, template)) = rung {
            out.fired.push(r[rule].clone());
            if let Some(stage) = stage {
                out.action(ActionRecord::Escalate { stage: self.t(stage), rule: r[rule].clone() });
            }
            out.action(ActionRecord::Notify { channel, template: self.t(template), rule: r[rule].clone() });
        }
        Ok(behaviour)
    }

    /// Decides one snapshot exactly as `policies/lifecycle.policy` does.
    pub fn decide(&self, snapshot: &Snapshot, default_as_of: Option<Date>) -> Outputs {
        let Some(as_of) = snapshot.as_of.or(default_as_of) else {
            return Err(ErrorRecord {
                id: Some(snapshot.id.clone()),
                kind: ErrorKind::Snapshot,
                message: "the snapshot has no `as_of` date and none was given with --as-of".into(),
            });
        };
        let s = &self.s;
        let a = &snapshot.record;
        let r = &self.texts.rules;
        let mut lets =
            Lets { n: self, a, as_of, recent_overdues: None, score_drop: None, utilization: None, behaviour: None };
        let challenger = match a.slots.get(s.id) {
            Some(Value::Str(id)) => is_challenger(id),
            _ => false,
        };
        let mut out = Out::default();
        let status = match a.slots.get(s.status) {
            Some(Value::Enum(i)) => *i,
            _ => u32::MAX,
        };
        let is_open = status != s.closed;
        let closure_requested = opt_bool(a, s.closure_requested).unwrap_or(false);
        let appeal_open = opt_bool(a, s.appeal_open).unwrap_or(false);
        let balance = dec(a, s.balance);
        let credit_limit = dec(a, s.credit_limit);
        let score = int(a, s.score);
        let overdues = list(a, s.overdues);

        // regulatory-batch-closure
        let id_in_batch = match a.slots.get(s.id) {
            Some(Value::Str(id)) => self.batch.contains(id),
            _ => false,
        };
        if is_open && id_in_batch {
            out.fired.push(r[0].clone());
            out.close = true;
            out.reason(&self.t(0), &self.t(1), &r[0]);
            out.action(ActionRecord::Notify { channel: Channel::Letter, template: self.t(2), rule: r[0].clone() });
        }
        // customer-requested-closure
        if is_open && closure_requested && balance <= Decimal::ZERO {
            out.fired.push(r[1].clone());
            out.close = true;
            out.reason(&self.t(3), &self.t(4), &r[1]);
            out.action(ActionRecord::Notify { channel: Channel::Email, template: self.t(5), rule: r[1].clone() });
        }
        // closure-awaiting-repayment
        if is_open && closure_requested && balance > Decimal::ZERO {
            out.fired.push(r[2].clone());
            out.action(ActionRecord::Review { queue: self.t(9), rule: r[2].clone() });
            out.reason(&self.t(6), &self.t(7), &r[2]);
            out.action(ActionRecord::Notify { channel: Channel::Email, template: self.t(8), rule: r[2].clone() });
        }
        // repeated-overdue-closure
        if is_open && (lets.recent_overdues() >= 3 || overdues.iter().any(|e| int(e, s.od_days) > 90)) {
            out.fired.push(r[3].clone());
            out.close = true;
            out.reason(&self.t(10), &self.t(11), &r[3]);
            out.action(ActionRecord::Notify { channel: Channel::Sms, template: self.t(12), rule: r[3].clone() });
        }
        // score-drop-freeze
        if (status == s.active || status == s.restricted) && lets.score_drop() >= 100 && score < 620 && !appeal_open {
            out.fired.push(r[4].clone());
            out.freeze.get_or_insert(Some(180));
            out.reason(&self.t(13), &self.t(14), &r[4]);
            out.action(ActionRecord::Notify { channel: Channel::Push, template: self.t(15), rule: r[4].clone() });
        }
        // application-burst
        if is_open && {
            let apps = list(a, s.applications);
            let within = |days: i64, e: &&Record| {
                let lower = minus_days(as_of, days);
                matches!((date(e, s.ap_at), lower), (Some(d), Some(l)) if d > l && d <= as_of)
            };
            apps.iter().filter(|e| within(7, e)).count() >= 6
                || apps.iter().filter(|e| within(30, e)).map(|e| dec(e, s.ap_amount)).sum::<Decimal>()
                    > Decimal::from(3) * credit_limit
        } {
            out.fired.push(r[5].clone());
            out.restrict.get_or_insert(Some(30));
            out.reason(&self.t(16), &self.t(17), &r[5]);
            out.action(ActionRecord::Notify { channel: Channel::Push, template: self.t(18), rule: r[5].clone() });
            out.action(ActionRecord::Tag { label: self.t(19), rule: r[5].clone() });
        }
        // identity-mismatch
        if is_open && (opt_bool(a, s.verified) != Some(true) || !set(a, s.mismatch_fields).is_empty()) {
            out.fired.push(r[6].clone());
            out.restrict.get_or_insert(None);
            out.reason(&self.t(20), &self.t(21), &r[6]);
            out.action(ActionRecord::Notify { channel: Channel::Push, template: self.t(18), rule: r[6].clone() });
            out.action(ActionRecord::Tag { label: self.t(22), rule: r[6].clone() });
        }
        // limit-cut
        let review_due = |lets: &Lets, rule: &str| lets.review_due().map_err(|m| Self::failure(snapshot, rule, m));
        let review_factor =
            |lets: &mut Lets, rule: &str| lets.review_factor().map_err(|m| Self::failure(snapshot, rule, m));
        if is_open
            && review_due(&lets, &r[7])?
            && credit_limit > Decimal::ZERO
            && !appeal_open
            && review_factor(&mut lets, &r[7])? < Decimal::ONE
        {
            out.fired.push(r[7].clone());
            if out.limit.is_none() {
                let cut = credit_limit
                    .checked_mul(review_factor(&mut lets, &r[7])?)
                    .ok_or_else(|| Self::failure(snapshot, &r[7], "arithmetic overflow".into()))?;
                out.limit = Some(cut.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero));
            }
            out.reason(&self.t(23), &self.t(24), &r[7]);
            // reasons from behaviour_score top 2: the characteristics that lost most points
            let points = lets.behaviour_points().map_err(|m| Self::failure(snapshot, &r[7], m))?;
            let mut lost: Vec<(i64, usize)> =
                (0..5).map(|i| (BEHAVIOUR_BEST[i] - points[i], i)).filter(|(l, _)| *l > 0).collect();
            lost.sort_by_key(|(l, i)| (-l, *i));
            for (_, i) in lost.into_iter().take(2) {
                let (code, text) = &self.texts.behaviour[i];
                out.reason(code, text, &r[7]);
            }
        }
        self.reinstatement(&mut lets, &mut out, snapshot, status)?;
        // limit-raise (champion) and limit-raise-challenger: the same review, two strategies
        // (conditions in the policy's order: it decides which failure an account reports)
        let raise = |lets: &mut Lets, rule: &str, months: i64, income: bool| -> Result<bool, ErrorRecord> {
            Ok(status == s.active
                && review_due(lets, rule)?
                && whole_months(date(a, s.opened_on).unwrap_or(as_of), as_of) >= months
                && lets.recent_overdues() == 0
                && score >= 680
                && overdues.iter().all(|e| date(e, s.od_repaid_on).is_some())
                && !set(a, s.tags).iter().any(|t| matches!(t, SetItem::Str(t) if &**t == "hardship"))
                && credit_limit > Decimal::ZERO
                && credit_limit < Decimal::from(50000)
                && review_factor(lets, rule)? > Decimal::ONE
                && {
                    let last_scored = list(a, s.score_history).last().and_then(|e| date(e, s.sh_scored_on));
                    (as_of - last_scored.or(date(a, s.opened_on)).unwrap_or(as_of)).num_days() <= 90
                }
                && (!income || opt_bool(a, s.income_verified).unwrap_or(false))
                && (!self.hook
                    || fraud_risk(score, lets.utilization().map_err(|m| Self::failure(snapshot, rule, m))?)
                        .ok_or_else(|| Self::failure(snapshot, rule, "hook `fraud_risk` failed".into()))?
                        < Decimal::new(2, 1)))
        };
        let raised = |lets: &mut Lets, rule: &str, extra: Decimal| -> Result<Decimal, ErrorRecord> {
            let factor = review_factor(lets, rule)? + extra;
            let raised = credit_limit
                .checked_mul(factor)
                .ok_or_else(|| Self::failure(snapshot, rule, "arithmetic overflow".into()))?
                .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
            Ok(raised.min(Decimal::from(50000)))
        };
        if !challenger && raise(&mut lets, &r[8], 12, true)? {
            out.fired.push(r[8].clone());
            if out.limit.is_none() {
                out.limit = Some(raised(&mut lets, &r[8], Decimal::ZERO)?);
            }
            out.reason(&self.t(25), &self.t(26), &r[8]);
        }
        if challenger && raise(&mut lets, &r[15], 6, false)? {
            out.fired.push(r[15].clone());
            if out.limit.is_none() {
                out.limit = Some(raised(&mut lets, &r[15], Decimal::new(1, 1))?);
            }
            out.reason(&self.t(37), &self.t(38), &r[15]);
        }
        let behaviour = self.collections(&mut lets, &mut out, snapshot)?;
        let texts = &self.texts;
        let arm = if challenger { (&texts.challenger, 1) } else { (&texts.champion, 0) };
        let arms = vec![Arm { split: texts.limit_strategy.clone(), arm: arm.0.clone(), index: arm.1 }];
        let scores = vec![Score { name: texts.behaviour_score.clone(), value: Decimal::from(behaviour) }];
        Ok(Decision { arms, scores, ..finish(out, snapshot, as_of) })
    }
}

/// `split limit_strategy by id salt "limit-2026-q4" { champion 90% challenger 10% }`:
/// the first 8 bytes of SHA-256 of `limit-2026-q4:<id>`, big-endian, against 90% of 2^64.
fn is_challenger(id: &str) -> bool {
    let digest = Sha256::new().chain_update("limit-2026-q4:").chain_update(id).finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u128::from(u64::from_be_bytes(first)) * 10_000 >= 9_000u128 << 64
}

/// What the hook-free variant of `policies/lifecycle.policy` leaves out of its text.
/// (Both limit raises call the hook with this text; the variant leaves out both calls.)
pub const WITHOUT_HOOK: &str = "\n       and fraud_risk(score, utilization) < 0.2";

/// `policies/hooks/fraud_risk.rhai` by hand, with the same exact decimal
/// operations rhai performs: z = -3.2 - 0.03 * (score - 700) + 4 * utilization,
/// p = 1 / (1 + e^-z), rounded half away from zero to 4 places. e^-z is the
/// hooks' own `exp`, the fastest exact-decimal one a hand-written program has.
fn fraud_risk(score: i64, utilization: Decimal) -> Option<Decimal> {
    let shift = Decimal::new(3, 2).checked_mul(Decimal::from(score.checked_sub(700)?))?;
    let z = Decimal::new(-32, 1).checked_sub(shift)?.checked_add(Decimal::from(4).checked_mul(utilization)?)?;
    let p = Decimal::ONE.checked_div(Decimal::ONE.checked_add(verdict::hooks::exp(-z)?)?)?;
    Some(p.round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero))
}

fn finish(out: Out, snapshot: &Snapshot, as_of: Date) -> Decision {
    let (outcome, duration) = if out.close {
        (Outcome::Close, None)
    } else if let Some(d) = out.freeze {
        (Outcome::Freeze, d)
    } else if let Some(d) = out.restrict {
        (Outcome::Restrict, d)
    } else if out.reinstate {
        (Outcome::Reinstate, None)
    } else if out.limit.is_some() {
        (Outcome::Limit, None)
    } else {
        (Outcome::None, None)
    };
    Decision {
        id: snapshot.id.clone(),
        as_of,
        outcome,
        until: duration.and_then(|d| as_of.checked_add_days(chrono::Days::new(d))),
        limit: if outcome == Outcome::Close { Some(Decimal::ZERO) } else { out.limit },
        reasons: out.reasons,
        actions: out.actions,
        fired: out.fired,
        arms: Vec::new(),
        scores: Vec::new(),
        trace: None,
    }
}
