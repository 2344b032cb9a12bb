//! `verdict fmt`: one canonical layout for every policy (docs/formatting.md).
//!
//! The formatter prints the AST, so the layout never depends on how the
//! author spaced things, and takes from the source text only what the AST
//! does not keep: comments (placed by their position between the tokens),
//! blank lines between declarations, and literals as written (`50_000`,
//! `2%`, `12 months`). The result parses to the same AST, and formatting it
//! again changes nothing (`tests/format.rs` checks both).

mod case;
mod doc;
mod expr;
mod line_ends;
mod scorecard;
mod source;
mod table;

pub(crate) use expr::quote;

pub use doc::WIDTH;
pub use table::{actions_text, bin_text, characteristic_head, condition_text, effective_text, row_text, split_text};

use crate::diagnostic::{codes, Diagnostic, Span};
use crate::syntax::ast::{
    Action, ActionKind, Effective, Expr, GroupDecl, GuardBound, HookDecl, Item, PolicyAst, RuleDecl, Spanned, SplitDecl,
};
use crate::syntax::parse_policy;
use crate::syntax::parser::item_span;
use doc::{render, Doc};
use source::{blank_between, comment_doc, keyword, lex_comments, CommentQueue};
use std::path::Path;

/// Parses a policy and prints it in the canonical layout, keeping its
/// comments, its line ends (those of its first line) and a leading BOM.
/// A policy that does not parse yields its syntax errors. Runs on a thread
/// with a large stack, as loading does, so the caller's stack does not matter.
pub fn format_source(file: &Path, text: &str) -> Result<String, Vec<Diagnostic>> {
    let formatted = crate::load::on_large_stack(|| {
        let ast = parse_policy(file, text)?;
        let formatted = line_ends::Saved::of(text).apply(format_ast(&ast, text));
        // A layout that would not parse back (parentheses added past the
        // nesting bound to a chain of 300 comparisons) is never written.
        if let Err(found) = parse_policy(file, &formatted) {
            let why = found.first().map_or_else(String::new, |d| format!(": {}", d.message));
            let message = format!("the canonical layout of this policy would not parse{why}; it is left as it is");
            return Err(vec![Diagnostic::error(codes::INTERNAL, file, crate::diagnostic::Span::default(), message)]);
        }
        Ok(formatted)
    });
    formatted.unwrap_or_else(|e| {
        let message = format!("cannot start a thread to format the policy: {e}");
        Err(vec![Diagnostic::error(codes::INTERNAL, file, crate::diagnostic::Span::default(), message)])
    })
}

/// Prints a parsed policy in the canonical layout; `source` is the text it was
/// parsed from (for its comments, blank lines and literals as written).
pub fn format_ast(ast: &PolicyAst, source: &str) -> String {
    Printer { src: Some(source), comments: CommentQueue::new(lex_comments(source)) }.policy(ast, source.len())
}

/// Prints a policy built in memory (no source text: no comments, literals
/// from their values). The result parses back to the same AST.
pub fn print_ast(ast: &PolicyAst) -> String {
    Printer { src: None, comments: CommentQueue::new(Vec::new()) }.policy(ast, 0)
}

/// Top-level declarations fall into sections; a blank line always separates
/// two sections and any two rules or groups. Within a section the author's
/// blank lines (at most one in a row) are kept.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Header,
    Inputs,
    Lets,
    Guards,
    Rules,
}

fn section(item: &Item) -> Section {
    match item {
        Item::Policy { .. } | Item::Schema { .. } => Section::Header,
        Item::Hook(_) | Item::Batch { .. } => Section::Inputs,
        Item::Let { .. } | Item::Split(_) | Item::Scorecard { .. } => Section::Lets,
        Item::Guard(_) => Section::Guards,
        Item::Rule(_) | Item::Group(_) => Section::Rules,
    }
}

/// How far a declaration's header continues on a line a comment broke.
const HEADER_INDENT: usize = 4;

/// Prints AST nodes, placing each comment before the first token that follows it.
pub(crate) struct Printer<'a> {
    src: Option<&'a str>,
    comments: CommentQueue,
}

impl Printer<'_> {
    #[expect(clippy::indexing_slicing, reason = "offsets are token boundaries found in the same source text")]
    fn policy(mut self, ast: &PolicyAst, end: usize) -> String {
        let spans: Vec<Span> = ast.items.iter().map(item_span).collect();
        let sections: Vec<Section> = ast.items.iter().map(section).collect();
        let body = self.sequence(&spans, &sections, end, |p, i| p.item(&ast.items[i]));
        render(&body)
    }

    /// Comments due before `pos`, then `text`.
    fn tok(&mut self, pos: usize, text: impl Into<String>) -> Doc {
        Doc::Concat(vec![self.comments.before(pos), Doc::text(text)])
    }

    fn blank(&self, from: usize, to: usize) -> bool {
        self.src.is_some_and(|s| blank_between(s, from, to))
    }

    /// Declarations (or a group's rules) one per line, with the comments
    /// between them, blank lines as [`Section`] says, and comments after the
    /// last one up to `end`.
    fn sequence(
        &mut self,
        spans: &[Span],
        sections: &[Section],
        end: usize,
        mut print: impl FnMut(&mut Self, usize) -> Doc,
    ) -> Doc {
        let mut docs = Vec::new();
        let mut last_end: Option<usize> = None;
        let mut prev: Option<Section> = None;
        for (i, (span, &sec)) in spans.iter().zip(sections).enumerate() {
            let start = span.start as usize;
            let forced = prev.is_some_and(|p| p != sec || sec == Section::Rules);
            let mut first = true;
            while let Some(c) = self.comments.peek_before(start).cloned() {
                self.comments.pop();
                let blank = last_end.is_some_and(|e| (first && forced) || self.blank(e, c.start));
                docs.push(if blank { Doc::BlankLine } else { Doc::Newline });
                docs.push(comment_doc(&c));
                last_end = Some(c.end);
                first = false;
            }
            let blank = last_end.is_some_and(|e| (first && forced) || self.blank(e, start));
            docs.push(if blank { Doc::BlankLine } else { Doc::Newline });
            docs.push(print(self, i));
            let next = spans.get(i + 1).map_or(end, |s| s.start as usize);
            docs.push(self.comments.trailing_before(next));
            last_end = Some(span.end as usize);
            prev = Some(sec);
        }
        while let Some(c) = self.comments.peek_before(end).cloned() {
            self.comments.pop();
            let blank = last_end.is_some_and(|e| self.blank(e, c.start));
            docs.push(if blank { Doc::BlankLine } else { Doc::Newline });
            docs.push(comment_doc(&c));
            last_end = Some(c.end);
        }
        Doc::Concat(docs)
    }

    fn item(&mut self, item: &Item) -> Doc {
        match item {
            Item::Policy { name, version, span } => {
                let mut docs = vec![self.tok(span.start as usize, "policy "), self.string(name)];
                if let Some(v) = version {
                    docs.push(Doc::text(" version "));
                    docs.push(self.string(v));
                }
                Doc::Concat(docs)
            }
            Item::Schema { path, span } => {
                Doc::Concat(vec![self.tok(span.start as usize, "schema "), self.string(path)])
            }
            Item::Hook(h) => self.hook(h),
            Item::Batch { name, path, span } => Doc::Concat(vec![
                self.tok(span.start as usize, "batch "),
                self.tok(name.span.start as usize, name.node.clone()),
                Doc::text(" from "),
                self.string(path),
            ]),
            Item::Let { name, value, span } => {
                let head = self.tok(span.start as usize, "let ");
                let name = self.tok(name.span.start as usize, format!("{} = ", name.node));
                let value_doc = self.expr(value);
                Doc::Concat(vec![head, name, expr::hang(value, value_doc)])
            }
            Item::Guard(g) => {
                let bound = match g.bound.node {
                    GuardBound::Count(n) => n.to_string(),
                    GuardBound::Percent(p) => format!("{p}%"),
                };
                Doc::Concat(vec![
                    self.tok(g.span.start as usize, "guard "),
                    self.tok(g.outcome.span.start as usize, g.outcome.node.clone()),
                    Doc::text(" at most "),
                    self.number(&g.bound, bound),
                ])
            }
            Item::Scorecard { name, card, span } => self.scorecard(name, card, *span),
            Item::Rule(r) => self.rule(r),
            Item::Group(g) => self.group(g),
            Item::Split(s) => self.split(s),
        }
    }

    /// ```text
    /// split limit_test by id salt "2026-q4" {
    ///   champion   90%
    ///   challenger 10%
    /// }
    /// ```
    /// Arm names padded to one column; weights as written.
    fn split(&mut self, s: &SplitDecl) -> Doc {
        let by = s.by.iter().map(|seg| seg.node.as_str()).collect::<Vec<_>>().join(".");
        let by_start = s.by.first().map_or(s.name.span.end, |b| b.span.start) as usize;
        let by_end = s.by.last().map_or(s.name.span.end, |b| b.span.end) as usize;
        let by_kw = self.keyword(s.name.span.end as usize, by_start, "by");
        let mut header = vec![
            self.tok(s.name.span.start as usize, s.name.node.clone()),
            self.tok(by_kw, " by "),
            self.tok(by_start, by),
        ];
        if let Some(salt) = &s.salt {
            let salt_kw = self.keyword(by_end, salt.span.start as usize, "salt");
            header.push(self.tok(salt_kw, " salt "));
            header.push(self.string(salt));
        }
        header.push(Doc::text(" {"));
        // A line a comment in the header breaks continues indented, under the name.
        let mut docs =
            vec![self.tok(s.span.start as usize, "split "), Doc::Indent(HEADER_INDENT, Box::new(Doc::Concat(header)))];
        let close = (s.span.end as usize).saturating_sub(1);
        // A comment after the opening brace stays on its line.
        docs.push(self.comments.trailing_before(s.arms.first().map_or(close, |(arm, _)| arm.span.start as usize)));
        let width = s.arms.iter().map(|(arm, _)| crate::terminal::width(&arm.node)).max().unwrap_or(0);
        let mut body = Vec::new();
        for (i, (arm, weight)) in s.arms.iter().enumerate() {
            body.push(Doc::Newline);
            body.push(self.tok(arm.span.start as usize, format!("{} ", crate::terminal::pad_right(&arm.node, width))));
            body.push(self.number(weight, format!("{}%", weight.node)));
            let next = s.arms.get(i + 1).map_or(close, |(n, _)| n.span.start as usize);
            body.push(self.comments.trailing_before(next));
        }
        body.extend([Doc::Newline, self.comments.before(close)]);
        Doc::braced(docs, 2, Doc::Concat(body))
    }

    fn hook(&mut self, h: &HookDecl) -> Doc {
        let mut docs = vec![
            self.tok(h.span.start as usize, "hook "),
            self.tok(h.name.span.start as usize, format!("{}(", h.name.node)),
        ];
        // A parameter after a comment lines up under the first.
        let mut params = Vec::new();
        for (i, (name, ty)) in h.params.iter().enumerate() {
            if i > 0 {
                params.push(Doc::text(", "));
            }
            params.push(self.tok(name.span.start as usize, format!("{}: ", name.node)));
            params.push(self.tok(ty.span.start as usize, ty.node.clone()));
        }
        docs.push(Doc::Align(Box::new(Doc::Concat(params))));
        docs.push(Doc::text(") -> "));
        docs.push(self.tok(h.result.span.start as usize, h.result.node.clone()));
        docs.push(Doc::text(" from "));
        docs.push(self.string(&h.path));
        if let Some(b) = &h.budget {
            docs.push(Doc::text(" budget "));
            docs.push(self.number(b, b.node.to_string()));
        }
        Doc::Concat(docs)
    }

    #[expect(clippy::indexing_slicing, reason = "offsets are token boundaries found in the same source text")]
    fn group(&mut self, g: &GroupDecl) -> Doc {
        let close = (g.span.end as usize).saturating_sub(1);
        let first_rule = g.rules.first().map_or(close, |r| r.span.start as usize);
        let mut header = vec![self.string(&g.name)];
        if g.first {
            let until = g.effective.as_ref().map_or(first_rule, |e| e.span.start as usize);
            let first_kw = self.keyword(g.name.span.end as usize, until, "first");
            header.push(self.tok(first_kw, " first"));
        }
        if let Some(e) = &g.effective {
            header.push(self.effective(e));
        }
        header.push(Doc::text(" {"));
        let mut docs =
            vec![self.tok(g.span.start as usize, "group "), Doc::Indent(HEADER_INDENT, Box::new(Doc::Concat(header)))];
        docs.push(self.comments.trailing_before(first_rule));
        let spans: Vec<Span> = g.rules.iter().map(|r| r.span).collect();
        let sections = vec![Section::Rules; spans.len()];
        let body = self.sequence(&spans, &sections, close, |p, i| p.rule(&g.rules[i]));
        Doc::braced(docs, 2, body)
    }

    /// ```text
    /// rule "name" priority 90 {
    ///   when COND
    ///   then ACTION
    ///        ACTION
    /// }
    /// ```
    fn rule(&mut self, r: &RuleDecl) -> Doc {
        let mut header = vec![self.string(&r.name)];
        let mut header_end = r.name.span.end as usize;
        if let Some(p) = &r.priority {
            let priority_kw = self.keyword(r.name.span.end as usize, p.span.start as usize, "priority");
            header.push(self.tok(priority_kw, " priority "));
            header.push(self.number(p, p.node.to_string()));
            header_end = header_end.max(p.span.end as usize);
        }
        if let Some(e) = &r.effective {
            header.push(self.effective(e));
            header_end = header_end.max(e.span.end as usize);
        }
        header.push(Doc::text(" {"));
        let mut docs =
            vec![self.tok(r.span.start as usize, "rule "), Doc::Indent(HEADER_INDENT, Box::new(Doc::Concat(header)))];
        let cond_start = r.when.span.start as usize;
        let when_kw = self.keyword(header_end, cond_start, "when");
        docs.push(self.comments.trailing_before(when_kw));
        let close = (r.span.end as usize).saturating_sub(1);
        let first_action = r.actions.first().map_or(close, |a| a.span.start as usize);
        let then_kw = self.keyword(r.when.span.end as usize, first_action, "then");

        let mut body = vec![Doc::Newline, self.comments.before(when_kw), Doc::text("when ")];
        let cond = self.expr(&r.when);
        body.push(Doc::Align(Box::new(Doc::Concat(vec![cond, self.comments.trailing_before(then_kw)]))));
        body.extend([Doc::Newline, self.comments.before(then_kw), Doc::text("then ")]);
        let actions = self.actions(&r.actions, close);
        body.push(Doc::Align(Box::new(actions)));
        body.extend([Doc::Newline, self.comments.before(close)]);
        Doc::braced(docs, 2, Doc::Concat(body))
    }

    /// ` effective FROM [to TO]`, dates as written.
    fn effective(&mut self, e: &Effective) -> Doc {
        let mut docs = vec![Doc::text(" "), self.tok(e.span.start as usize, "effective ")];
        docs.push(self.number(&e.from, e.from.node.to_string()));
        if let Some(to) = &e.to {
            let to_kw = self.keyword(e.from.span.end as usize, to.span.start as usize, "to");
            docs.push(self.tok(to_kw, " to "));
            docs.push(self.number(to, to.node.to_string()));
        }
        Doc::Concat(docs)
    }

    /// Where keyword `kw` stands between two offsets (or `to` without source).
    fn keyword(&self, from: usize, to: usize, kw: &str) -> usize {
        self.src.and_then(|s| keyword(s, from, to, kw)).unwrap_or(to)
    }

    /// One action per line; a comment after the last one stays on its line.
    fn actions(&mut self, actions: &[Action], close: usize) -> Doc {
        let mut docs = Vec::new();
        for (i, a) in actions.iter().enumerate() {
            if i > 0 {
                docs.push(Doc::Newline);
            }
            docs.push(self.action(a));
            let next = actions.get(i + 1).map_or(close, |n| n.span.start as usize);
            docs.push(self.comments.trailing_before(next));
            if i + 1 < actions.len() {
                docs.push(self.comments.before(next));
            }
        }
        Doc::Concat(docs)
    }

    fn action(&mut self, a: &Action) -> Doc {
        let start = a.span.start as usize;
        match &a.kind {
            ActionKind::Close => self.tok(start, "close"),
            ActionKind::Reinstate => self.tok(start, "reinstate"),
            ActionKind::Approve => self.tok(start, "approve"),
            ActionKind::Refer => self.tok(start, "refer"),
            ActionKind::Decline => self.tok(start, "decline"),
            ActionKind::Freeze(d) | ActionKind::Restrict(d) => {
                let word = if matches!(a.kind, ActionKind::Freeze(_)) { "freeze" } else { "restrict" };
                let mut docs = vec![self.tok(start, word)];
                if let Some(d) = d {
                    docs.push(Doc::text(" for "));
                    docs.push(self.duration(d));
                }
                Doc::Concat(docs)
            }
            ActionKind::SetLimit(e) => {
                let head = self.tok(start, "set limit to ");
                let value = self.expr(e);
                Doc::Concat(vec![head, expr::hang(e, value)])
            }
            ActionKind::Notify { channel, template } => Doc::Concat(vec![
                self.tok(start, "notify "),
                self.tok(channel.span.start as usize, channel.node.clone()),
                Doc::text(" "),
                self.text_arg(template),
            ]),
            ActionKind::Escalate(stage) => Doc::Concat(vec![self.tok(start, "escalate to "), self.text_arg(stage)]),
            ActionKind::Review(queue) => Doc::Concat(vec![self.tok(start, "review "), self.text_arg(queue)]),
            ActionKind::Reason { code, text } => {
                let mut docs = vec![self.tok(start, "reason "), self.text_arg(code)];
                if let Some(t) = text {
                    docs.push(Doc::text(" "));
                    docs.push(self.text_arg(t));
                }
                Doc::Concat(docs)
            }
            ActionKind::Tag(label) => Doc::Concat(vec![self.tok(start, "tag "), self.text_arg(label)]),
            ActionKind::ReasonsFrom { scorecard, top } => {
                let mut docs = vec![
                    self.tok(start, "reasons from "),
                    self.tok(scorecard.span.start as usize, scorecard.node.clone()),
                ];
                if let Some(n) = top {
                    docs.push(Doc::text(" top "));
                    docs.push(self.number(n, n.node.to_string()));
                }
                Doc::Concat(docs)
            }
        }
    }

    /// An action's string: a literal as written, or the expression that computes it.
    fn text_arg(&mut self, e: &Expr) -> Doc {
        let doc = self.expr(e);
        if expr::starts_with_action_word(e) {
            return expr::paren(doc);
        }
        expr::hang(e, doc)
    }

    /// A string literal as written (escapes included), or quoted from its value.
    fn string(&mut self, s: &Spanned<String>) -> Doc {
        let text = self
            .src
            .and_then(|src| src.get(s.span.range()))
            .filter(|t| t.starts_with('"'))
            .map_or_else(|| expr::quote(&s.node), str::to_string);
        self.tok(s.span.start as usize, text)
    }

    /// A number as written (`10_000`, `-5`, `2.5%`), or `fallback` without source.
    fn number<T>(&mut self, n: &Spanned<T>, fallback: String) -> Doc {
        let text = self.src.and_then(|src| src.get(n.span.range())).map_or(fallback, str::to_string);
        self.tok(n.span.start as usize, text)
    }
}
