//! Checking: resolves every name of a parsed policy against its schema and
//! declarations, types every expression, and reports every problem at once.
//!
//! Error codes: `E01xx` names and types, `E02xx` expression forms, `E03xx`
//! hooks, `E04xx` declarations and rules. Warnings are `W01xx`; those that
//! review a policy's logic rather than its names are in `lint.rs`.

mod action_text;
mod aggregate;
mod allow;
mod call;
mod case;
mod cell;
mod constant;
mod effective;
mod entity;
mod expr;
mod facts;
mod hook_decl;
mod hook_list;
mod invisible;
mod lint;
mod membership;
pub use membership::range_or_values;
mod narrow;
mod reason_texts;
mod reinstate;
mod related;
mod scorecard;
mod shadow;
mod split;
mod table;

use crate::diagnostic::{codes, did_you_mean, Diagnostic, Span};
use crate::ir::*;
use crate::schema::Schema;
use crate::syntax::ast::{self, ActionKind, GuardBound, Item, PolicyAst, RuleDecl};
use expr::Scope;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// A policy whose names are resolved and whose expressions are typed.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckedPolicy {
    /// `policy "name"`.
    pub name: String,
    /// `version "v"` (empty when not given).
    pub version: String,
    /// Lets in file order; later lets may use earlier ones.
    pub lets: Vec<LetDef>,
    /// Rules in file order (groups flattened).
    pub rules: Vec<TRule>,
    /// Groups, indexed by `TRule::group`.
    pub groups: Vec<TGroup>,
    /// Guards in file order.
    pub guards: Vec<TGuard>,
    /// Batches in file order.
    pub batches: Vec<BatchDecl>,
    /// Hook signatures.
    pub hooks: Vec<HookSig>,
    /// Splits in file order.
    pub splits: Vec<TSplit>,
}

/// A `batch name from "file"` declaration, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct BatchDecl {
    /// Its name.
    pub name: String,
    /// Its file, resolved against the policy's folder.
    pub path: PathBuf,
    /// The declaration.
    pub span: Span,
    /// The first `x in name` whose `x` is an `int` (an int account key): the
    /// file's lines must then be whole numbers, or they could never match.
    pub int_use: Option<Span>,
}

/// Finds the `schema "..."` declaration: its path (resolved against the policy's folder) and span.
pub fn schema_declaration(ast: &PolicyAst, policy_path: &Path) -> Option<(PathBuf, Span)> {
    ast.items.iter().find_map(|item| match item {
        Item::Schema { path, .. } => Some((resolve(policy_path, &path.node), path.span)),
        _ => None,
    })
}

/// What is reported for a policy that names no schema, which cannot be
/// checked further: `E0409`, after `E0401` when it has no `policy` line either
/// (an empty file lacks both).
pub fn without_schema(ast: &PolicyAst, policy_path: &Path) -> Vec<Diagnostic> {
    let named = ast.items.iter().any(|item| matches!(item, Item::Policy { .. }));
    let unnamed = (!named).then(|| unnamed_policy(policy_path));
    let no_schema = Diagnostic::error(codes::NO_SCHEMA, policy_path, Span::default(), "the policy names no schema")
        .with_help("add `schema \"account.schema.yaml\"` after the policy line");
    unnamed.into_iter().chain([no_schema]).collect()
}

/// `E0401` for a policy without its `policy "name" version "1"` line.
fn unnamed_policy(policy_path: &Path) -> Diagnostic {
    Diagnostic::error(codes::POLICY_HEADER, policy_path, Span::default(), "the policy has no name")
        .with_help("start the file with `policy \"name\" version \"1\"`")
}

/// Resolves a path written in a policy against the policy file's folder,
/// folding `dir/..` so diagnostics name files the way a person would.
pub fn resolve(policy_path: &Path, written: &str) -> PathBuf {
    let base = policy_path.parent().unwrap_or_else(|| Path::new(""));
    fold(&base.join(written))
}

/// `path` without its `.` parts and with each `dir/..` folded away, as far
/// as the text allows (a leading `..` stays): `./a/../b/c` is `b/c`.
pub fn fold(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir
                if matches!(out.components().next_back(), Some(std::path::Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Checks a parsed policy. Returns the checked policy and its warnings, or every diagnostic.
pub fn check(
    ast: &PolicyAst,
    file: &Path,
    source: &str,
    schema: &Schema,
) -> Result<(CheckedPolicy, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut checker = Checker {
        file,
        source,
        schema,
        lets: Vec::new(),
        let_names_pending: HashSet::new(),
        let_index: std::collections::HashMap::new(),
        let_depths: Vec::new(),
        batches: Vec::new(),
        hooks: Vec::new(),
        poisoned: HashSet::new(),
        failed_hook_arity: std::collections::HashMap::new(),
        used_lets: HashSet::new(),
        lets_named_early: HashSet::new(),
        used_batches: HashSet::new(),
        int_batch_uses: std::collections::HashMap::new(),
        used_hooks: HashSet::new(),
        splits: Vec::new(),
        element_lists: Vec::new(),
        root_leaves: None,
        name_suggestions: 0,
        narrowed: Vec::new(),
        salvaged: None,
        in_actions: false,
        diags: Vec::new(),
    };
    let policy = checker.policy(ast);
    if !checker.diags.iter().any(Diagnostic::is_error) {
        checker.reinstate_warnings(&policy);
    }
    constant::failing_constants(&policy, file, &mut checker.diags);
    let has_errors = checker.diags.iter().any(Diagnostic::is_error);
    let mut diags = checker.diags;
    if !has_errors {
        diags.extend(lint::lint(ast, &policy, file, source));
    }
    diags.extend(invisible::characters(file, source));
    allow::silence_allowed(ast, file, source, &mut diags, !has_errors);
    diags.sort_by_key(|d| (d.span.start, d.code));
    related::first_definitions(ast, file, schema, &mut diags);
    if has_errors {
        Err(diags)
    } else {
        Ok((policy, diags))
    }
}

pub(crate) struct Checker<'a> {
    file: &'a Path,
    source: &'a str,
    schema: &'a Schema,
    lets: Vec<LetDef>,
    /// Lets declared but not yet checked (to explain forward references).
    let_names_pending: HashSet<String>,
    /// Index of each checked let by name.
    let_index: std::collections::HashMap<String, usize>,
    /// Evaluation depth of each checked let (see [`TExpr::eval_depth`]).
    let_depths: Vec<usize>,
    batches: Vec<String>,
    hooks: Vec<HookSig>,
    /// Lets and hooks whose declaration had an error: their uses report nothing more.
    poisoned: HashSet<String>,
    /// The declared parameter count of each hook whose declaration had an
    /// error: a call's argument count is still checked against it.
    failed_hook_arity: std::collections::HashMap<String, usize>,
    used_lets: HashSet<usize>,
    /// Lets named before their declaration (`E0104`): used, though wrongly,
    /// so not also "never used".
    lets_named_early: HashSet<String>,
    used_batches: HashSet<usize>,
    /// The first use of each batch against an `int`, by batch index.
    int_batch_uses: std::collections::HashMap<usize, Span>,
    used_hooks: HashSet<usize>,
    /// Splits checked so far, by index (names resolve to `TKind::Split`).
    splits: Vec<TSplit>,
    /// Paths of the lists whose elements enclosing aggregates visit, innermost
    /// last (prohibited element fields are named through them).
    element_lists: Vec<String>,
    /// The schema's leaf paths, collected at the first unknown name rather
    /// than at each: they are candidates for every "did you mean".
    root_leaves: Option<Vec<String>>,
    /// Unknown-name suggestions made so far (see [`MAX_NAME_SUGGESTIONS`]).
    name_suggestions: usize,
    /// Optional values proved present where the expression being checked stands.
    narrowed: Vec<narrow::Fact>,
    /// What the checked parts of the last `and`/`or` chain that failed prove (see [`narrow::Salvaged`]).
    salvaged: Option<narrow::Salvaged>,
    /// Checking a rule's actions, which a test in its condition does not reach.
    in_actions: bool,
    diags: Vec<Diagnostic>,
}

/// Unknown names that get a "did you mean" in one check; later ones are still
/// reported, without it. Each suggestion compares the name with every schema
/// field, let and batch, so a generated file of 8,000 unknown names among
/// 8,000 lets took about a minute; a person fixes the first errors first.
pub(crate) const MAX_NAME_SUGGESTIONS: usize = 100;

/// Names every policy has without declaring them (the snapshot's date): no
/// declaration may take one (`E0403`), nor may a rename.
pub const RESERVED_NAMES: [&str; 1] = ["as_of"];

/// The names of the scalar types a hook's signature or a table's outputs
/// may be written with.
pub(crate) const SCALAR_TYPE_NAMES: [&str; 6] = ["bool", "int", "decimal", "money", "string", "date"];

/// The type a scalar type name stands for (`money` is a decimal).
pub(crate) fn scalar_base(name: &str) -> Option<Base> {
    Some(match name {
        "bool" => Base::Bool,
        "int" => Base::Int,
        "decimal" | "money" => Base::Dec,
        "string" => Base::Str,
        "date" => Base::Date,
        _ => return None,
    })
}

impl<'a> Checker<'a> {
    #[expect(
        clippy::indexing_slicing,
        reason = "the diagnostic was pushed on the line above, so the vector is not empty"
    )]
    fn err(&mut self, code: &'static str, span: Span, message: impl Into<String>) -> &mut Diagnostic {
        self.diags.push(Diagnostic::error(code, self.file, span, message));
        let last = self.diags.len() - 1;
        &mut self.diags[last]
    }

    /// Whether a duration written in the policy is at most 100 years; reports `E0207` if not.
    fn duration_within_max(&mut self, duration: crate::value::Duration, span: Span) -> bool {
        use crate::value::{MAX_DURATION_DAYS, MAX_DURATION_MONTHS};
        if duration.within_max() {
            return true;
        }
        self.err(
            codes::DURATION_TOO_LONG,
            span,
            format!(
                "this duration is too long: a duration is at most {} years ({MAX_DURATION_MONTHS} months or \
                 {MAX_DURATION_DAYS} days)",
                MAX_DURATION_MONTHS / 12
            ),
        )
        .help = Some(
            "dates stay within 0000-01-01 to 9999-12-31; a freeze or restriction without an end is written \
             without `for`"
                .into(),
        );
        false
    }

    #[expect(
        clippy::indexing_slicing,
        reason = "the diagnostic was pushed on the line above, so the vector is not empty"
    )]
    fn warn(&mut self, code: &'static str, span: Span, message: impl Into<String>) -> &mut Diagnostic {
        self.diags.push(Diagnostic::warning(code, self.file, span, message));
        let last = self.diags.len() - 1;
        &mut self.diags[last]
    }

    fn source_text(&self, span: Span) -> String {
        let text = self.source.get(span.range()).unwrap_or("");
        let one_line = crate::syntax::one_line(text);
        if one_line.chars().count() > 60 {
            format!("{}…", one_line.chars().take(59).collect::<String>())
        } else {
            one_line
        }
    }

    /// Reports an expression too deep to evaluate safely; true when it is fine.
    fn shallow_enough(&mut self, e: &TExpr) -> bool {
        let depth = e.eval_depth(&self.let_depths);
        if depth > MAX_EVAL_DEPTH {
            self.err(
                codes::TOO_DEEP_TO_EVALUATE,
                e.span,
                format!(
                    "this expression nests {depth} levels deep (with the lets it uses); the most is {MAX_EVAL_DEPTH}"
                ),
            )
            .help = Some("split it into several `let`s that each combine a few values".into());
            return false;
        }
        true
    }

    /// Reports a prohibited field read at `span`; true when it is one. Each
    /// prefix of a path is checked on the way down, so the field itself is
    /// reported, once, and not each field inside it.
    fn check_prohibited(&mut self, path: &str, span: Span) -> bool {
        let prohibited = self.schema.prohibited.iter().any(|p| p == path);
        if prohibited {
            self.err(
                codes::PROHIBITED_FIELD,
                span,
                format!("`{path}` is a prohibited field and may not be used by any policy"),
            )
            .help =
                Some(format!("the schema `{}` lists it under `prohibited` (fair lending)", self.schema.path.display()));
        }
        prohibited
    }

    fn policy(&mut self, ast: &PolicyAst) -> CheckedPolicy {
        let mut out = CheckedPolicy {
            name: String::new(),
            version: String::new(),
            lets: Vec::new(),
            rules: Vec::new(),
            groups: Vec::new(),
            guards: Vec::new(),
            batches: Vec::new(),
            hooks: Vec::new(),
            splits: Vec::new(),
        };
        self.header(ast, &mut out);
        self.declarations(ast, &mut out);
        self.let_names_pending = ast
            .items
            .iter()
            .filter_map(|i| match i {
                // A let named like a field is an error of its own (E0403); uses of the name are the field's.
                Item::Let { name, .. } | Item::Scorecard { name, .. }
                    if self.schema.root.field(&name.node).is_none() =>
                {
                    Some(name.node.clone())
                }
                _ => None,
            })
            .collect();
        let mut rule_names: HashSet<String> = HashSet::new();
        let mut group_names: HashSet<&str> = HashSet::new();
        for item in &ast.items {
            match item {
                Item::Let { name, value, span } => self.let_decl(name, value, *span),
                Item::Scorecard { name, card, span } => self.scorecard_decl(name, card, *span),
                Item::Guard(g) => {
                    if let Some(guard) = self.guard(g) {
                        out.guards.push(guard);
                    }
                }
                Item::Rule(rule) => {
                    if let Some(r) = self.rule(rule, (None, None), out.rules.len(), &mut rule_names) {
                        out.rules.push(r);
                    }
                }
                Item::Group(group) => {
                    let index = out.groups.len();
                    self.named(&group.name, "group");
                    if !group_names.insert(group.name.node.as_str()) {
                        self.err(
                            codes::DUPLICATE_RULE,
                            group.name.span,
                            format!("group \"{}\" is defined twice", group.name.node),
                        );
                    }
                    out.groups.push(TGroup { name: group.name.node.as_str().into(), first: group.first });
                    if group.rules.is_empty() {
                        self.warn(
                            codes::EMPTY_GROUP,
                            group.name.span,
                            format!("group \"{}\" has no rules", group.name.node),
                        );
                    }
                    let days = group.effective.as_ref().and_then(|e| self.effective_days(e));
                    for rule in &group.rules {
                        if let Some(r) = self.rule(rule, (Some(index), days), out.rules.len(), &mut rule_names) {
                            out.rules.push(r);
                        }
                    }
                }
                _ => {}
            }
        }
        self.unused(&out);
        for (i, batch) in out.batches.iter_mut().enumerate() {
            batch.int_use = self.int_batch_uses.get(&i).copied();
        }
        out.lets = std::mem::take(&mut self.lets);
        out.hooks = self.hooks.clone();
        out.splits = std::mem::take(&mut self.splits);
        out
    }

    fn header(&mut self, ast: &PolicyAst, out: &mut CheckedPolicy) {
        let mut seen_policy = false;
        let mut seen_schema = false;
        for item in &ast.items {
            match item {
                Item::Policy { name, version, span } => {
                    if seen_policy {
                        self.err(codes::POLICY_HEADER, *span, "the policy is named twice");
                    }
                    seen_policy = true;
                    out.name = name.node.clone();
                    out.version = version.as_ref().map(|v| v.node.clone()).unwrap_or_default();
                }
                Item::Schema { span, .. } => {
                    if seen_schema {
                        self.err(codes::POLICY_HEADER, *span, "the schema is named twice");
                    }
                    seen_schema = true;
                }
                _ => {}
            }
        }
        if !seen_policy {
            self.diags.push(unnamed_policy(self.file));
        }
    }

    fn declarations(&mut self, ast: &PolicyAst, out: &mut CheckedPolicy) {
        for item in &ast.items {
            match item {
                Item::Batch { name, path, span } => {
                    if self.name_taken(&name.node) {
                        self.err(codes::DUPLICATE_NAME, name.span, format!("`{}` is already defined", name.node));
                        continue;
                    }
                    self.batches.push(name.node.clone());
                    out.batches.push(BatchDecl {
                        name: name.node.clone(),
                        path: resolve(self.file, &path.node),
                        span: *span,
                        int_use: None,
                    });
                }
                Item::Hook(h) => {
                    if self.name_taken(&h.name.node) {
                        self.err(codes::DUPLICATE_NAME, h.name.span, format!("`{}` is already defined", h.name.node));
                        continue;
                    }
                    match self.hook_sig(h) {
                        Some(sig) => self.hooks.push(sig),
                        None => {
                            self.poisoned.insert(h.name.node.clone());
                            self.failed_hook_arity.insert(h.name.node.clone(), h.params.len());
                        }
                    }
                }
                Item::Split(s) => {
                    let name = &s.name.node;
                    if self.name_taken(name) {
                        self.err(codes::DUPLICATE_NAME, s.name.span, format!("`{name}` is already defined"));
                        continue;
                    }
                    if self.schema.root.field(name).is_some() {
                        let message = format!("split `{name}` would hide the schema field of the same name");
                        self.err(codes::DUPLICATE_NAME, s.name.span, message).help =
                            Some("choose another name: a condition reading it would read the split's arm".into());
                        continue;
                    }
                    match self.split(s) {
                        Some(split) => self.splits.push(split),
                        None => {
                            self.poisoned.insert(name.clone());
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn name_taken(&self, name: &str) -> bool {
        self.batches.iter().any(|b| b == name)
            || self.hooks.iter().any(|h| h.name == name)
            || self.let_index.contains_key(name)
            || self.splits.iter().any(|s| &*s.name == name)
            || RESERVED_NAMES.contains(&name)
    }

    /// Whether a let may take this name (reported if not).
    fn let_name_free(&mut self, name: &ast::Ident) -> bool {
        self.let_names_pending.remove(&name.node);
        if self.name_taken(&name.node) {
            self.err(codes::DUPLICATE_NAME, name.span, format!("`{}` is already defined", name.node));
            return false;
        }
        if self.schema.root.field(&name.node).is_some() {
            self.err(
                codes::DUPLICATE_NAME,
                name.span,
                format!("let `{}` would hide the schema field of the same name", name.node),
            )
            .help = Some("choose another name".into());
            return false;
        }
        true
    }

    /// Adds a checked let; returns its index.
    fn push_let(&mut self, name: &ast::Ident, value: TExpr, span: Span) -> usize {
        self.let_depths.push(value.eval_depth(&self.let_depths));
        self.let_index.insert(name.node.clone(), self.lets.len());
        self.lets.push(LetDef { name: name.node.clone(), value, span });
        self.lets.len() - 1
    }

    fn let_decl(&mut self, name: &ast::Ident, value: &ast::Expr, span: Span) {
        if !self.let_name_free(name) {
            return;
        }
        let checked = match &value.kind {
            ast::ExprKind::Table(table) => self.table_let(table, value.span),
            _ => self.expr(value, Scope { element: None }),
        };
        match checked {
            Some(value) if value.ty.base == Base::Duration => {
                self.err(
                    codes::TYPE_MISMATCH,
                    value.span,
                    "a let cannot hold a duration; write the duration where it is used",
                );
                self.poisoned.insert(name.node.clone());
            }
            Some(value) if !self.shallow_enough(&value) => {
                self.poisoned.insert(name.node.clone());
            }
            Some(value) => {
                self.push_let(name, value, span);
            }
            // Its uses report nothing more: the error is at the let.
            None => {
                self.poisoned.insert(name.node.clone());
            }
        }
    }

    fn guard(&mut self, g: &ast::GuardDecl) -> Option<TGuard> {
        let outcome = Outcome::from_name(&g.outcome.node).unwrap_or(Outcome::Limit);
        if !self.fits_entity(outcome, g.outcome.span, true) {
            return None;
        }
        if let GuardBound::Percent(p) = g.bound.node {
            if p > rust_decimal::Decimal::ONE_HUNDRED {
                self.err(codes::GUARD_BOUND, g.bound.span, "a guard's percentage cannot exceed 100%");
                return None;
            }
        }
        let bound_text = match g.bound.node {
            GuardBound::Count(n) => n.to_string(),
            GuardBound::Percent(p) => format!("{}%", p.normalize()),
        };
        Some(TGuard { outcome, bound: g.bound.node, text: format!("{} at most {bound_text}", outcome.name()) })
    }

    /// A rule's or group's name must say something: it is what `fired`,
    /// traces and `diff` call the rule by.
    fn named(&mut self, name: &ast::Spanned<String>, kind: &str) {
        if name.node.trim().is_empty() {
            let example = if kind == "group" { "collections" } else { "close on repeated overdue" };
            self.err(codes::BLANK_NAME, name.span, format!("a {kind} name cannot be blank")).help = Some(format!(
                "name the {kind} by what it decides, e.g. \"{example}\"; names identify decisions in the audit trail"
            ));
        }
    }

    /// Checks a rule of `group` (its index and its days, when it is in one).
    fn rule(
        &mut self,
        rule: &RuleDecl,
        (group, group_days): (Option<usize>, Option<EffectiveDays>),
        order: usize,
        names: &mut HashSet<String>,
    ) -> Option<TRule> {
        self.named(&rule.name, "rule");
        if !names.insert(rule.name.node.clone()) {
            self.err(codes::DUPLICATE_RULE, rule.name.span, format!("rule \"{}\" is defined twice", rule.name.node))
                .help = Some("rule names identify decisions in the audit trail; each must be unique".into());
        }
        let when = self
            .condition(&rule.when, Scope { element: None }, "as a rule's condition")
            .filter(|w| self.shallow_enough(w));
        let mut actions = Vec::new();
        let mut status: Option<Outcome> = None;
        let mut limit_set = false;
        let effective = self.rule_days(rule, group_days);
        let mut ok = when.is_some() && effective.is_ok();
        for action in &rule.actions {
            let this_status = Self::status_of(&action.kind);
            if let Some(this) = this_status {
                ok &= self.fits_entity(this, action.span, false);
            }
            if let (Some(prev), Some(_)) = (status, this_status) {
                // The actions' own kind, not the schema's: two admission
                // actions in an account policy are listed as what they are.
                let kinds =
                    if prev.is_admission() { "approve, refer, decline" } else { "close, freeze, restrict, reinstate" };
                let message = format!(
                    "rule \"{}\" already has the status action `{}`; a rule takes at most one of {kinds}",
                    rule.name.node,
                    prev.name()
                );
                self.err(codes::CONFLICTING_ACTIONS, action.span, message);
                ok = false;
            }
            status = status.or(this_status);
            if matches!(action.kind, ActionKind::SetLimit(_)) {
                if limit_set {
                    self.err(codes::CONFLICTING_ACTIONS, action.span, "the limit is set twice in one rule");
                    ok = false;
                }
                limit_set = true;
            }
            self.in_actions = true;
            let checked = self.action(action);
            self.in_actions = false;
            match checked {
                Some(a) => actions.push(a),
                None => ok = false,
            }
        }
        if let Some(d) = rule.actions.iter().find_map(|a| match &a.kind {
            ActionKind::Freeze(Some(d)) | ActionKind::Restrict(Some(d)) => Some(d),
            _ => None,
        }) {
            let positive = match d.node {
                crate::value::Duration::Days(n) | crate::value::Duration::Months(n) => n > 0,
            };
            if !positive {
                self.err(codes::DURATION_TOO_SHORT, d.span, "a freeze or restriction must last at least 1 day");
                ok = false;
            }
            ok &= self.duration_within_max(d.node, d.span);
        }
        if !ok {
            return None;
        }
        Some(TRule {
            name: rule.name.node.as_str().into(),
            priority: rule.priority(),
            group,
            file_order: order,
            when: when?,
            actions,
            effective: effective.ok()?,
            span: rule.span,
        })
    }

    fn action(&mut self, action: &ast::Action) -> Option<TAction> {
        Some(match &action.kind {
            ActionKind::Close => TAction::Close,
            ActionKind::Freeze(d) => TAction::Freeze(d.as_ref().map(|d| d.node)),
            ActionKind::Restrict(d) => TAction::Restrict(d.as_ref().map(|d| d.node)),
            ActionKind::Reinstate => TAction::Reinstate,
            ActionKind::Approve => TAction::Admit(Outcome::Approve),
            ActionKind::Refer => TAction::Admit(Outcome::Refer),
            ActionKind::Decline => TAction::Admit(Outcome::Decline),
            ActionKind::SetLimit(e) => {
                let t = self.expr(e, Scope { element: None })?;
                let t = self.present(t, "as the new limit")?;
                if !t.ty.base.is_numeric() {
                    self.err(
                        codes::TYPE_MISMATCH,
                        t.span,
                        format!("the new limit must be a number, found {}", t.ty.describe()),
                    );
                    return None;
                }
                if !self.shallow_enough(&t) {
                    return None;
                }
                TAction::SetLimit(expr::to_dec(t))
            }
            ActionKind::Notify { channel, template } => {
                let Some((_, ch)) = Channel::ALL.iter().find(|(n, _)| *n == channel.node) else {
                    let help = did_you_mean(&channel.node, Channel::ALL.iter().map(|(n, _)| *n))
                        .unwrap_or_else(|| "the channels are sms, push, email, call and letter".into());
                    self.err(codes::UNKNOWN_CHANNEL, channel.span, format!("unknown channel `{}`", channel.node))
                        .help = Some(help);
                    return None;
                };
                TAction::Notify(
                    *ch,
                    self.action_text(template, "the template of `notify`", Some(codes::EMPTY_ACTION_TEXT))?,
                )
            }
            ActionKind::Escalate(s) => {
                TAction::Escalate(self.action_text(s, "the stage of `escalate to`", Some(codes::EMPTY_ACTION_TEXT))?)
            }
            ActionKind::Review(s) => {
                TAction::Review(self.action_text(s, "the queue of `review`", Some(codes::EMPTY_ACTION_TEXT))?)
            }
            ActionKind::Reason { code, text } => {
                let code = self.action_text(code, "a reason's code", Some(codes::EMPTY_REASON_CODE));
                let text = match text {
                    Some(t) => Some(self.action_text(t, "a reason's text", None)?),
                    None => None,
                };
                TAction::Reason(code?, text)
            }
            ActionKind::Tag(s) => {
                TAction::Tag(self.action_text(s, "the label of `tag`", Some(codes::EMPTY_ACTION_TEXT))?)
            }
            ActionKind::ReasonsFrom { scorecard, top } => self.reasons_from(scorecard, top.as_ref())?,
        })
    }

    fn unused(&mut self, out: &CheckedPolicy) {
        for (i, l) in self.lets.clone().iter().enumerate() {
            if !self.used_lets.contains(&i) && !self.lets_named_early.contains(&l.name) {
                self.warn(codes::UNUSED_LET, l.span, format!("let `{}` is never used", l.name)).help =
                    Some("remove it, or use it in a rule".into());
            }
        }
        for (i, BatchDecl { name, span, .. }) in out.batches.iter().enumerate() {
            if !self.used_batches.contains(&i) {
                self.warn(codes::UNUSED_BATCH, *span, format!("batch `{name}` is never used")).help =
                    Some(format!("use it as `id in {name}`"));
            }
        }
        for (i, h) in self.hooks.clone().iter().enumerate() {
            if !self.used_hooks.contains(&i) {
                self.warn(codes::UNUSED_HOOK, h.span, format!("hook `{}` is never called", h.name));
            }
        }
    }
}
