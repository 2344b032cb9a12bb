//! Lowering a checked policy into the [`Program`] the evaluator runs: rules in
//! evaluation order (priority, then file order), batches as hash sets, hooks
//! compiled, and for `--trace` the source text of every condition.

pub mod lower;
mod warm;

use crate::check::CheckedPolicy;
use crate::ir::*;
use crate::schema::Schema;
use std::collections::HashSet;
use std::sync::Arc;

/// A rule ready to run.
#[derive(Clone, Debug)]
pub struct Rule {
    /// Its name.
    pub name: Arc<str>,
    /// Its priority.
    pub priority: i64,
    /// Its `first` group (index into [`Program::groups`]).
    pub group: Option<usize>,
    /// Its condition.
    pub when: TExpr,
    /// Its actions in written order.
    pub actions: Vec<TAction>,
    /// Its condition as leaves and shape, for traces and explanations (the
    /// fast path runs `code`).
    pub condition: Condition,
    /// Its condition lowered: what the fast path runs.
    pub code: lower::BoolCode,
    /// Its first `set limit to` lowered, when the limit is a decimal (the
    /// only one computed: a later one in the same rule never is).
    pub limit_code: Option<lower::DecCode>,
    /// The strongest status this rule can set (None when it sets none).
    pub status: Outcome,
    /// The days it takes part; `None`: every day.
    pub effective: Option<EffectiveDays>,
    /// Where the rule stands in the policy file.
    pub span: crate::diagnostic::Span,
}

/// An account-id batch.
#[derive(Clone, Debug, Default)]
pub struct Batch {
    /// Its name.
    pub name: String,
    /// The ids.
    pub ids: HashSet<Box<str>>,
    /// The ids that read as a whole number (`7`, `007`, `+7`), for int-keyed
    /// schemas: looked up without formatting the key per account. A line
    /// that is not one is `E0109` when the batch is matched against an int.
    pub numbers: HashSet<i64>,
}

impl Batch {
    /// A batch of the given ids.
    pub fn new(name: String, ids: HashSet<Box<str>>) -> Batch {
        let numbers = ids.iter().filter_map(|id| id.parse::<i64>().ok()).collect();
        Batch { name, ids, numbers }
    }
}

/// A compiled policy: everything evaluation needs, with no name left to look up.
#[derive(Debug)]
pub struct Program {
    /// `policy "name"`.
    pub name: String,
    /// `version "v"`.
    pub version: String,
    /// `sha256:` over every file the decisions depend on.
    pub fingerprint: String,
    /// The snapshot schema.
    pub schema: Arc<Schema>,
    /// Lets, by index.
    pub lets: Vec<LetDef>,
    /// Each let's value lowered, by index.
    pub let_code: Vec<lower::LetCode>,
    /// Each rule's leaves lowered, for traces.
    pub trace_code: lower::leaves::TraceCode,
    /// Rules in evaluation order.
    pub rules: Vec<Rule>,
    /// Groups.
    pub groups: Vec<TGroup>,
    /// Guards.
    pub guards: Vec<TGuard>,
    /// Batches, by index.
    pub batches: Vec<Batch>,
    /// Hooks, by index.
    pub hooks: Vec<crate::hooks::Hook>,
    /// Splits, by index (an account's arms are computed in this order).
    pub splits: Vec<TSplit>,
    /// What every decision's frame needs to know of the policy, settled here
    /// once rather than asked of the schema and the lets per account.
    pub(crate) frame: Frame,
    /// The account slots the rules, lets and limits read, touched before deciding.
    pub(crate) warm: warm::Warm,
    /// The scorecard lets, in declaration order: every decision lists their
    /// scores, so they are found once here rather than among all lets per account.
    pub(crate) scorecard_lets: Box<[usize]>,
}

/// Facts about a policy that the assembly of every decision branches on.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Frame {
    /// The schema describes applications (`approve`/`refer`/`decline`): a
    /// string comparison per decision when asked of the schema.
    pub(crate) application: bool,
    /// Some let is a scorecard, so the decision lists scores.
    pub(crate) scorecards: bool,
}

impl Frame {
    fn of(schema: &Schema, scorecard_lets: &[usize]) -> Frame {
        Frame { application: schema.is_application(), scorecards: !scorecard_lets.is_empty() }
    }
}

impl Program {
    /// The scorecard lets, in declaration order.
    pub(crate) fn scorecards(&self) -> impl Iterator<Item = &LetDef> {
        self.scorecard_lets.iter().filter_map(|&i| self.lets.get(i))
    }

    /// The outcomes its decisions may have, most severe first: an account's
    /// (with `reinstate` only when a rule reinstates) or an application's.
    /// Reports list these, so a policy that cannot reinstate reads as before.
    pub fn outcomes(&self) -> Vec<Outcome> {
        if self.schema.is_application() {
            return Outcome::APPLICATION.to_vec();
        }
        let reinstates = self.rules.iter().any(|r| r.status == Outcome::Reinstate);
        Outcome::ACCOUNT.into_iter().filter(|o| *o != Outcome::Reinstate || reinstates).collect()
    }
}

/// Lowers a checked policy. `batches` and `hooks` are in the checked policy's declaration order.
pub fn compile(
    checked: CheckedPolicy,
    source: &str,
    schema: Arc<Schema>,
    batches: Vec<Batch>,
    hooks: Vec<crate::hooks::Hook>,
    fingerprint: String,
) -> Program {
    let mut checked_rules = checked.rules;
    // INVARIANT: evaluation order is priority descending, then file order.
    checked_rules.sort_by_key(TRule::run_order);
    let rules: Vec<Rule> = checked_rules
        .into_iter()
        .map(|r| {
            let when = fold(r.when);
            let condition = Condition::of(&when, source);
            let code = lower::lower_bool(&when);
            let limit_code = r
                .actions
                .iter()
                .find_map(|a| match a {
                    TAction::SetLimit(e) => Some(e),
                    _ => None,
                })
                .filter(|e| !e.ty.optional && e.ty.base == Base::Dec)
                .map(lower::lower_dec);
            let status = r.actions.iter().map(action_outcome).max().unwrap_or(Outcome::None);
            Rule {
                name: r.name,
                priority: r.priority,
                group: r.group,
                when,
                actions: r.actions,
                condition,
                code,
                limit_code,
                status,
                effective: r.effective,
                span: r.span,
            }
        })
        .collect();
    let lets: Vec<LetDef> = checked.lets.into_iter().map(|l| LetDef { value: fold(l.value), ..l }).collect();
    let trace_code = lower::leaves::TraceCode::of(rules.iter(), &lets);
    let scorecard_lets: Box<[usize]> = lets
        .iter()
        .enumerate()
        .filter(|(_, def)| matches!(def.value.kind, TKind::Scorecard(_)))
        .map(|(i, _)| i)
        .collect();
    let frame = Frame::of(&schema, &scorecard_lets);
    let rule_exprs = rules.iter().map(|r| &r.when);
    let warm = warm::Warm::of(rule_exprs.chain(lets.iter().map(|l| &l.value)), rules.iter().flat_map(|r| &r.actions));
    Program {
        warm,
        scorecard_lets,
        name: checked.name,
        version: checked.version,
        fingerprint,
        schema,
        frame,
        let_code: lets.iter().map(lower::lower_let_def).collect(),
        trace_code,
        lets,
        rules,
        groups: checked.groups,
        guards: checked.guards,
        batches,
        hooks,
        splits: checked.splits,
    }
}

/// The outcome an action sets, if it is a status action.
pub fn action_outcome(action: &TAction) -> Outcome {
    match action {
        TAction::Close => Outcome::Close,
        TAction::Freeze(_) => Outcome::Freeze,
        TAction::Restrict(_) => Outcome::Restrict,
        TAction::Reinstate => Outcome::Reinstate,
        TAction::Admit(o) => *o,
        TAction::SetLimit(_) => Outcome::Limit,
        _ => Outcome::None,
    }
}

/// Folds constant subexpressions that cannot fail (comparisons of literals,
/// `not` of a literal, int→decimal of a literal), so a rule such as
/// `when 1 < 2 and x` pays only for `x`.
fn fold(e: TExpr) -> TExpr {
    let TExpr { kind, ty, span } = e;
    let kind = match kind {
        TKind::Not(a) => match fold(*a) {
            TExpr { kind: TKind::Const(Const::Bool(b)), .. } => TKind::Const(Const::Bool(!b)),
            a => TKind::Not(Box::new(a)),
        },
        TKind::And(a, b) => TKind::And(Box::new(fold(*a)), Box::new(fold(*b))),
        TKind::Or(a, b) => TKind::Or(Box::new(fold(*a)), Box::new(fold(*b))),
        TKind::Cmp { op, kind, lhs, rhs } => {
            let (lhs, rhs) = (fold(*lhs), fold(*rhs));
            match (&lhs.kind, &rhs.kind) {
                (TKind::Const(a), TKind::Const(b)) => match crate::value::order(a.val(), b.val()) {
                    Some(ord) => TKind::Const(Const::Bool(op.holds(ord))),
                    None => TKind::Cmp { op, kind, lhs: Box::new(lhs), rhs: Box::new(rhs) },
                },
                _ => TKind::Cmp { op, kind, lhs: Box::new(lhs), rhs: Box::new(rhs) },
            }
        }
        TKind::ToDec(a) => match fold(*a) {
            TExpr { kind: TKind::Const(Const::Int(i)), .. } => TKind::Const(Const::Dec(i.into())),
            a => TKind::ToDec(Box::new(a)),
        },
        other => other,
    };
    TExpr { kind, ty, span }
}

#[cfg(test)]
mod tests {
    use super::Batch;

    /// The facts settled at compile time say what the schema and the lets
    /// say: an application's verdict and the scores list depend on them.
    #[test]
    fn the_frame_facts_match_the_schema_and_the_lets() {
        for (file, application, scorecards) in [
            ("policies/lifecycle.policy", false, true),
            ("policies/admission.policy", true, true),
            ("policies/simple.policy", false, false),
        ] {
            let loaded = crate::load::load_policy(std::path::Path::new(file)).unwrap();
            let program = &loaded.program;
            assert_eq!(program.frame.application, program.schema.is_application(), "{file}");
            let is_scorecard = |def: &crate::ir::LetDef| matches!(def.value.kind, crate::ir::TKind::Scorecard(_));
            let any_scorecard = program.lets.iter().any(is_scorecard);
            assert_eq!(program.frame.scorecards, any_scorecard, "{file}");
            // The scores of a decision are listed from these, in this order.
            let scorecard_lets: Vec<usize> =
                program.lets.iter().enumerate().filter(|(_, def)| is_scorecard(def)).map(|(i, _)| i).collect();
            assert_eq!(&*program.scorecard_lets, scorecard_lets.as_slice(), "{file}");
            assert_eq!((program.frame.application, program.frame.scorecards), (application, scorecards), "{file}");
        }
    }

    #[test]
    fn batches_read_their_lines_as_whole_numbers_for_int_keys() {
        let ids = ["7", "007", "-3", "A-1", "+4", "9.0"].into_iter().map(Box::from).collect();
        let batch = Batch::new("b".into(), ids);
        let mut numbers: Vec<i64> = batch.numbers.iter().copied().collect();
        numbers.sort_unstable();
        // `007` is account 7 under an int key; `A-1` and `9.0` are no whole number (`E0109`).
        assert_eq!(numbers, [-3, 4, 7]);
        assert_eq!(batch.ids.len(), 6, "a string key still sees every line as written");
    }
}
