//! What each name of a parsed policy refers to: every declaration and every
//! use, found once per check, so hover, go to definition and find references
//! are lookups by offset and by target.

use crate::builtins;
use crate::diagnostic::Span;
use crate::schema::{lookup_through_lists, FieldDef, FieldKind, RecordLayout, Schema};
use crate::syntax::ast::{ActionKind, Expr, ExprKind, Item, PolicyAst, RuleDecl};
use std::collections::{HashMap, HashSet};

/// What a name stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A `let`, by name.
    Let(String),
    /// A `batch`, by name.
    Batch(String),
    /// A `hook`, by name.
    Hook(String),
    /// A built-in function, by name.
    Function(String),
    /// A named output of a decision table (`plan.stage`): the table's let and the output.
    Output { table: String, output: String },
    /// A schema field: its dotted path from the account (through lists) and
    /// the span of its type in the schema file, which identifies it.
    Field { path: String, schema_span: Span },
    /// `as_of`, the snapshot's date, which every policy reads without declaring it.
    AsOf,
}

/// One name written in the policy.
#[derive(Clone, Debug)]
pub struct Occurrence {
    /// Where (in the policy).
    pub span: Span,
    /// What it refers to.
    pub target: Target,
    /// The declaration itself (`let x = ...`), not a use.
    pub declaration: bool,
}

/// Every occurrence of a policy, in file order of declarations and uses.
#[derive(Clone, Debug, Default)]
pub struct Index {
    /// The occurrences.
    pub occurrences: Vec<Occurrence>,
}

impl Index {
    /// Indexes a parsed policy against its schema (fields are left out without one).
    pub fn build(ast: &PolicyAst, schema: Option<&Schema>) -> Index {
        let declared = Declared::of(ast);
        let mut walker = Walker { schema, declared: &declared, scopes: Vec::new(), out: Vec::new() };
        for item in &ast.items {
            walker.item(item);
        }
        Index { occurrences: walker.out }
    }

    /// The innermost occurrence whose span holds `offset` (its end included, where a cursor stands after a name).
    pub fn at(&self, offset: usize) -> Option<&Occurrence> {
        self.occurrences
            .iter()
            .filter(|o| (o.span.start as usize) <= offset && offset <= o.span.end as usize)
            .min_by_key(|o| o.span.end - o.span.start)
    }

    /// Every occurrence of `target`, declarations included.
    pub fn of<'a>(&'a self, target: &'a Target) -> impl Iterator<Item = &'a Occurrence> + 'a {
        self.occurrences.iter().filter(move |o| &o.target == target)
    }
}

/// The names a policy declares.
#[derive(Default)]
struct Declared {
    /// Lets, scorecards and splits: names that stand for a value.
    lets: HashSet<String>,
    batches: HashSet<String>,
    hooks: HashSet<String>,
    /// The named outputs of each table with several (`plan` → `stage`, `template`).
    outputs: HashMap<String, HashSet<String>>,
}

impl Declared {
    fn of(ast: &PolicyAst) -> Declared {
        let mut declared = Declared::default();
        for item in &ast.items {
            match item {
                Item::Let { name, value, .. } => {
                    if let ExprKind::Table(table) = &value.kind {
                        let outputs = table.outputs.iter().filter_map(|o| Some(o.name.as_ref()?.node.clone()));
                        declared.outputs.insert(name.node.clone(), outputs.collect());
                    }
                    declared.lets.insert(name.node.clone())
                }
                Item::Scorecard { name, .. } => declared.lets.insert(name.node.clone()),
                Item::Split(split) => declared.lets.insert(split.name.node.clone()),
                Item::Batch { name, .. } => declared.batches.insert(name.node.clone()),
                Item::Hook(hook) => declared.hooks.insert(hook.name.node.clone()),
                _ => false,
            };
        }
        declared
    }
}

struct Walker<'a> {
    schema: Option<&'a Schema>,
    declared: &'a Declared,
    /// The list elements whose fields are in scope (inside `where`), innermost
    /// last, each with the path of its list.
    scopes: Vec<(String, &'a RecordLayout)>,
    out: Vec<Occurrence>,
}

impl<'a> Walker<'a> {
    fn push(&mut self, span: Span, target: Target, declaration: bool) {
        self.out.push(Occurrence { span, target, declaration });
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Let { name, value, .. } => {
                self.push(name.span, Target::Let(name.node.clone()), true);
                if let ExprKind::Table(table) = &value.kind {
                    for output in table.outputs.iter().filter_map(|o| o.name.as_ref()) {
                        let target = Target::Output { table: name.node.clone(), output: output.node.clone() };
                        self.push(output.span, target, true);
                    }
                }
                self.expr(value);
            }
            Item::Batch { name, .. } => self.push(name.span, Target::Batch(name.node.clone()), true),
            Item::Hook(hook) => self.push(hook.name.span, Target::Hook(hook.name.node.clone()), true),
            Item::Rule(rule) => self.rule(rule),
            Item::Group(group) => group.rules.iter().for_each(|rule| self.rule(rule)),
            Item::Scorecard { name, card, .. } => {
                self.push(name.span, Target::Let(name.node.clone()), true);
                card.characteristics.iter().for_each(|c| self.expr(&c.input));
            }
            // A split is a name whose value is its arm: found and referenced like a let.
            Item::Split(split) => {
                self.push(split.name.span, Target::Let(split.name.node.clone()), true);
                self.path(&split.by);
            }
            Item::Policy { .. } | Item::Schema { .. } | Item::Guard(_) => {}
        }
    }

    fn rule(&mut self, rule: &RuleDecl) {
        self.expr(&rule.when);
        for action in &rule.actions {
            // Limits and computed strings (`escalate to plan.stage`) read names too.
            for expr in action.kind.exprs() {
                self.expr(expr);
            }
            if let ActionKind::ReasonsFrom { scorecard, .. } = &action.kind {
                if self.declared.lets.contains(&scorecard.node) {
                    self.push(scorecard.span, Target::Let(scorecard.node.clone()), false);
                }
            }
        }
    }

    fn expr(&mut self, expr: &Expr) {
        match &expr.kind {
            ExprKind::Path(segments) => self.path(segments),
            ExprKind::Call { name, args, filter, .. } => self.call(name, args, filter.as_deref()),
            _ => expr.for_each_child(|child| self.expr(child)),
        }
    }

    fn call(&mut self, name: &crate::syntax::ast::Ident, args: &[Expr], filter: Option<&Expr>) {
        if self.declared.hooks.contains(&name.node) {
            self.push(name.span, Target::Hook(name.node.clone()), false);
        } else if builtins::lookup(&name.node).is_some() {
            self.push(name.span, Target::Function(name.node.clone()), false);
        }
        args.iter().for_each(|arg| self.expr(arg));
        if let Some(filter) = filter {
            // `where` sees the fields of the elements of the list argument.
            let element = args.first().and_then(|list| self.list_element(list));
            let pushed = element.is_some();
            self.scopes.extend(element);
            self.expr(filter);
            if pushed {
                self.scopes.pop();
            }
        }
    }

    /// The element layout (and list path) of an aggregate's list argument.
    fn list_element(&self, list: &Expr) -> Option<(String, &'a RecordLayout)> {
        let ExprKind::Path(segments) = &list.kind else { return None };
        let first = segments.first()?;
        let (mut path, mut field) = self.field_in_scope(&first.node)?;
        for segment in segments.get(1..).unwrap_or_default() {
            if let FieldKind::List(_) = field.kind {
                break;
            }
            path = format!("{path}.{}", segment.node);
            field = lookup_through_lists(&self.schema?.root, &path)?;
        }
        match &field.kind {
            FieldKind::List(layout) => Some((path, &layout.element)),
            _ => None,
        }
    }

    /// A field name as the innermost scope sees it: an element's field, else the account's.
    fn field_in_scope(&self, name: &str) -> Option<(String, &'a FieldDef)> {
        for (list, element) in self.scopes.iter().rev() {
            if let Some(field) = element.field(name) {
                return Some((format!("{list}.{name}"), field));
            }
        }
        self.schema?.root.field(name).map(|field| (name.to_string(), field))
    }

    fn path(&mut self, segments: &[crate::syntax::ast::Ident]) {
        let Some(first) = segments.first() else { return };
        let element_field = self.scopes.iter().any(|(_, element)| element.field(&first.node).is_some());
        if !element_field && self.declared.lets.contains(&first.node) {
            self.push(first.span, Target::Let(first.node.clone()), false);
            let output =
                segments.get(1).filter(|o| self.declared.outputs.get(&first.node).is_some_and(|n| n.contains(&o.node)));
            if let Some(output) = output {
                let target = Target::Output { table: first.node.clone(), output: output.node.clone() };
                self.push(output.span, target, false);
            }
            return;
        }
        if !element_field && self.declared.batches.contains(&first.node) {
            return self.push(first.span, Target::Batch(first.node.clone()), false);
        }
        if !element_field && crate::check::RESERVED_NAMES.contains(&first.node.as_str()) {
            return self.push(first.span, Target::AsOf, false);
        }
        let Some((mut path, mut field)) = self.field_in_scope(&first.node) else { return };
        self.push(first.span, Target::Field { path: path.clone(), schema_span: field.span }, false);
        for segment in segments.get(1..).unwrap_or_default() {
            path = format!("{path}.{}", segment.node);
            let Some(next) = self.schema.and_then(|s| lookup_through_lists(&s.root, &path)) else { return };
            field = next;
            self.push(segment.span, Target::Field { path: path.clone(), schema_span: field.span }, false);
        }
    }
}
