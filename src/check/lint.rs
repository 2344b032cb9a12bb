//! The checker as a reviewer: warnings about rules that are well typed but
//! wrong for the business (docs in the codes' messages and help lines).
//!
//! - `W0110` a rule that can never fire: every way its condition could hold
//!   needs two comparisons that contradict each other (`score < 600 and
//!   score > 700`, `status == "active" and status == "closed"`).
//! - `W0111` a rule of a `first` group that is never reached: whenever it
//!   matches, an earlier rule of the group matches too.
//! - `W0112` a rule that closes an account without notifying the customer.
//! - `W0117` a limit set from a quotient that is not rounded.
//!
//! The reasoning: a condition is put in disjunctive normal form with `not`
//! pushed down to the comparisons (lets that are conditions are expanded),
//! and each conjunction is checked by interval reasoning per compared
//! expression ([`super::facts`]). It only ever proves; when a condition is
//! too large it says nothing.

use super::facts::{contradiction, Conflict, Lit};
use super::CheckedPolicy;
use crate::diagnostic::{codes, Diagnostic, Span};
use crate::ir::{ArithOp, Base, Builtin, CmpKind, CmpOp, Const, LetDef, TAction, TExpr, TKind, TRule, Ty};
use crate::syntax::ast::{ActionKind, Item, PolicyAst, RuleDecl};
use std::path::Path;

/// Conjunctions beyond this many make a condition too large to reason about.
const MAX_DISJUNCTS: usize = 256;
/// How deep lets that are conditions are expanded.
const MAX_LET_DEPTH: usize = 8;
/// Literals in one normal form, over all its conjunctions: a conjunction's
/// literals are compared pairwise, so long ones cost their square.
const MAX_LITERALS: usize = 2_048;
/// Expression nodes visited to build one normal form (lets count each time
/// they are expanded).
const MAX_DNF_STEPS: usize = 10_000;
/// Rule pairs compared for `W0111` in one policy. A `first` group of a few
/// hundred rules is checked whole; beyond that, later rules go unchecked.
const MAX_SHADOW_COMPARISONS: usize = 200_000;

/// A condition in disjunctive normal form: any of the conjunctions holds.
type Dnf = Vec<Vec<Lit>>;

/// The reviewer's warnings for a policy that checked without errors.
#[expect(
    clippy::indexing_slicing,
    reason = "every index ranges over `0..rules.len()` (or positions found in `members`), and the vectors indexed were built with that length"
)]
pub(super) fn lint(ast: &PolicyAst, policy: &CheckedPolicy, file: &Path, source: &str) -> Vec<Diagnostic> {
    // Each rule with where its days are written: its own `effective`, else its group's.
    let dated: Vec<(&RuleDecl, Option<Span>)> = ast
        .items
        .iter()
        .flat_map(|item| match item {
            Item::Rule(r) => vec![(r, r.effective.as_ref().map(|e| e.span))],
            Item::Group(g) => {
                let days = |r: &RuleDecl| r.effective.as_ref().or(g.effective.as_ref()).map(|e| e.span);
                g.rules.iter().map(|r| (r, days(r))).collect()
            }
            _ => Vec::new(),
        })
        .collect();
    let decls: Vec<&RuleDecl> = dated.iter().map(|(d, _)| *d).collect();
    let mut diags = Vec::new();
    let text = |lit: &Lit| {
        let written = short(source.get(lit.span().range()).unwrap_or(""));
        match (lit.holds, written.starts_with('(')) {
            (true, _) => written,
            (false, true) => format!("not {written}"),
            (false, false) => format!("not ({written})"),
        }
    };
    // INVARIANT: a policy without errors has one checked rule per declared rule, in file order.
    let rules: Vec<(&RuleDecl, &TRule)> = decls.into_iter().zip(&policy.rules).collect();
    let mut never = vec![false; rules.len()];
    for (i, (decl, rule)) in rules.iter().enumerate() {
        let days_written = dated.get(i).and_then(|(_, span)| *span).unwrap_or(rule.when.span);
        let Some(dnf) = to_dnf(&within_its_days(rule, days_written), true, &policy.lets) else { continue };
        let Some(why) = always_false(&dnf) else { continue };
        never[i] = true;
        let (message, help) = match why {
            Some((lits, conflict)) => {
                let texts: Vec<String> = lits.iter().map(|l| format!("`{}`", text(l))).collect();
                let known = lits.first().and_then(|l| l.known_range()).unwrap_or("its value is never that");
                let listed = match texts.split_last() {
                    // Alone: every member of an enum left out, or a value beyond its known range.
                    Some((only, [])) if conflict == Conflict::NothingLeft => {
                        format!("{only} never holds: it leaves out every value there is")
                    }
                    Some((only, [])) => format!("{only} never holds: {known}"),
                    Some((last, [one])) => format!("{one} and {last} cannot both hold"),
                    Some((last, init)) => format!("{} and {last} cannot all hold", init.join(", ")),
                    None => "they cannot all hold".to_owned(),
                };
                (format!("rule \"{}\" can never fire: {listed}", decl.name.node), conflict_help(conflict))
            }
            None => (
                format!("rule \"{}\" can never fire: its condition is always false", decl.name.node),
                conflict_help(Conflict::Bounds),
            ),
        };
        diags.push(
            Diagnostic::warning(codes::NEVER_FIRES, file, rule.when.span, message)
                .with_label("never true")
                .with_help(help),
        );
    }
    shadowed(&rules, &never, policy, file, &mut diags);
    diags.extend(super::reason_texts::reason_texts(ast, file));
    unrounded_limits(&rules, &policy.lets, file, &mut diags);
    for (decl, _) in &rules {
        diags.extend(limit_without_effect(decl, file));
        let closes = decl.actions.iter().find(|a| matches!(a.kind, ActionKind::Close));
        let notifies = decl.actions.iter().any(|a| matches!(a.kind, ActionKind::Notify { .. }));
        if let (Some(close), false) = (closes, notifies) {
            diags.push(
                Diagnostic::warning(
                    codes::CLOSE_WITHOUT_NOTIFY,
                    file,
                    close.span,
                    format!("rule \"{}\" closes the account without notifying the customer", decl.name.node),
                )
                .with_help(
                    "customers must be told of a closure: `notify letter \"closure-notice\"` sends the notice with this \
                     decision; where notice must come first, send it from an earlier rule and close only once it is \
                     old enough (`closure_notice_on + 30 days <= as_of`)",
                ),
            );
        }
    }
    diags
}

/// `W0114`: a `set limit` in a rule whose outcome gives no limit (`close`
/// makes it 0; a declined or referred application has none), which no
/// decision would show.
fn limit_without_effect(decl: &RuleDecl, file: &Path) -> Option<Diagnostic> {
    let set_limit = decl.actions.iter().find(|a| matches!(a.kind, ActionKind::SetLimit(_)))?;
    let (outcome, gives) = decl.actions.iter().find_map(|a| match a.kind {
        ActionKind::Close => Some(("close", "a closed account's limit is 0")),
        ActionKind::Decline => Some(("decline", "a declined application gets no limit")),
        ActionKind::Refer => Some(("refer", "a referred application gets no limit")),
        _ => None,
    })?;
    let message = format!("rule \"{}\" sets a limit beside `{outcome}`: {gives}", decl.name.node);
    Some(
        Diagnostic::warning(codes::LIMIT_WITHOUT_EFFECT, file, set_limit.span, message)
            .with_label("never in a decision")
            .with_help(format!("drop `set limit`, or move it to a rule that does not `{outcome}`")),
    )
}

/// `W0117`: a `set limit` whose value is a quotient not rounded, found
/// through arithmetic, `??`, `case` values, lets and table outputs (a
/// division inside a condition or under `round`, `floor` or `ceil` is not
/// one). Once per division, at the division, naming the first rule.
fn unrounded_limits(rules: &[(&RuleDecl, &TRule)], lets: &[LetDef], file: &Path, diags: &mut Vec<Diagnostic>) {
    let mut warned: Vec<Span> = Vec::new();
    for (decl, rule) in rules {
        for action in &rule.actions {
            let TAction::SetLimit(value) = action else { continue };
            let Some(division) = unrounded_quotient(value, lets, 0) else { continue };
            if warned.contains(&division) {
                continue;
            }
            warned.push(division);
            let message = format!("rule \"{}\" sets a limit from a quotient that is not rounded", decl.name.node);
            diags.push(
                Diagnostic::warning(codes::UNROUNDED_LIMIT, file, division, message)
                    .with_label("up to 28 decimal places")
                    .with_help(
                        "round the limit to the places it is kept in (`round(x, 2)`, `floor(x)`): \
                         a Parquet decision's limit (DECIMAL(38, 18)) cannot hold 28 places",
                    ),
            );
        }
    }
}

/// The span of a division whose quotient, unrounded, becomes `value`.
fn unrounded_quotient(value: &TExpr, lets: &[LetDef], depth: usize) -> Option<Span> {
    let inner = |e: &TExpr| unrounded_quotient(e, lets, depth);
    match &value.kind {
        TKind::Arith { op: ArithOp::Div, lhs, rhs, .. } if terminating(rhs) => inner(lhs),
        TKind::Arith { op: ArithOp::Div, .. } => Some(value.span),
        TKind::Arith { lhs, rhs, .. } | TKind::Coalesce(lhs, rhs) => inner(lhs).or_else(|| inner(rhs)),
        TKind::Neg(_, operand) | TKind::ToDec(operand) => inner(operand),
        TKind::Call { func: Builtin::Abs | Builtin::Min2 | Builtin::Max2, args } => args.iter().find_map(inner),
        TKind::Case { branches, otherwise } => {
            branches.iter().map(|(_, v)| v).chain(otherwise.as_deref()).find_map(inner)
        }
        TKind::TableOut { table, output, .. } => {
            (0..table.row_count()).filter_map(|row| table.value(row, *output)).find_map(inner)
        }
        TKind::Let(i) if depth < MAX_LET_DEPTH => {
            lets.get(*i).and_then(|def| unrounded_quotient(&def.value, lets, depth + 1))
        }
        _ => None,
    }
}

/// Whether dividing by `divisor` keeps a few places at most: a literal whose
/// digits are a product of 2s and 5s (`2`, `4`, `100`, `0.5`, `1.25`, as an
/// int or a decimal) divides any amount exactly.
fn terminating(divisor: &TExpr) -> bool {
    let digits = match &divisor.kind {
        TKind::ToDec(inner) => return terminating(inner),
        TKind::Const(Const::Int(i)) => i.unsigned_abs(),
        TKind::Const(Const::Dec(d)) => match u64::try_from(d.mantissa().unsigned_abs()) {
            Ok(digits) => digits,
            Err(_) => return false,
        },
        _ => return false,
    };
    let mut rest = digits;
    for factor in [2, 5] {
        while rest != 0 && rest % factor == 0 {
            rest /= factor;
        }
    }
    rest == 1
}

/// `W0111`: in each `first` group, a rule whose condition implies the
/// condition of a rule evaluated before it never fires.
///
/// Every rule is compared with every earlier one, so the work grows with the
/// square of a group's size: it stops after [`MAX_SHADOW_COMPARISONS`] (a
/// missed warning, never a false one), so a group of 20,000 generated rules
/// still checks in a moment.
#[expect(
    clippy::indexing_slicing,
    reason = "every index ranges over `0..rules.len()` (or positions found in `members`), and the vectors indexed were built with that length"
)]
fn shadowed(
    rules: &[(&RuleDecl, &TRule)],
    never: &[bool],
    policy: &CheckedPolicy,
    file: &Path,
    out: &mut Vec<Diagnostic>,
) {
    let mut budget = MAX_SHADOW_COMPARISONS;
    // Each rule's condition in normal form, and its negation, computed once.
    let mut matching: Vec<Option<Option<Dnf>>> = vec![None; rules.len()];
    let mut missing: Vec<Option<Option<Dnf>>> = vec![None; rules.len()];
    // Each group's rules, gathered in one pass (not one pass over all rules per group).
    let mut by_group: Vec<Vec<usize>> = vec![Vec::new(); policy.groups.len()];
    for (i, (_, rule)) in rules.iter().enumerate() {
        if let Some(members) = rule.group.and_then(|g| by_group.get_mut(g)) {
            members.push(i);
        }
    }
    // Rules found unreachable are left out of the explanations of later ones
    // (leaving a condition out only makes the proof harder, never wrong).
    // Groups do not share rules, so one record serves them all.
    let mut unreachable = never.to_vec();
    for (group, mut members) in policy.groups.iter().zip(by_group) {
        if !group.first {
            continue;
        }
        // Evaluation order: highest priority first, ties in file order.
        members.sort_by_key(|&i| rules[i].1.run_order());
        for (k, &later) in members.iter().enumerate() {
            if unreachable[later] {
                continue;
            }
            // An earlier rule shadows only on days it is in effect whenever the later one is.
            let earlier: Vec<usize> = members[..k]
                .iter()
                .copied()
                .filter(|&e| !unreachable[e] && in_effect_whenever(rules[e].1, rules[later].1))
                .collect();
            // Two passes over the earlier rules at most: stop before the budget runs out.
            let Some(left) = budget.checked_sub(2 * earlier.len()) else { return };
            budget = left;
            let Some(matches) = dnf_of(&mut matching, rules, later, true, policy).clone() else { continue };
            let implies = |misses: Option<Dnf>| {
                misses.and_then(|m| and(matches.clone(), m)).is_some_and(|both| always_false(&both).is_some())
            };
            // One earlier rule that always matches too, else several that together do.
            let single =
                earlier.iter().copied().find(|&e| implies(dnf_of(&mut missing, rules, e, false, policy).clone()));
            let by: Vec<usize> = match single {
                Some(e) => vec![e],
                None => {
                    let overlapping: Vec<usize> = earlier
                        .iter()
                        .copied()
                        .filter(|&e| {
                            let both = dnf_of(&mut matching, rules, e, true, policy)
                                .clone()
                                .and_then(|d| and(matches.clone(), d));
                            both.is_none_or(|b| always_false(&b).is_none())
                        })
                        .collect();
                    let any_of = overlapping.iter().map(|&e| rules[e].1.when.clone()).reduce(|a, b| TExpr {
                        span: a.span,
                        ty: a.ty.clone(),
                        kind: TKind::Or(Box::new(a), Box::new(b)),
                    });
                    match any_of {
                        Some(cond) if overlapping.len() > 1 && implies(to_dnf(&cond, false, &policy.lets)) => {
                            overlapping
                        }
                        _ => continue,
                    }
                }
            };
            unreachable[later] = true;
            let decl = rules[later].0;
            let earlier: Vec<&RuleDecl> = by.iter().map(|&e| rules[e].0).collect();
            out.push(shadowed_warning(decl, &earlier, &group.name, file));
        }
    }
}

/// The rule's condition on the days it takes part in: `as_of` from its
/// first day to its last, written where its dates are (`span`), so that a
/// condition on `as_of` its own dates rule out is found as any other.
fn within_its_days(rule: &TRule, span: Span) -> TExpr {
    // No day at all (its dates and its group's do not meet) is said by the check of dates.
    let Some(days) = rule.effective.filter(|d| d.to.is_none_or(|to| d.from <= to)) else {
        return rule.when.clone();
    };
    let boolean = |kind| TExpr { kind, ty: Ty::req(Base::Bool), span };
    let on = |op, day| {
        let as_of = TExpr { kind: TKind::AsOf, ty: Ty::req(Base::Date), span };
        let day = TExpr { kind: TKind::Const(Const::Date(day)), ty: Ty::req(Base::Date), span };
        boolean(TKind::Cmp { op, kind: CmpKind::Date, lhs: Box::new(as_of), rhs: Box::new(day) })
    };
    let from = conjunction(rule.when.clone(), on(CmpOp::Ge, days.from));
    match days.to {
        Some(to) => conjunction(from, on(CmpOp::Le, to)),
        None => from,
    }
}

/// `a and b`, for conditions the reviewer puts together.
pub(super) fn conjunction(a: TExpr, b: TExpr) -> TExpr {
    TExpr { span: a.span, ty: Ty::req(Base::Bool), kind: TKind::And(Box::new(a), Box::new(b)) }
}

/// Whether `earlier` takes part on every day `later` does (its effective
/// dates, if any, cover the later rule's).
pub(super) fn in_effect_whenever(earlier: &TRule, later: &TRule) -> bool {
    match (earlier.effective, later.effective) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(e), Some(l)) => e.from <= l.from && e.to.is_none_or(|e_to| l.to.is_some_and(|l_to| l_to <= e_to)),
    }
}

/// `W0111` for rule `decl`, shadowed by the `earlier` rules of group `group`.
fn shadowed_warning(decl: &RuleDecl, earlier: &[&RuleDecl], group: &str, file: &Path) -> Diagnostic {
    let names: Vec<String> = earlier.iter().map(|e| format!("\"{}\"", e.name.node)).collect();
    let highest = earlier.iter().map(|e| e.priority()).max().unwrap_or(i64::MIN);
    let (what, fix) = match names.as_slice() {
        // Runs before it by priority, wherever it is written: moving it changes nothing.
        [one] if highest > decl.priority() => (
            format!("the earlier rule {one}"),
            format!(
                "give \"{}\" a priority above {highest} (rules run by priority, then in file order), or remove it",
                decl.name.node
            ),
        ),
        [one] => (
            format!("the earlier rule {one}"),
            format!("put \"{}\" before {one} (or give it a higher priority), or remove it", decl.name.node),
        ),
        _ => (
            format!("one of the earlier rules {}", names.join(", ")),
            "narrow the earlier rules or move this one before them, or remove it".to_string(),
        ),
    };
    let mut d = Diagnostic::warning(
        codes::SHADOWED_RULE,
        file,
        decl.name.span,
        format!(
            "rule \"{}\" is never reached: whenever it matches, {what} of `first` group \"{group}\" matches too",
            decl.name.node
        ),
    )
    .with_label("shadowed")
    .with_help(format!("only the first matching rule of the group fires: {fix}"));
    for rule in earlier {
        d.relate(file, rule.name.span, "matches first");
    }
    d
}

/// Rule `i`'s condition (or its negation) in normal form, computed on first use.
#[expect(clippy::indexing_slicing, reason = "`i` indexes `rules`, and `cache` was built with its length")]
fn dnf_of<'c>(
    cache: &'c mut [Option<Option<Dnf>>],
    rules: &[(&RuleDecl, &TRule)],
    i: usize,
    positive: bool,
    policy: &CheckedPolicy,
) -> &'c Option<Dnf> {
    cache[i].get_or_insert_with(|| to_dnf(&rules[i].1.when, positive, &policy.lets))
}

/// What to check, by why the conditions cannot hold together.
fn conflict_help(conflict: Conflict) -> &'static str {
    match conflict {
        Conflict::Bounds => "check the bounds: one comparison is probably reversed or has the wrong number",
        Conflict::TwoValues => "a value is one of them at a time: `or` (or `in [...]`) was probably meant",
        Conflict::NothingLeft => "together they rule out every value it can take: `or` was probably meant",
        Conflict::Negation => "a condition and its opposite: one of them is probably negated by mistake",
    }
}

/// `Some` when no conjunction can hold, with the conditions that contradict
/// each other in the first one and why (`None` inside when the condition is
/// the constant `false`).
fn always_false(dnf: &Dnf) -> Option<Option<(Vec<&Lit>, Conflict)>> {
    let mut first = None;
    for conj in dnf {
        let pair = contradiction(conj)?;
        first = first.or(Some(pair));
    }
    Some(first)
}

/// The condition `e` (or its negation when `positive` is false) in disjunctive
/// normal form; `None` when it grows too large or takes too long to build.
fn to_dnf(e: &TExpr, positive: bool, lets: &[LetDef]) -> Option<Dnf> {
    let mut steps = MAX_DNF_STEPS;
    dnf_of_expr(e, positive, lets, 0, &mut steps)
}

/// [`to_dnf`], counting down `steps`: a let read several times is expanded
/// each time, so without a bound a short policy of nested lets could take
/// exponential time even while each form stays small.
fn dnf_of_expr(e: &TExpr, positive: bool, lets: &[LetDef], depth: usize, steps: &mut usize) -> Option<Dnf> {
    *steps = steps.checked_sub(1)?;
    match &e.kind {
        TKind::Not(inner) => dnf_of_expr(inner, !positive, lets, depth, steps),
        TKind::And(a, b) | TKind::Or(a, b) => {
            let l = dnf_of_expr(a, positive, lets, depth, steps)?;
            let r = dnf_of_expr(b, positive, lets, depth, steps)?;
            // De Morgan: a negated `and` is an `or` of the negations, and vice versa.
            if matches!(e.kind, TKind::And(..)) == positive {
                and(l, r)
            } else {
                or(l, r)
            }
        }
        TKind::Const(crate::ir::Const::Bool(b)) => Some(if *b == positive { vec![Vec::new()] } else { Vec::new() }),
        TKind::Let(i) if depth < MAX_LET_DEPTH => match lets.get(*i) {
            Some(def) if def.value.ty.base == crate::ir::Base::Bool => {
                dnf_of_expr(&def.value, positive, lets, depth + 1, steps)
            }
            _ => Some(vec![vec![Lit::new(e, positive, &|t| super::cell::known_range(t, lets))]]),
        },
        _ => {
            let leaf = through_aliases(e, lets);
            Some(vec![vec![Lit::new(&leaf, positive, &|t| super::cell::known_range(t, lets))]])
        }
    }
}

/// A comparison or membership test with each operand that is a let naming
/// a field (`let st = status`) read as that field, so `st == "frozen"` and
/// `status == "frozen"` are one term to the reasoning.
fn through_aliases<'e>(e: &'e TExpr, lets: &[LetDef]) -> std::borrow::Cow<'e, TExpr> {
    let field_of = |operand: &TExpr| match &operand.kind {
        TKind::Let(i) => lets.get(*i).map(|d| &d.value).filter(|v| matches!(v.kind, TKind::Field { .. })).cloned(),
        _ => None,
    };
    let aliased = match &e.kind {
        TKind::Cmp { lhs, rhs, .. } => [field_of(lhs), field_of(rhs)],
        TKind::InList { needle, .. } => [field_of(needle), None],
        _ => [None, None],
    };
    if aliased.iter().all(Option::is_none) {
        return std::borrow::Cow::Borrowed(e);
    }
    let mut out = e.clone();
    let [first, second] = aliased;
    match &mut out.kind {
        TKind::Cmp { lhs, rhs, .. } => {
            if let Some(field) = first {
                **lhs = field;
            }
            if let Some(field) = second {
                **rhs = field;
            }
        }
        TKind::InList { needle, .. } => {
            if let Some(field) = first {
                **needle = field;
            }
        }
        _ => {}
    }
    std::borrow::Cow::Owned(out)
}

/// Whether condition `e` is proven never to hold (`false` when it may, or
/// when it is too large to reason about).
pub(super) fn never_holds(e: &TExpr, lets: &[LetDef]) -> bool {
    to_dnf(e, true, lets).is_some_and(|dnf| always_false(&dnf).is_some())
}

/// Literals in a normal form, over all its conjunctions.
fn literals(d: &Dnf) -> usize {
    d.iter().map(Vec::len).sum()
}

fn and(l: Dnf, r: Dnf) -> Option<Dnf> {
    if l.len().saturating_mul(r.len()) > MAX_DISJUNCTS {
        return None;
    }
    // Each pair of conjunctions makes one of both their lengths: |l|·Σ|b| + |r|·Σ|a| in all.
    let total = l.len().saturating_mul(literals(&r)).saturating_add(r.len().saturating_mul(literals(&l)));
    if total > MAX_LITERALS {
        return None;
    }
    Some(l.iter().flat_map(|a| r.iter().map(move |b| a.iter().chain(b).cloned().collect())).collect())
}

fn or(mut l: Dnf, r: Dnf) -> Option<Dnf> {
    l.extend(r);
    (l.len() <= MAX_DISJUNCTS && literals(&l) <= MAX_LITERALS).then_some(l)
}

/// Source text on one line, shortened for a message.
fn short(text: &str) -> String {
    let one_line = crate::syntax::one_line(text);
    if one_line.chars().count() > 50 {
        format!("{}…", one_line.chars().take(49).collect::<String>())
    } else {
        one_line
    }
}
