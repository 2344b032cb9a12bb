//! A case's `expect:`: any subset of the decision's fields (spec §7), read
//! against the policy (so a misspelt rule or reason code is caught before the
//! run) and compared with the decision as it is written out (spec §5).

use super::file::{get, Reader};
use super::{Mismatch, Shown};
use crate::compile::Program;
use crate::decision::fields;
use crate::diagnostic::{codes, did_you_mean};
use crate::eval::ErrorKind;
use crate::ir::{Channel, Outcome, TAction};
use crate::value::{format_decimal, parse_decimal, Date};
use crate::yaml::{YKind, YNode};
use rust_decimal::Decimal;
use serde_json::Value;

/// What a case expects.
#[derive(Debug, Default)]
pub(crate) struct Expectation {
    checks: Vec<Check>,
}

#[derive(Debug)]
enum Check {
    Id(String),
    AsOf(Date),
    Outcome(Outcome),
    Until(Option<Date>),
    Limit(Option<Decimal>),
    Reasons(Vec<ReasonPat>),
    Actions(Vec<ActionPat>),
    Fired(Vec<String>),
    /// The arms of the named splits (others are not compared).
    Arms(Vec<(String, String)>),
    Policy(Vec<(&'static str, String)>),
    Error {
        kind: ErrorKind,
        message: Option<String>,
    },
    /// Some scorecards' values, by name.
    Scores(Vec<(String, Decimal)>),
}

/// A reason as expected: its code alone, or some of code, text and rule.
#[derive(Debug)]
struct ReasonPat {
    code: String,
    /// `Some(None)`: the reason must have no text.
    text: Option<Option<String>>,
    rule: Option<String>,
}

/// An action as expected; its rule is compared only when given.
#[derive(Debug)]
struct ActionPat {
    /// The action as it appears in a decision, without `rule`.
    fields: Vec<(&'static str, String)>,
    rule: Option<String>,
}

/// Reads `expect:`; `None` when it has errors (they are in `r.diags`).
pub(crate) fn read_expectation(node: &YNode, program: &Program, r: &mut Reader<'_>) -> Option<Expectation> {
    let errors_before = r.diags.len();
    let entries = r.map(node, "`expect`")?;
    r.known_keys(entries, &fields::RECORD, "`expect`");
    if entries.is_empty() {
        // An empty expectation holds for every decision and every error: the case could never fail.
        r.error_help(
            codes::TEST_MISSING,
            node.span,
            "this `expect` is empty, so the case would pass whatever the policy decides",
            "name at least one field of the decision, e.g. `expect: {outcome: none}`",
        );
    }
    let mut exp = Expectation::default();
    for (key, value) in entries {
        let check = match key.as_scalar().unwrap_or_default() {
            fields::ID => r.text(value, "`id`").map(|t| Check::Id(t.to_string())),
            fields::AS_OF => r.date(value, "`as_of`").map(Check::AsOf),
            fields::OUTCOME => read_outcome(value, program, r),
            fields::UNTIL if value.is_null() => Some(Check::Until(None)),
            fields::UNTIL => r.date(value, "`until`").map(|d| Check::Until(Some(d))),
            fields::LIMIT if value.is_null() => Some(Check::Limit(None)),
            fields::LIMIT => read_limit(value, r),
            fields::REASONS => {
                read_list(value, "`reasons`", r, |item, r| read_reason(item, program, r)).map(Check::Reasons)
            }
            fields::ACTIONS => {
                read_list(value, "`actions`", r, |item, r| read_action(item, program, r)).map(Check::Actions)
            }
            fields::FIRED => {
                read_list(value, "`fired`", r, |item, r| read_rule_name(item, program, r)).map(Check::Fired)
            }
            fields::POLICY => read_policy(value, r),
            fields::ARMS => read_arms(value, program, r),
            fields::ERROR => read_error(value, r),
            fields::SCORES => read_scores(value, program, r),
            _ => None,
        };
        exp.checks.extend(check);
    }
    let mut decision_keys = fields::DECISION.iter().filter(|k| **k != fields::ID);
    if let (Some(err), Some(other)) = (get(entries, fields::ERROR), decision_keys.find(|k| get(entries, k).is_some())) {
        r.error_help(
            codes::TEST_CONFLICT,
            err.span,
            format!("a case expecting an error cannot also expect `{other}`"),
            "an account that fails has no decision; keep `error` (and `id`) or the decision's fields",
        );
    }
    (r.diags.len() == errors_before).then_some(exp)
}

/// Refuses an empty map under `key`, which compares only what it names: it
/// would pass whatever the policy decides, as an empty `expect` would.
fn names_some(empty: bool, node: &YNode, key: &str, example: &str, r: &mut Reader<'_>) -> Option<()> {
    if !empty {
        return Some(());
    }
    let message = format!("this `{key}` is empty, so it checks nothing");
    r.error_help(
        codes::TEST_MISSING,
        node.span,
        message,
        format!("name what to compare, e.g. `{example}`, or leave `{key}` out"),
    );
    None
}

/// `scores: {app_score: 585}`: some scorecards of the policy and their values.
fn read_scores(node: &YNode, program: &Program, r: &mut Reader<'_>) -> Option<Check> {
    let entries = r.map(node, "`scores`")?;
    names_some(entries.is_empty(), node, "scores", "scores: {app_score: 585}", r)?;
    let names: Vec<&str> = program.scorecards().map(|l| l.name.as_str()).collect();
    let mut out = Vec::new();
    // Every entry is read, so that one run reports each one wrong.
    let mut wrong = false;
    for (key, value) in entries {
        let Some(name) = r.text(key, "a scorecard's name") else {
            wrong = true;
            continue;
        };
        if !names.contains(&name) {
            let help = did_you_mean(name, names.iter().copied()).unwrap_or_else(|| match names.as_slice() {
                [] => "the policy declares no scorecard".to_owned(),
                _ => format!("the policy's scorecards are: {}", names.join(", ")),
            });
            r.error_help(codes::TEST_VALUE, key.span, format!("the policy has no scorecard `{name}`"), help);
            wrong = true;
        }
        let Some(text) = r.text(value, "a score") else {
            wrong = true;
            continue;
        };
        let Some(score) = parse_decimal(text) else {
            r.error_help(
                codes::TEST_VALUE,
                value.span,
                format!("the score `{text}` is not an exact number"),
                "write it as a number, e.g. 585",
            );
            wrong = true;
            continue;
        };
        out.push((name.to_string(), score));
    }
    (!wrong).then_some(Check::Scores(out))
}

/// An outcome the policy's entity can have: an account's are not an
/// application's, so expecting `decline` of an account policy could never pass.
fn read_outcome(node: &YNode, program: &Program, r: &mut Reader<'_>) -> Option<Check> {
    let text = r.text(node, "`outcome`")?;
    let (possible, entity): (&[Outcome], _) = if program.schema.is_application() {
        (&Outcome::APPLICATION, "an application")
    } else {
        (&Outcome::ACCOUNT, "an account")
    };
    match Outcome::from_name(text) {
        Some(o) if possible.contains(&o) => Some(Check::Outcome(o)),
        found => {
            let names: Vec<&str> = possible.iter().map(|o| o.name()).collect();
            let help = did_you_mean(text, names.iter().copied())
                .unwrap_or_else(|| format!("{entity}'s outcome is one of {}", names.join(", ")));
            let message = match found {
                Some(_) => format!("`{text}` is not an outcome of {entity}, which this policy decides"),
                None => format!("`{text}` is not an outcome"),
            };
            r.error_help(codes::TEST_VALUE, node.span, message, help);
            None
        }
    }
}

fn read_limit(node: &YNode, r: &mut Reader<'_>) -> Option<Check> {
    let text = r.text(node, "`limit`")?;
    match parse_decimal(text) {
        Some(d) => Some(Check::Limit(Some(d))),
        None => {
            r.error_help(
                codes::TEST_VALUE,
                node.span,
                format!("`limit` `{text}` is not an exact number"),
                "write the limit as a number or a string such as \"14400\" (or null for no limit)",
            );
            None
        }
    }
}

fn read_list<T>(
    node: &YNode,
    what: &str,
    r: &mut Reader<'_>,
    mut item: impl FnMut(&YNode, &mut Reader<'_>) -> Option<T>,
) -> Option<Vec<T>> {
    let items = r.seq(node, what)?;
    let read: Vec<Option<T>> = items.iter().map(|i| item(i, r)).collect();
    read.into_iter().collect()
}

fn read_rule_name(node: &YNode, program: &Program, r: &mut Reader<'_>) -> Option<String> {
    let name = r.text(node, "a rule name")?;
    if program.rules.iter().any(|rule| &*rule.name == name) {
        return Some(name.to_string());
    }
    let help = did_you_mean(name, program.rules.iter().map(|rule| &*rule.name))
        .unwrap_or_else(|| "`fired` lists the names of the policy's rules".into());
    r.error_help(codes::TEST_VALUE, node.span, format!("the policy has no rule `{name}`"), help);
    None
}

fn read_reason(node: &YNode, program: &Program, r: &mut Reader<'_>) -> Option<ReasonPat> {
    let codes_given = || {
        program.rules.iter().flat_map(|rule| rule.actions.iter()).flat_map(|a| {
            let (own, card) = match a {
                TAction::Reason(code, _) => (code.literal().map(|c| &**c), None),
                TAction::ReasonsFrom { scorecard, .. } => {
                    (None, crate::eval::scorecard::scorecard_of(program, *scorecard))
                }
                _ => (None, None),
            };
            own.into_iter().chain(card.into_iter().flat_map(|c| c.characteristics.iter().map(|ch| &*ch.code)))
        })
    };
    // A computed code may be any string: only literal codes can be checked here.
    let computed = program
        .rules
        .iter()
        .flat_map(|rule| rule.actions.iter())
        .any(|a| matches!(a, TAction::Reason(code, _) if code.literal().is_none()));
    let (code_node, text, rule) = match &node.kind {
        YKind::Scalar { .. } => (node, None, None),
        YKind::Map(entries) => {
            r.known_keys(entries, &fields::REASON, "a reason");
            let Some(code) = get(entries, fields::CODE) else {
                r.error(codes::TEST_MISSING, node.span, "this reason has no `code`");
                return None;
            };
            let text = match get(entries, fields::TEXT) {
                Some(t) if t.is_null() => Some(None),
                Some(t) => Some(Some(r.text(t, "a reason's `text`")?.to_string())),
                None => None,
            };
            let rule = match get(entries, fields::RULE) {
                Some(n) => Some(read_rule_name(n, program, r)?),
                None => None,
            };
            (code, text, rule)
        }
        YKind::Seq(_) => {
            r.error(
                codes::TEST_SHAPE,
                node.span,
                "a reason is a code (`R01`) or a mapping with `code`, `text`, `rule`",
            );
            return None;
        }
    };
    let code = r.text(code_node, "a reason code")?;
    if !computed && !codes_given().any(|c| c == code) {
        let help = did_you_mean(code, codes_given()).unwrap_or_else(|| {
            // Each code once, in the policy's order (two rules may give the same one).
            let mut all: Vec<&str> = Vec::new();
            for c in codes_given() {
                if !all.contains(&c) {
                    all.push(c);
                }
            }
            if all.is_empty() {
                "the policy gives no reason codes".to_string()
            } else {
                format!("the policy's reason codes are {}", all.join(", "))
            }
        });
        r.error_help(codes::TEST_VALUE, code_node.span, format!("no rule of the policy gives reason `{code}`"), help);
        return None;
    }
    Some(ReasonPat { code: code.to_string(), text, rule })
}

fn read_action(node: &YNode, program: &Program, r: &mut Reader<'_>) -> Option<ActionPat> {
    let entries = r.map(node, "an action")?;
    r.known_keys(entries, &fields::ACTION, "an action");
    let kinds: Vec<&str> = [fields::NOTIFY, fields::ESCALATE, fields::REVIEW, fields::TAG]
        .into_iter()
        .filter(|k| get(entries, k).is_some())
        .collect();
    let [kind] = kinds.as_slice() else {
        r.error_help(
            codes::TEST_SHAPE,
            node.span,
            "an action has exactly one of `notify` (with `template`), `escalate`, `review` or `tag`",
            "for example `{notify: sms, template: overdue-reminder}` or `{escalate: legal}`",
        );
        return None;
    };
    let value = get(entries, kind).and_then(|v| r.text(v, &format!("`{kind}`")))?.to_string();
    let mut shown = vec![(*kind, value.clone())];
    if *kind == fields::NOTIFY {
        if !Channel::ALL.iter().any(|(name, _)| *name == value) {
            let names = Channel::ALL.map(|(n, _)| n);
            let help = did_you_mean(&value, names).unwrap_or_else(|| format!("channels are {}", names.join(", ")));
            let span = get(entries, fields::NOTIFY).map_or(node.span, |n| n.span);
            r.error_help(codes::TEST_VALUE, span, format!("`{value}` is not a notification channel"), help);
            return None;
        }
        let Some(template) = get(entries, fields::TEMPLATE) else {
            r.error(codes::TEST_MISSING, node.span, "a `notify` action needs its `template`");
            return None;
        };
        shown.push((fields::TEMPLATE, r.text(template, "`template`")?.to_string()));
    } else if let Some(t) = get(entries, fields::TEMPLATE) {
        r.error(codes::TEST_CONFLICT, t.span, format!("`template` belongs to `notify`, not `{kind}`"));
        return None;
    }
    let rule = match get(entries, fields::RULE) {
        Some(n) => Some(read_rule_name(n, program, r)?),
        None => None,
    };
    Some(ActionPat { fields: shown, rule })
}

fn read_policy(node: &YNode, r: &mut Reader<'_>) -> Option<Check> {
    let entries = r.map(node, "`policy`")?;
    names_some(entries.is_empty(), node, "policy", "policy: {version: \"2026.11.1\"}", r)?;
    r.known_keys(entries, &[fields::NAME, fields::VERSION, fields::FINGERPRINT], "`policy`");
    let mut fields = Vec::new();
    for key in [fields::NAME, fields::VERSION, fields::FINGERPRINT] {
        if let Some(v) = get(entries, key) {
            fields.push((key, r.text(v, &format!("`policy.{key}`"))?.to_string()));
        }
    }
    Some(Check::Policy(fields))
}

/// `arms: {limit_test: challenger}`: splits and arms of the policy, each checked by name.
fn read_arms(node: &YNode, program: &Program, r: &mut Reader<'_>) -> Option<Check> {
    let entries = r.map(node, "`arms`")?;
    names_some(entries.is_empty(), node, "arms", "arms: {limit_test: challenger}", r)?;
    let mut arms = Vec::new();
    // Every entry is read, so that one run reports each one wrong.
    let mut wrong = false;
    for (key, value) in entries {
        let split_name = key.as_scalar().unwrap_or_default();
        let Some(arm) = r.text(value, &format!("`arms.{split_name}`")).map(str::to_string) else {
            wrong = true;
            continue;
        };
        let Some(split) = program.splits.iter().find(|s| &*s.name == split_name) else {
            let names: Vec<&str> = program.splits.iter().map(|s| &*s.name).collect();
            let help = did_you_mean(split_name, names.iter().copied()).unwrap_or_else(|| match names.is_empty() {
                true => "the policy declares no split".into(),
                false => format!("the policy's splits are {}", names.join(", ")),
            });
            r.error_help(codes::TEST_VALUE, key.span, format!("`{split_name}` is not a split of the policy"), help);
            wrong = true;
            continue;
        };
        if !split.arms.iter().any(|a| **a == *arm) {
            let help = did_you_mean(&arm, split.arms.iter().map(|a| &**a))
                .unwrap_or_else(|| format!("the arms of `{split_name}` are {}", split.arms.join(", ")));
            r.error_help(codes::TEST_VALUE, value.span, format!("`{arm}` is not an arm of `{split_name}`"), help);
            wrong = true;
            continue;
        }
        arms.push((split_name.to_string(), arm));
    }
    (!wrong).then_some(Check::Arms(arms))
}

fn read_error(node: &YNode, r: &mut Reader<'_>) -> Option<Check> {
    let (kind_node, message) = match &node.kind {
        YKind::Map(entries) => {
            r.known_keys(entries, &fields::ERROR_FIELDS, "`error`");
            let Some(kind) = get(entries, fields::KIND) else {
                r.error(codes::TEST_MISSING, node.span, "`error` needs its `kind` (snapshot, eval or hook)");
                return None;
            };
            let message = match get(entries, fields::MESSAGE) {
                Some(m) => Some(r.text(m, "`error.message`")?.to_string()),
                None => None,
            };
            (kind, message)
        }
        _ => (node, None),
    };
    let text = r.text(kind_node, "`error`")?;
    let kinds = [ErrorKind::Snapshot, ErrorKind::Eval, ErrorKind::Hook];
    match kinds.into_iter().find(|k| k.name() == text) {
        Some(kind) => Some(Check::Error { kind, message }),
        None => {
            r.error_help(
                codes::TEST_VALUE,
                kind_node.span,
                format!("`{text}` is not an error kind"),
                "an error's kind is snapshot, eval or hook",
            );
            None
        }
    }
}

impl Expectation {
    /// Every way `actual` (a record as `verdict eval` writes it) differs from the expectation.
    pub(crate) fn compare(&self, actual: &Value) -> Vec<Mismatch> {
        let error = actual.get(fields::ERROR);
        let wants_error = self.checks.iter().any(|c| matches!(c, Check::Error { .. }));
        match (error, wants_error) {
            (Some(e), false) => {
                // Nothing else can be compared: an account that fails has no decision.
                let mut out: Vec<Mismatch> = self.checks.iter().filter_map(|c| self.check_id(c, actual)).collect();
                out.push(one(fields::ERROR, "no error (a decision)", show_error(e)));
                return out;
            }
            (None, true) => {
                let wanted = self.checks.iter().find_map(|c| match c {
                    Check::Error { kind, message } => Some(expected_error(*kind, message.as_deref())),
                    _ => None,
                });
                return vec![one(
                    fields::ERROR,
                    wanted.unwrap_or_default(),
                    format!("no error: decided {}", summary(actual)),
                )];
            }
            _ => {}
        }
        self.checks.iter().filter_map(|c| check(c, actual)).collect()
    }

    fn check_id(&self, c: &Check, actual: &Value) -> Option<Mismatch> {
        matches!(c, Check::Id(_)).then(|| check(c, actual)).flatten()
    }
}

fn check(c: &Check, actual: &Value) -> Option<Mismatch> {
    let field = |name: &str| actual.get(name).unwrap_or(&Value::Null);
    match c {
        Check::Id(id) => (show(field(fields::ID)) != *id).then(|| one(fields::ID, id, show(field(fields::ID)))),
        Check::AsOf(d) => scalar(fields::AS_OF, d.to_string(), field(fields::AS_OF)),
        Check::Outcome(o) => scalar(fields::OUTCOME, o.name().to_string(), field(fields::OUTCOME)),
        Check::Until(u) => {
            scalar(fields::UNTIL, u.map_or_else(|| "null".into(), |d| d.to_string()), field(fields::UNTIL))
        }
        Check::Limit(l) => {
            let got = field(fields::LIMIT);
            let got_dec = got.as_str().and_then(parse_decimal);
            (got_dec != *l).then(|| one(fields::LIMIT, l.map_or_else(|| "null".into(), format_decimal), show(got)))
        }
        Check::Fired(names) => {
            let got: Vec<String> = list(field(fields::FIRED)).iter().map(show).collect();
            (got != *names).then(|| lists(fields::FIRED, names.clone(), got))
        }
        Check::Arms(arms) => {
            let got = field(fields::ARMS);
            let wrong = arms.iter().any(|(split, arm)| got.get(split).and_then(Value::as_str) != Some(arm.as_str()));
            // As scores are shown: `pricing control, limit none`.
            let expected = named_values(arms.iter().map(|(s, a)| (s, a.clone())));
            let actual = named_values(arms.iter().map(|(s, _)| (s, got.get(s).map_or("none".into(), show))));
            wrong.then(|| one(fields::ARMS, expected, actual))
        }
        Check::Reasons(pats) => {
            let got = list(field(fields::REASONS));
            let ok = got.len() == pats.len() && pats.iter().zip(&got).all(|(p, g)| reason_matches(p, g));
            let full = pats.iter().any(|p| p.text.is_some() || p.rule.is_some());
            (!ok).then(|| {
                let expected = pats.iter().map(show_reason_pat).collect();
                lists(fields::REASONS, expected, got.iter().map(|g| show_reason(g, full)).collect())
            })
        }
        Check::Actions(pats) => {
            let got = list(field(fields::ACTIONS));
            let ok = got.len() == pats.len() && pats.iter().zip(&got).all(|(p, g)| action_matches(p, g));
            let with_rule = pats.iter().any(|p| p.rule.is_some());
            (!ok).then(|| {
                let expected = pats.iter().map(show_action_pat).collect();
                lists(fields::ACTIONS, expected, got.iter().map(|g| show_action(g, with_rule)).collect())
            })
        }
        Check::Policy(fields) => {
            let got = field(fields::POLICY);
            let differ = fields.iter().any(|(k, v)| got.get(k).map(show).as_deref() != Some(v.as_str()));
            differ.then(|| {
                let expected = fields.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", ");
                let actual = fields
                    .iter()
                    .map(|(k, _)| format!("{k} {}", got.get(k).map(show).unwrap_or_default()))
                    .collect::<Vec<_>>()
                    .join(", ");
                one(fields::POLICY, expected, actual)
            })
        }
        Check::Scores(expected) => {
            let got = field(fields::SCORES);
            let value_of = |name: &str| got.get(name).and_then(Value::as_str).and_then(parse_decimal);
            let differ = expected.iter().any(|(name, v)| value_of(name) != Some(*v));
            differ.then(|| {
                let wanted = named_values(expected.iter().map(|(n, v)| (n, format_decimal(*v))));
                let actual = named_values(
                    expected.iter().map(|(n, _)| (n, value_of(n).map_or_else(|| "none".into(), format_decimal))),
                );
                one(fields::SCORES, wanted, actual)
            })
        }
        Check::Error { kind, message } => {
            let got = field(fields::ERROR);
            let kind_ok = got.get(fields::KIND).and_then(Value::as_str) == Some(kind.name());
            let msg = got.get(fields::MESSAGE).and_then(Value::as_str).unwrap_or_default();
            let msg_ok = message.as_deref().is_none_or(|m| msg.contains(m));
            (!(kind_ok && msg_ok))
                .then(|| one(fields::ERROR, expected_error(*kind, message.as_deref()), show_error(got)))
        }
    }
}

fn reason_matches(p: &ReasonPat, got: &Value) -> bool {
    let text = got.get(fields::TEXT).and_then(Value::as_str);
    got.get(fields::CODE).and_then(Value::as_str) == Some(p.code.as_str())
        && p.text.as_ref().is_none_or(|t| t.as_deref() == text)
        && p.rule.as_ref().is_none_or(|r| got.get(fields::RULE).and_then(Value::as_str) == Some(r.as_str()))
}

fn action_matches(p: &ActionPat, got: &Value) -> bool {
    let Some(map) = got.as_object() else {
        return false;
    };
    // Same fields but for `rule` (compared only when expected).
    map.iter().filter(|(k, _)| k.as_str() != fields::RULE).count() == p.fields.len()
        && p.fields.iter().all(|(k, v)| map.get(*k).and_then(Value::as_str) == Some(v.as_str()))
        && p.rule.as_ref().is_none_or(|r| map.get(fields::RULE).and_then(Value::as_str) == Some(r.as_str()))
}

fn scalar(name: &str, expected: String, got: &Value) -> Option<Mismatch> {
    let got = show(got);
    (got != expected).then(|| one(name, expected, got))
}

fn one(field: &str, expected: impl Into<String>, actual: impl Into<String>) -> Mismatch {
    Mismatch { field: field.into(), expected: Shown::One(expected.into()), actual: Shown::One(actual.into()) }
}

fn lists(field: &str, expected: Vec<String>, actual: Vec<String>) -> Mismatch {
    Mismatch { field: field.into(), expected: Shown::List(expected), actual: Shown::List(actual) }
}

fn list(v: &Value) -> Vec<Value> {
    v.as_array().cloned().unwrap_or_default()
}

fn expected_error(kind: ErrorKind, message: Option<&str>) -> String {
    match message {
        Some(m) => format!("{} error with a message containing {m:?}", kind.name()),
        None => format!("{} error", kind.name()),
    }
}

/// A JSON value as a person reads it: strings bare, `null` as `null`.
pub(crate) fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A record's object member (`scores`, `arms`) as `name value, name value`,
/// the way a case's expectation of it is shown; `none` when empty.
pub(crate) fn show_members(v: &Value) -> String {
    match v.as_object() {
        Some(m) if m.is_empty() => "none".into(),
        Some(m) => named_values(m.iter().map(|(k, v)| (k, show(v)))),
        None => show(v),
    }
}

/// Named values as a test's messages show them: `pricing control, limit none`
/// (arms, scores, an object's members).
fn named_values<'a>(pairs: impl Iterator<Item = (&'a String, String)>) -> String {
    pairs.map(|(name, value)| format!("{name} {value}")).collect::<Vec<_>>().join(", ")
}

/// An error record's `error` member: `kind: message`.
pub(crate) fn show_error(e: &Value) -> String {
    let kind = e.get(fields::KIND).map(show).unwrap_or_default();
    let message = e.get(fields::MESSAGE).map(show).unwrap_or_default();
    format!("{kind} error: {message}")
}

/// A decision in a few words: `outcome close, fired [a, b]`.
pub(crate) fn summary(v: &Value) -> String {
    let fired: Vec<String> = list(v.get(fields::FIRED).unwrap_or(&Value::Null)).iter().map(show).collect();
    format!("outcome {}, fired [{}]", v.get(fields::OUTCOME).map(show).unwrap_or_default(), fired.join(", "))
}

/// A reason as `CODE "text" (rule)`, or just its code.
pub(crate) fn show_reason(v: &Value, full: bool) -> String {
    let code = v.get(fields::CODE).map(show).unwrap_or_default();
    if !full {
        return code;
    }
    let mut out = code;
    if let Some(Value::String(text)) = v.get(fields::TEXT) {
        out.push_str(&format!(" {text:?}"));
    }
    if let Some(rule) = v.get(fields::RULE) {
        out.push_str(&format!(" (rule {})", show(rule)));
    }
    out
}

fn show_reason_pat(p: &ReasonPat) -> String {
    let mut out = p.code.clone();
    match &p.text {
        Some(Some(t)) => out.push_str(&format!(" {t:?}")),
        Some(None) => out.push_str(" (no text)"),
        None => {}
    }
    if let Some(rule) = &p.rule {
        out.push_str(&format!(" (rule {rule})"));
    }
    out
}

/// An action as the policy writes it: `notify sms "overdue-reminder"`, `escalate to "legal"`.
pub(crate) fn show_action(v: &Value, with_rule: bool) -> String {
    let get = |k: &str| v.get(k).map(show);
    let mut out = if let Some(channel) = get(fields::NOTIFY) {
        format!("notify {channel} {:?}", get(fields::TEMPLATE).unwrap_or_default())
    } else if let Some(stage) = get(fields::ESCALATE) {
        format!("escalate to {stage:?}")
    } else if let Some(queue) = get(fields::REVIEW) {
        format!("review {queue:?}")
    } else if let Some(label) = get(fields::TAG) {
        format!("tag {label:?}")
    } else {
        v.to_string()
    };
    if with_rule {
        if let Some(rule) = get(fields::RULE) {
            out.push_str(&format!(" (rule {rule})"));
        }
    }
    out
}

fn show_action_pat(p: &ActionPat) -> String {
    let mut map = serde_json::Map::new();
    for (k, v) in &p.fields {
        map.insert((*k).into(), Value::String(v.clone()));
    }
    if let Some(rule) = &p.rule {
        map.insert(fields::RULE.into(), Value::String(rule.clone()));
    }
    show_action(&Value::Object(map), p.rule.is_some())
}

#[cfg(test)]
mod tests {
    use super::{check, Check};
    use crate::testing::Shown;
    use rust_decimal::Decimal;

    #[test]
    fn scores_and_arms_read_alike() {
        let actual = serde_json::json!({"id": "A", "scores": {"s": "700"}, "arms": {"pricing": "control"}});
        let arms = vec![("pricing".to_string(), "test".to_string()), ("limit".to_string(), "b".to_string())];
        let differs = check(&Check::Arms(arms), &actual).expect("the arms differ");
        assert_eq!(differs.expected, Shown::One("pricing test, limit b".into()));
        assert_eq!(differs.actual, Shown::One("pricing control, limit none".into()));
        let differs =
            check(&Check::Scores(vec![("s".into(), Decimal::from(710))]), &actual).expect("the scores differ");
        assert_eq!((differs.expected, differs.actual), (Shown::One("s 710".into()), Shown::One("s 700".into())));
    }
}
