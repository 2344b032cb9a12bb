//! The second place of a diagnostic about a name defined twice: where it was
//! first defined. The checker reports the later definition where it meets it
//! (it keeps names, not declarations); the first one is found here, in the
//! parsed policy, by the span of the name that was reported.

use crate::diagnostic::{codes, Diagnostic, Span};
use crate::schema::Schema;
use crate::syntax::ast::{Ident, Item, PolicyAst};
use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::hash::Hash;
use std::path::Path;

/// Adds "first defined here" to each duplicate-name, duplicate-rule and
/// duplicate-parameter diagnostic of `file`.
pub(super) fn first_definitions(ast: &PolicyAst, file: &Path, schema: &Schema, diags: &mut [Diagnostic]) {
    let wanted = [codes::DUPLICATE_NAME, codes::DUPLICATE_RULE, codes::DUPLICATE_PARAMETER];
    if !diags.iter().any(|d| wanted.contains(&d.code)) {
        return;
    }
    // Built once: a generated policy may define thousands of names twice.
    let names = FirstOf::new(declared_names(ast).map(|n| ((), n)));
    let groups = FirstOf::new(ast.items.iter().filter_map(|item| match item {
        Item::Group(group) => Some(((), &group.name)),
        _ => None,
    }));
    let rules = FirstOf::new(
        ast.items
            .iter()
            .flat_map(|item| match item {
                Item::Rule(rule) => std::slice::from_ref(rule).iter(),
                Item::Group(group) => group.rules.iter(),
                _ => [].iter(),
            })
            .map(|rule| ((), &rule.name)),
    );
    let hooks = ast.items.iter().filter_map(|item| match item {
        Item::Hook(hook) => Some(hook),
        _ => None,
    });
    let parameters = FirstOf::new(hooks.enumerate().flat_map(|(i, hook)| hook.params.iter().map(move |(n, _)| (i, n))));
    for d in diags.iter_mut().filter(|d| d.file == file && d.related.is_empty()) {
        let earlier = match d.code {
            codes::DUPLICATE_NAME => names.earlier(d.span),
            codes::DUPLICATE_RULE => groups.earlier(d.span).or_else(|| rules.earlier(d.span)),
            codes::DUPLICATE_PARAMETER => parameters.earlier(d.span),
            _ => continue,
        };
        // Reported at the first definition: the diagnostic moves to the
        // second (a name hiding a schema field is reported where it is, each time).
        let hides_field = names.at.get(&d.span).is_some_and(|((), name)| schema.root.field(name).is_some());
        let moved = match (earlier, d.code) {
            (None, codes::DUPLICATE_NAME) if !hides_field => names.later(d.span).map(|second| (d.span, second)),
            _ => None,
        };
        if let Some((first, second)) = moved {
            d.span = second;
            d.label = Some("defined again here".into());
            d.relate(file, first, "first defined here");
            continue;
        }
        match earlier {
            Some(first) => {
                d.label.get_or_insert_with(|| "defined again here".into());
                d.relate(file, first, "first defined here");
            }
            None if d.code == codes::DUPLICATE_NAME => hidden_field(&names, schema, d),
            None => {}
        }
    }
}

/// Names of one kind: each written name by its span, and the first span of
/// each name within its scope `K` (a hook, for parameters).
struct FirstOf<'a, K> {
    at: HashMap<Span, (K, &'a str)>,
    first: HashMap<(K, &'a str), Span>,
    /// The second definition of each name defined more than once.
    second: HashMap<(K, &'a str), Span>,
}

impl<'a, K: Copy + Eq + Hash> FirstOf<'a, K> {
    fn new(names: impl Iterator<Item = (K, &'a Ident)>) -> Self {
        let mut at = HashMap::new();
        let mut first = HashMap::new();
        let mut second = HashMap::new();
        for (scope, name) in names {
            let key = (scope, name.node.as_str());
            at.insert(name.span, key);
            match first.entry(key) {
                Entry::Vacant(slot) => {
                    slot.insert(name.span);
                }
                Entry::Occupied(_) => {
                    second.entry(key).or_insert(name.span);
                }
            }
        }
        FirstOf { at, first, second }
    }

    /// The next definition of the name written at `reported`, when that is
    /// its first: the checker meets a batch, hook or split before any let,
    /// wherever they are written, and reports the let.
    fn later(&self, reported: Span) -> Option<Span> {
        let key = self.at.get(&reported)?;
        (self.first.get(key) == Some(&reported)).then(|| self.second.get(key).copied()).flatten()
    }

    /// The first definition of the name written at `reported`, when it is an earlier one.
    fn earlier(&self, reported: Span) -> Option<Span> {
        let first = *self.first.get(self.at.get(&reported)?)?;
        (first.start < reported.start).then_some(first)
    }
}

/// The names of lets, scorecards, batches, hooks and splits, in file order.
fn declared_names(ast: &PolicyAst) -> impl Iterator<Item = &Ident> {
    ast.items.iter().filter_map(|item| match item {
        Item::Let { name, .. } | Item::Scorecard { name, .. } | Item::Batch { name, .. } => Some(name),
        Item::Hook(hook) => Some(&hook.name),
        Item::Split(split) => Some(&split.name),
        _ => None,
    })
}

/// A let named like a schema field: the field, in the schema file.
fn hidden_field(names: &FirstOf<'_, ()>, schema: &Schema, d: &mut Diagnostic) {
    let Some(((), name)) = names.at.get(&d.span) else { return };
    if let Some(field) = schema.root.field(name) {
        d.relate(&schema.path, field.span, "the schema field");
    }
}
