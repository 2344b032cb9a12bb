//! What changed in the policy text: rules and lets matched across the two
//! versions by name, their bodies compared as syntax trees (spans ignored, so
//! re-indenting a rule is no change, nor is moving it past rules of other
//! priorities; moving it among the rules of its own priority, which run in
//! file order, is its `order` changed).

use crate::format::split_text;
use crate::syntax::ast::{ActionKind, Effective, Expr, ExprKind, Ident, Item, PolicyAst, RuleDecl, SplitDecl};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// How a rule or let differs between the two versions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeStatus {
    /// The same in both.
    Unchanged,
    /// In both, with a different body.
    Changed,
    /// Only in the new version.
    Added,
    /// Only in the old version.
    Removed,
}

impl ChangeStatus {
    /// The status as written in reports.
    pub fn name(self) -> &'static str {
        match self {
            ChangeStatus::Unchanged => "unchanged",
            ChangeStatus::Changed => "changed",
            ChangeStatus::Added => "added",
            ChangeStatus::Removed => "removed",
        }
    }
}

/// One rule of either version, as written.
#[derive(Clone, Debug)]
struct RuleInfo<'a> {
    decl: &'a RuleDecl,
    /// The group's name and whether it is `first`.
    group: Option<(&'a str, bool)>,
    /// The group's `effective` clause.
    group_days: Option<&'a Effective>,
}

/// How one rule differs (from the policy text alone).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleChange {
    /// The rule's name.
    pub rule: String,
    /// Added, removed, changed or unchanged.
    pub status: ChangeStatus,
    /// For a changed rule, which parts: `condition`, `actions`, `priority`, `group`, `effective`,
    /// `order` (its place among the rules of its priority, see [`ties_before`]).
    pub parts: Vec<&'static str>,
    /// Lets that changed (or appeared or vanished) and that the rule reads, directly or
    /// through other lets: a rule whose own text is unchanged can still decide differently.
    pub via_lets: Vec<String>,
    /// What changed, as written: `- when OLD` / `+ when NEW` for the
    /// condition, `- then` / `+ then` for the actions, `- priority` /
    /// `+ priority`, `- effective` / `+ effective` for its own dates, `-
    /// group` / `+ group` for its group (name, `first`, dates); for an
    /// added rule its `+ when`, `+ then` and, when it has them, `+ effective`
    /// and `+ group`.
    pub lines: Vec<String>,
}

/// How one `let` differs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LetChange {
    /// The name (a scorecard's characteristic as `card.CODE`).
    #[serde(rename = "let")]
    pub name: String,
    /// What the name is, as the policy declares it: `let`, `table`,
    /// `scorecard`, `characteristic`, `split`, `batch` or `hook` (a name
    /// declared as another kind in the new version: the new kind).
    pub kind: &'static str,
    /// Added, removed or changed (unchanged lets are not listed).
    pub status: ChangeStatus,
    /// For a changed decision table, its rows that changed: `- row N: ...` as
    /// the old version wrote it, `+ row N: ...` as the new one does (rows
    /// numbered from 1 in each version); for another changed let, its old
    /// and new definitions (`- NAME = ...`, `+ NAME = ...`); for a scorecard
    /// whose base changed, `- base OLD` and `+ base NEW`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<String>,
}

/// What changed in a let: for two versions of a table, the rows that are
/// not in the other, as `- row N: ...` / `+ row N: ...`; for any other
/// definition, the old and the new one as written (`- tier = case when
/// score >= 720 ...` / `+ tier = case when score >= 700 ...`): a moved cut
/// is the change a committee reads the report for.
fn changed_rows(name: &str, old: &Expr, new: &Expr) -> Vec<String> {
    match (&old.kind, &new.kind) {
        (ExprKind::Table(old), ExprKind::Table(new)) => {
            numbered_changes("row", &old.rows, &new.rows, crate::format::row_text)
        }
        _ => {
            let text = |e: &Expr| crate::format::condition_text(e);
            vec![format!("- {name} = {}", text(old)), format!("+ {name} = {}", text(new))]
        }
    }
}

/// The items of two versions of a list (a table's rows, a characteristic's
/// bins) that are not in the other: `- LABEL N: ...` numbered as the old
/// version has them, then `+ LABEL N: ...` as the new one does.
pub(super) fn numbered_changes<T: PartialEq>(label: &str, old: &[T], new: &[T], text: fn(&T) -> String) -> Vec<String> {
    let only_in = |these: &[T], those: &[T], sign: char| -> Vec<String> {
        let kept = these.iter().enumerate().filter(|(_, item)| !those.contains(item));
        kept.map(|(i, item)| format!("{sign} {label} {}: {}", i + 1, text(item))).collect()
    };
    let mut out = only_in(old, new, '-');
    out.extend(only_in(new, old, '+'));
    out
}

/// The splits added, removed or changed (arms, weights, `by` or salt), among
/// the lets whose namespace they share: a rule that reads one may decide
/// differently, since accounts move between arms. A changed split's `rows`
/// are its old and new declarations.
fn changed_splits(old: &PolicyAst, new: &PolicyAst) -> Vec<LetChange> {
    let splits = |ast: &'_ PolicyAst| -> Vec<SplitDecl> {
        ast.items.iter().filter_map(|item| if let Item::Split(s) = item { Some(s.clone()) } else { None }).collect()
    };
    let (old, new) = (splits(old), splits(new));
    let change = |name: &Ident, status, rows| LetChange { name: name.node.clone(), kind: "split", status, rows };
    let mut out = Vec::new();
    for split in &new {
        match old.iter().find(|o| o.name.node == split.name.node) {
            None => out.push(change(&split.name, ChangeStatus::Added, Vec::new())),
            Some(before) if before != split => {
                let rows = vec![format!("- {}", split_text(before)), format!("+ {}", split_text(split))];
                out.push(change(&split.name, ChangeStatus::Changed, rows));
            }
            Some(_) => {}
        }
    }
    for split in old.iter().filter(|o| !new.iter().any(|n| n.name.node == o.name.node)) {
        out.push(change(&split.name, ChangeStatus::Removed, Vec::new()));
    }
    out
}

/// A name declared as another kind in the new version (a split replaced by
/// a let of the same name, a let by a scorecard) is one change, not an
/// addition and a removal: its `rows` say what it was and what it is.
fn merge_redeclared(lets: &mut Vec<LetChange>, old: &PolicyAst, new: &PolicyAst) {
    let removed: BTreeSet<String> =
        lets.iter().filter(|l| l.status == ChangeStatus::Removed).map(|l| l.name.clone()).collect();
    let mut merged = BTreeSet::new();
    for change in lets.iter_mut() {
        if change.status == ChangeStatus::Added && removed.contains(&change.name) {
            change.status = ChangeStatus::Changed;
            change.rows =
                vec![format!("- {}", declared_as(old, &change.name)), format!("+ {}", declared_as(new, &change.name))];
            change.kind = kind_of(new, &change.name);
            merged.insert(change.name.clone());
        }
    }
    lets.retain(|l| !(l.status == ChangeStatus::Removed && merged.contains(&l.name)));
}

/// The kind of declaration `name` is at the top of `ast` (see [`LetChange::kind`]).
fn kind_of(ast: &PolicyAst, name: &str) -> &'static str {
    let found = ast.items.iter().find_map(|item| match item {
        Item::Split(s) if s.name.node == name => Some("split"),
        Item::Scorecard { name: n, .. } if n.node == name => Some("scorecard"),
        Item::Let { name: n, value, .. } if n.node == name => Some(let_kind(value)),
        _ => None,
    });
    found.unwrap_or("let")
}

/// `table` for a let whose value is a decision table, else `let`.
fn let_kind(value: &Expr) -> &'static str {
    if matches!(value.kind, ExprKind::Table(_)) {
        "table"
    } else {
        "let"
    }
}

/// What declares `name` at the top of `ast`, on one line for reports.
fn declared_as(ast: &PolicyAst, name: &str) -> String {
    let found = ast.items.iter().find_map(|item| match item {
        Item::Split(s) if s.name.node == name => Some(split_text(s)),
        Item::Scorecard { name: n, .. } if n.node == name => Some(format!("scorecard {name}")),
        Item::Let { name: n, value, .. } if n.node == name => Some(format!("{} {name}", let_kind(value))),
        _ => None,
    });
    found.unwrap_or_else(|| name.to_owned())
}

/// Everything that differs in the text of the two policies' rules and lets.
#[derive(Clone, Debug, Default)]
pub struct TextChanges {
    /// Every rule of either version, keyed by name.
    pub rules: HashMap<String, RuleChange>,
    /// Lets added, removed or changed, in the new version's order then the removed ones.
    pub lets: Vec<LetChange>,
}

fn rules_of(ast: &PolicyAst) -> Vec<RuleInfo<'_>> {
    let mut out = Vec::new();
    for item in &ast.items {
        match item {
            Item::Rule(decl) => out.push(RuleInfo { decl, group: None, group_days: None }),
            Item::Group(g) => out.extend(g.rules.iter().map(|decl| RuleInfo {
                decl,
                group: Some((g.name.node.as_str(), g.first)),
                group_days: g.effective.as_ref(),
            })),
            _ => {}
        }
    }
    out
}

fn lets_of(ast: &PolicyAst) -> Vec<(&str, &Expr)> {
    ast.items
        .iter()
        .filter_map(|item| match item {
            Item::Let { name, value, .. } => Some((name.node.as_str(), value)),
            _ => None,
        })
        .collect()
}

/// Compares the rules and lets of two parsed policies; `files` are the
/// batches and hooks whose contents changed (see `files`), which the rules
/// reading them list as they list changed lets.
pub fn compare(old: &PolicyAst, new: &PolicyAst, files: Vec<LetChange>) -> TextChanges {
    let old_lets = lets_of(old);
    let new_lets = lets_of(new);
    let old_let_map: HashMap<&str, &Expr> = old_lets.iter().copied().collect();
    let new_let_map: HashMap<&str, &Expr> = new_lets.iter().copied().collect();
    let mut lets = Vec::new();
    for (name, value) in &new_lets {
        match old_let_map.get(name) {
            None => lets.push(LetChange {
                name: (*name).into(),
                kind: let_kind(value),
                status: ChangeStatus::Added,
                rows: Vec::new(),
            }),
            Some(old_value) if *old_value != *value => lets.push(LetChange {
                name: (*name).into(),
                kind: let_kind(value),
                status: ChangeStatus::Changed,
                rows: changed_rows(name, old_value, value),
            }),
            Some(_) => {}
        }
    }
    for (name, value) in &old_lets {
        if !new_let_map.contains_key(name) {
            let (kind, status) = (let_kind(value), ChangeStatus::Removed);
            lets.push(LetChange { name: (*name).into(), kind, status, rows: Vec::new() });
        }
    }
    lets.extend(super::scorecards::compare(old, new));
    lets.extend(changed_splits(old, new));
    lets.extend(files);
    merge_redeclared(&mut lets, old, new);
    let changed_lets: BTreeSet<&str> = lets.iter().map(|l| l.name.as_str()).collect();

    let old_rules = rules_of(old);
    let new_rules = rules_of(new);
    let old_map: HashMap<&str, &RuleInfo> = old_rules.iter().map(|r| (r.decl.name.node.as_str(), r)).collect();
    let new_names: BTreeSet<&str> = new_rules.iter().map(|r| r.decl.name.node.as_str()).collect();
    let in_both: BTreeSet<&str> = old_map.keys().copied().filter(|n| new_names.contains(n)).collect();
    let (old_before, new_before) = (ties_before(&old_rules, &in_both), ties_before(&new_rules, &in_both));
    let mut rules = HashMap::new();
    for info in &new_rules {
        let name = info.decl.name.node.as_str();
        let via_lets = lets_read(info.decl, &new_let_map, &changed_lets);
        let (status, parts, lines) = match old_map.get(name) {
            None => {
                // A removed rule with the same text: most likely renamed, which
                // a diff matching rules by name shows as removed and added.
                let same = old_rules.iter().find(|o| {
                    !new_names.contains(o.decl.name.node.as_str()) && changed_lines(Some(o), info).is_empty()
                });
                let lines = match same {
                    Some(o) => vec![format!("= the text of the removed rule `{}`: renamed?", o.decl.name.node)],
                    None => changed_lines(None, info),
                };
                (ChangeStatus::Added, Vec::new(), lines)
            }
            Some(old_info) => {
                let mut parts = differing_parts(old_info, info);
                let lines = changed_lines(Some(old_info), info);
                if parts.is_empty() && old_before.get(name) != new_before.get(name) {
                    parts.push("order");
                }
                let status = if parts.is_empty() { ChangeStatus::Unchanged } else { ChangeStatus::Changed };
                (status, parts, lines)
            }
        };
        rules.insert(name.to_string(), RuleChange { rule: name.into(), status, parts, via_lets, lines });
    }
    for info in &old_rules {
        let name = info.decl.name.node.as_str();
        if !new_names.contains(name) {
            let via_lets = lets_read(info.decl, &old_let_map, &changed_lets);
            rules.insert(
                name.to_string(),
                RuleChange {
                    rule: name.into(),
                    status: ChangeStatus::Removed,
                    parts: Vec::new(),
                    via_lets,
                    lines: Vec::new(),
                },
            );
        }
    }
    TextChanges { rules, lets }
}

/// For each rule, the rules of both versions before it that share its
/// priority: rules run by priority, ties in file order, so among those file
/// order decides which runs first (which wins a tie, which of a `first`
/// group fires). Moving a rule past rules of other priorities changes
/// nothing and is not listed.
fn ties_before<'a>(rules: &[RuleInfo<'a>], in_both: &BTreeSet<&str>) -> HashMap<&'a str, BTreeSet<&'a str>> {
    let mut out = HashMap::new();
    for (i, info) in rules.iter().enumerate() {
        let earlier = rules.get(..i).unwrap_or_default().iter().filter(|e| in_both.contains(e.decl.name.node.as_str()));
        let before =
            earlier.filter(|e| e.decl.priority() == info.decl.priority()).map(|e| e.decl.name.node.as_str()).collect();
        out.insert(info.decl.name.node.as_str(), before);
    }
    out
}

/// A rule's condition, actions, priority, dates and group where they
/// differ from `old`'s (for a rule `old` lacks: its condition, actions,
/// dates and group), as `- ...` / `+ ...` lines: what a reviewer signs off,
/// written as `fmt` would write it. A part one side lacks (no dates, no
/// group) has only the other side's line.
fn changed_lines(old: Option<&RuleInfo>, new: &RuleInfo) -> Vec<String> {
    use crate::format::{actions_text, condition_text, effective_text};
    let mut lines = Vec::new();
    let mut part = |old: Option<String>, new: Option<String>| {
        if old != new {
            lines.extend(old.map(|o| format!("- {o}")));
            lines.extend(new.map(|n| format!("+ {n}")));
        }
    };
    let when = |r: &RuleInfo| Some(format!("when {}", condition_text(&r.decl.when)));
    let then = |r: &RuleInfo| Some(format!("then {}", actions_text(&r.decl.actions)));
    part(old.and_then(when), when(new));
    part(old.and_then(then), then(new));
    if let Some(old) = old.filter(|o| o.decl.priority() != new.decl.priority()) {
        part(Some(format!("priority {}", old.decl.priority())), Some(format!("priority {}", new.decl.priority())));
    }
    let dates = |r: &RuleInfo| r.decl.effective.as_ref().map(effective_text);
    part(old.and_then(dates), dates(new));
    part(old.and_then(group_text), group_text(new));
    lines
}

/// The group a rule is in, as its header is written: `group "g" first effective 2027-01-01`.
fn group_text(r: &RuleInfo) -> Option<String> {
    let (name, first) = r.group?;
    let days = r.group_days.map(|e| format!(" {}", crate::format::effective_text(e))).unwrap_or_default();
    Some(format!("group {}{}{days}", crate::format::quote(name), if first { " first" } else { "" }))
}

/// The parts of a rule that differ. The derived equality of [`RuleDecl`] and
/// [`crate::syntax::ast::Action`] would compare their own spans, so the parts
/// are compared one by one (each of those ignores spans).
fn differing_parts(old: &RuleInfo, new: &RuleInfo) -> Vec<&'static str> {
    let mut parts = Vec::new();
    if old.decl.when != new.decl.when {
        parts.push("condition");
    }
    let old_actions: Vec<&ActionKind> = old.decl.actions.iter().map(|a| &a.kind).collect();
    let new_actions: Vec<&ActionKind> = new.decl.actions.iter().map(|a| &a.kind).collect();
    if old_actions != new_actions {
        parts.push("actions");
    }
    if old.decl.priority() != new.decl.priority() {
        parts.push("priority");
    }
    // A group's dates are its header's, shown on the `group` lines: a
    // change of them is the part `group`, as the lines say.
    if old.group != new.group || old.group_days != new.group_days {
        parts.push("group");
    }
    if old.decl.effective != new.decl.effective {
        parts.push("effective");
    }
    parts
}

/// The changed lets a rule reads, directly or through the lets it reads.
fn lets_read(rule: &RuleDecl, lets: &HashMap<&str, &Expr>, changed: &BTreeSet<&str>) -> Vec<String> {
    let mut names = Vec::new();
    names_in(&rule.when, &mut names);
    for action in &rule.actions {
        for e in action.kind.exprs() {
            names_in(e, &mut names);
        }
        // `reasons from CARD` reads the card (its bins rank the reasons),
        // though it is no expression.
        if let ActionKind::ReasonsFrom { scorecard, .. } = &action.kind {
            names.push(scorecard.node.clone());
        }
    }
    // Follow lets through lets; `seen` stops cycles (which `check` forbids anyway).
    let mut seen = BTreeSet::new();
    while let Some(name) = names.pop() {
        if seen.insert(name.clone()) {
            if let Some(value) = lets.get(name.as_str()) {
                names_in(value, &mut names);
            }
        }
    }
    seen.into_iter().filter(|n| changed.contains(n.as_str())).collect()
}

/// The first segment of every path in `e`: the names a let could be read by.
fn names_in(e: &Expr, out: &mut Vec<String>) {
    match &e.kind {
        ExprKind::Path(segments) => out.extend(segments.first().map(|first| first.node.clone())),
        // A hook is read by its call (a built-in's name matches no changed name).
        ExprKind::Call { name, .. } => {
            out.push(name.node.clone());
            e.for_each_child(|child| names_in(child, out));
        }
        _ => e.for_each_child(|child| names_in(child, out)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse_policy;
    use std::path::Path;

    fn ast(body: &str) -> PolicyAst {
        let text = format!("policy \"t\" version \"1\"\nschema \"s.yaml\"\n{body}");
        parse_policy(Path::new("t.policy"), &text).unwrap()
    }

    #[test]
    fn rules_are_matched_by_name_and_compared_without_spans() {
        let old = ast("let a = 1\nlet b = a + 1\n\
             rule \"same\" { when score > 1 then close }\n\
             rule \"cond\" { when score > 1 then close }\n\
             rule \"prio\" priority 5 { when score > 1 then close }\n\
             rule \"uses-b\" { when b > 1 then close }\n\
             rule \"gone\" { when true then close }");
        let new = ast("let a = 2\nlet b = a + 1\n\n\n\
             rule \"same\" {\n  when score   > 1\n  then close\n}\n\
             rule \"cond\" { when score > 2 then close }\n\
             rule \"prio\" priority 6 { when score > 1 then close reason \"X\" }\n\
             rule \"uses-b\" { when b > 1 then close }\n\
             rule \"new\" { when true then close }");
        let c = compare(&old, &new, Vec::new());
        let get = |n: &str| c.rules.get(n).unwrap();
        assert_eq!(get("same").status, ChangeStatus::Unchanged);
        assert_eq!(get("cond").parts, vec!["condition"]);
        assert_eq!(get("prio").parts, vec!["actions", "priority"]);
        assert_eq!(get("gone").status, ChangeStatus::Removed);
        assert_eq!(get("new").status, ChangeStatus::Added);
        assert_eq!(get("uses-b").status, ChangeStatus::Unchanged);
        assert_eq!(get("uses-b").via_lets, vec!["a".to_string()]);
        assert_eq!(
            c.lets,
            vec![LetChange {
                name: "a".into(),
                kind: "let",
                status: ChangeStatus::Changed,
                rows: vec!["- a = 1".into(), "+ a = 2".into()]
            }]
        );
    }

    #[test]
    fn changed_dates_and_groups_are_shown_as_written() {
        let old = ast("rule \"raise\" effective 2026-01-01 to 2026-12-31 { when score > 1 then close }\n\
             group \"g\" first effective 2026-01-01 { rule \"in-g\" { when score > 2 then close } }\n\
             rule \"undated\" { when score > 3 then close }");
        let new = ast("rule \"raise\" effective 2027-01-01 { when score > 1 then close }\n\
             group \"g\" first effective 2026-07-01 to 2027-06-30 { rule \"in-g\" { when score > 2 then close } }\n\
             rule \"undated\" effective 2027-01-01 { when score > 3 then close }\n\
             rule \"fresh\" effective 2027-01-01 { when score > 4 then close }");
        let c = compare(&old, &new, Vec::new());
        let lines = |n: &str| c.rules.get(n).unwrap().lines.clone();
        assert_eq!(lines("raise"), ["- effective 2026-01-01 to 2026-12-31", "+ effective 2027-01-01"]);
        assert_eq!(
            lines("in-g"),
            ["- group \"g\" first effective 2026-01-01", "+ group \"g\" first effective 2026-07-01 to 2027-06-30"]
        );
        assert_eq!(lines("undated"), ["+ effective 2027-01-01"]);
        assert_eq!(lines("fresh"), ["+ when score > 4", "+ then close", "+ effective 2027-01-01"]);
        assert_eq!(c.rules.get("raise").unwrap().parts, ["effective"]);
        assert_eq!(c.rules.get("in-g").unwrap().parts, ["group"]);
    }

    #[test]
    fn moving_a_rule_among_those_file_order_decides_between_changes_its_order() {
        let old = ast("rule \"a\" { when score > 1 then close }\n\
             rule \"b\" { when score > 2 then close }\n\
             rule \"high\" priority 9 { when score > 3 then close }\n\
             group \"ladder\" first { rule \"x\" priority 1 { when score > 4 then freeze } \
             rule \"y\" priority 1 { when score > 5 then freeze } \
             rule \"p\" priority 3 { when score > 6 then freeze } \
             rule \"q\" priority 2 { when score > 7 then freeze } }");
        // `high` moved to the top and `p` after `q` (other priorities run in
        // priority order wherever they stand: no change); `a` and `b` swapped
        // (ties run in file order), and `x` and `y` (which of the `first`
        // group fires first).
        let new = ast("rule \"high\" priority 9 { when score > 3 then close }\n\
             rule \"b\" { when score > 2 then close }\n\
             rule \"a\" { when score > 1 then close }\n\
             group \"ladder\" first { rule \"y\" priority 1 { when score > 5 then freeze } \
             rule \"x\" priority 1 { when score > 4 then freeze } \
             rule \"q\" priority 2 { when score > 7 then freeze } \
             rule \"p\" priority 3 { when score > 6 then freeze } }");
        let c = compare(&old, &new, Vec::new());
        let parts = |n: &str| c.rules.get(n).map(|r| (r.status, r.parts.clone()));
        for name in ["high", "p", "q"] {
            assert_eq!(parts(name), Some((ChangeStatus::Unchanged, vec![])), "{name}");
        }
        for name in ["a", "b", "x", "y"] {
            assert_eq!(parts(name), Some((ChangeStatus::Changed, vec!["order"])), "{name}");
        }
    }

    #[test]
    fn a_reallocated_split_is_a_changed_name_the_rules_reading_it_list() {
        let old = ast("split exp by id { a 50% b 50% }\nsplit gone by id { x 100% }\n\
             rule \"r\" { when exp == \"b\" then close }\nrule \"s\" { when score > 1 then close }");
        let new = ast("split exp by id salt \"q4\" { a 10% b 90% }\nsplit fresh by id { y 100% }\n\
             rule \"r\" { when exp == \"b\" then close }\nrule \"s\" { when score > 1 then close }");
        let c = compare(&old, &new, Vec::new());
        let rows = vec![
            "- split exp by id { a 50% b 50% }".to_string(),
            "+ split exp by id salt \"q4\" { a 10% b 90% }".to_string(),
        ];
        assert_eq!(
            c.lets,
            vec![
                LetChange { name: "exp".into(), kind: "split", status: ChangeStatus::Changed, rows },
                LetChange { name: "fresh".into(), kind: "split", status: ChangeStatus::Added, rows: Vec::new() },
                LetChange { name: "gone".into(), kind: "split", status: ChangeStatus::Removed, rows: Vec::new() },
            ]
        );
        assert_eq!(c.rules.get("r").map(|r| r.via_lets.clone()), Some(vec!["exp".to_string()]));
        assert_eq!(c.rules.get("s").map(|r| r.via_lets.len()), Some(0));
        // The same split written again, spaced otherwise, is no change.
        let again = ast("split exp by id {\n  a 50%\n  b 50%\n}\nsplit gone by id { x 100% }\n\
             rule \"r\" { when exp == \"b\" then close }\nrule \"s\" { when score > 1 then close }");
        assert_eq!(compare(&old, &again, Vec::new()).lets, Vec::new());
    }
}
