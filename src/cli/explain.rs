//! `verdict explain POLICY SNAPSHOT --id ID`: one account's decision and the
//! reasoning behind it, for a terminal (100 columns) or as JSON.
//!
//! Exit codes: 0 explained, 1 the account's record is an error (it is still
//! explained as far as evaluation got), 2 the policy does not compile, the
//! file cannot be read or has no such account.

use super::render::{render_all, stderr_color};
use super::Exit;
use std::path::PathBuf;
use verdict::decision::fields;
use verdict::eval::ActionRecord;
use verdict::explain::{
    explain, explain_read, ConditionExplanation, ExplainError, Explanation, LetExplanation, RuleOutcome,
};
use verdict::snapshot::Format;
use verdict::terminal::{escape, pad_right, width};
use verdict::value::format_decimal;

/// Output width for a terminal.
const WIDTH: usize = 100;

/// Arguments of `verdict explain`.
#[derive(clap::Args)]
#[command(after_help = super::examples_and_exit_codes("  verdict explain policies/lifecycle.policy policies/portfolio.jsonl --id A-1008", &[
    (0, "the account was decided"),
    (1, "the account's snapshot could not be decided (its error is shown)"),
    (2, "the policy (or schema, hook, batch) does not compile, the input cannot be read, no snapshot has the id, or the command line is wrong"),
]))]
pub struct ExplainArgs {
    /// The policy file.
    policy: PathBuf,
    /// The snapshot file holding the account (any snapshot format; `-`:
    /// standard input, JSON Lines unless --input-format says otherwise).
    snapshot: PathBuf,
    /// Format of the snapshots when it cannot be told from the file name (stdin).
    #[arg(long)]
    input_format: Option<Format>,
    /// The account's (or application's) id: the schema's key field.
    #[arg(long)]
    id: String,
    /// `text` for a terminal (default) or `json`.
    #[arg(long, default_value = "text")]
    format: super::ReportFormat,
    /// The snapshot's date when it has no `as_of` (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = super::as_of_date)]
    as_of: Option<verdict::value::Date>,
    /// Which of the snapshots with the id, when several have it (a book of
    /// monthly snapshots): 1 is the first in the file.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    nth: u32,
}

pub fn run(args: ExplainArgs) -> Exit {
    let loaded = match verdict::load_policy(&args.policy) {
        Ok(l) => l,
        Err(e) => {
            eprint!("{}", render_all(&e.diagnostics, &e.sources, stderr_color()));
            return Exit::Invalid;
        }
    };
    let as_of = args.as_of;
    let format = match super::files::input_format(&args.snapshot, args.input_format) {
        Ok(format) => format,
        Err(e) => {
            eprintln!("error: {}", escape(&e));
            return Exit::Invalid;
        }
    };
    let wanted = (args.id.as_str(), usize::try_from(args.nth).unwrap_or(usize::MAX));
    if let Some(closed) = (args.snapshot.as_os_str() == "-").then(super::files::stdin_closed).flatten() {
        eprintln!("error: {closed}");
        return Exit::Invalid;
    }
    let found = if args.snapshot.as_os_str() == "-" {
        explain_read(&loaded, std::io::stdin().lock(), &args.snapshot, format, wanted, as_of)
    } else {
        explain(&loaded, &args.snapshot, Some(format), wanted, as_of)
    };
    let x = match found {
        Ok(x) => x,
        Err(e) => {
            eprintln!("error: {}", escape(&e.to_string()));
            if let ExplainError::NotFound { help: Some(help), .. } = &e {
                eprintln!("  help: {}", escape(help));
            }
            return Exit::Invalid;
        }
    };
    if x.same_id > 1 {
        let which = match args.nth {
            1 => "the first".to_string(),
            n => format!("number {n}"),
        };
        eprintln!(
            "note: {} snapshots of {} have the id `{}`; this is {which} (snapshot {}); `--nth N` explains another",
            x.same_id,
            escape(&input_name(&x.file, true)),
            escape(&x.id),
            x.position
        );
    }
    let text = if args.format == super::ReportFormat::Json {
        let mut json = serde_json::to_string_pretty(&x.view(&loaded.program)).unwrap_or_default();
        json.push('\n');
        json
    } else {
        render(&x, &loaded.program)
    };
    let exit = if x.record.is_err() { Exit::Failures } else { Exit::Ok };
    match super::files::print(&text) {
        Ok(()) => exit,
        Err(e) => exit.max(super::files::output_failed(&e)),
    }
}

/// The explanation for a terminal.
fn render(x: &Explanation, program: &verdict::compile::Program) -> String {
    let mut out = String::new();
    let as_of = match &x.record {
        Ok(d) => format!(", as of {}", d.as_of),
        Err(_) => String::new(),
    };
    push_wrapped(
        &mut out,
        &format!(
            "{} {} (snapshot {} of {}){as_of}",
            program.schema.entity,
            x.id,
            x.position,
            input_name(&x.file, false)
        ),
        "",
        "  ",
    );
    // The full fingerprint is in `--format json`; a prefix identifies it on a terminal, as git's short hashes do.
    let fingerprint: String = program.fingerprint.chars().take("sha256:".len() + 12).collect();
    push_wrapped(&mut out, &format!("policy {} {} ({fingerprint}…)", program.name, program.version), "", "  ");
    out.push_str("\ndecision\n");
    match &x.record {
        Ok(d) => {
            let dash = || "-".to_string();
            field(&mut out, fields::OUTCOME, &[d.outcome.name().to_string()]);
            field(&mut out, fields::UNTIL, &[d.until.map_or_else(dash, |u| u.to_string())]);
            let mut limit = vec![d.limit.map_or_else(dash, format_decimal)];
            if let Some(computed) = &x.limit {
                limit = vec![format!("{} ({})", limit.join(""), computed.rule), format!("= {}", computed.expr)];
                if !computed.reads.is_empty() {
                    limit.push(format!("with {}", verdict::explain::reads_text(&computed.reads)));
                }
            }
            field(&mut out, fields::LIMIT, &limit);
            let reasons: Vec<String> = d
                .reasons
                .iter()
                .map(|r| match &r.text {
                    Some(t) => format!("{} {} ({})", r.code, verdict::terminal::quoted(t), r.rule),
                    None => format!("{} ({})", r.code, r.rule),
                })
                .collect();
            field(&mut out, fields::REASONS, &reasons);
            field(&mut out, fields::ACTIONS, &d.actions.iter().map(action).collect::<Vec<_>>());
            field(&mut out, fields::FIRED, &[d.fired.join(", ")]);
            if !d.scores.is_empty() {
                let scores: Vec<String> =
                    d.scores.iter().map(|s| format!("{} = {}", s.name, format_decimal(s.value))).collect();
                field(&mut out, fields::SCORES, &scores);
            }
            if !d.arms.is_empty() {
                let arms: Vec<String> = d.arms.iter().map(|a| format!("{} = {}", a.split, a.arm)).collect();
                field(&mut out, fields::ARMS, &arms);
            }
        }
        Err(e) => field(&mut out, fields::ERROR, &[format!("{} error: {}", e.kind.name(), e.message)]),
    }
    if x.rules.is_empty() {
        out.push_str(&format!("\nno rule was evaluated: the {} has no decision\n", program.schema.entity));
        return out;
    }
    out.push_str("\nrules in evaluation order (✓ fired or holds, ✗ did not, · not evaluated)\n");
    for r in &x.rules {
        rule(&mut out, r);
    }
    if !x.scorecards.is_empty() {
        scorecards(&mut out, x);
    }
    out.push_str("\nlets\n");
    lets(&mut out, x);
    tables(&mut out, x);
    out.push_str("\nhook calls\n");
    if x.hooks.is_empty() {
        out.push_str("  none\n");
    }
    for h in &x.hooks {
        let args: Vec<String> = h.args.iter().map(|a| format!("{} = {}", a.name, a.value)).collect();
        let result = match &h.result {
            Ok(v) => v.to_string(),
            Err(message) => format!("error: {message}"),
        };
        push_wrapped(&mut out, &format!("{}({}) → {result}", h.hook, args.join(", ")), "  ", "      ");
        for line in &h.printed {
            push_wrapped(&mut out, line, "      printed: ", "               ");
        }
    }
    out
}

/// A decision field; several values go one per line, aligned.
fn field(out: &mut String, name: &str, values: &[String]) {
    let head = format!("  {name:<8} ");
    let values: Vec<&String> = values.iter().filter(|v| !v.is_empty()).collect();
    if values.is_empty() {
        out.push_str(&format!("{head}-\n"));
    }
    for (i, v) in values.iter().enumerate() {
        let first = if i == 0 { head.clone() } else { " ".repeat(width(&head)) };
        push_wrapped(out, v, &first, &" ".repeat(width(&head) + 2));
    }
}

fn action(a: &ActionRecord) -> String {
    format!("{} ({})", a.policy_text(), a.rule())
}

fn rule(out: &mut String, r: &verdict::explain::RuleExplanation) {
    let mut place = format!("priority {}", r.priority);
    if let Some(g) = &r.group {
        place.push_str(&format!(", group \"{g}\""));
    }
    let (mark, what) = match &r.status {
        RuleOutcome::Fired => ("✓", "fired".to_string()),
        RuleOutcome::NotMatched => ("✗", "not matched".to_string()),
        RuleOutcome::Skipped { by } => ("·", format!("skipped: \"{by}\" fired first in its group")),
        RuleOutcome::Failed { message } => ("!", format!("evaluation failed: {message}")),
        RuleOutcome::NotInEffect { days } => ("·", format!("not in effect: {days}")),
        RuleOutcome::NotEvaluated => ("·", "not evaluated: evaluation stopped at a failing rule".to_string()),
    };
    push_wrapped(out, &format!("{mark} {} ({place}): {what}", r.rule), "  ", "      ");
    for c in &r.conditions {
        push_wrapped(out, &condition(c), "      ", "          ");
    }
}

/// `✗ recent_overdues >= 3 → recent_overdues = 2, rule needs >= 3 (1 below the bound)`.
fn condition(c: &ConditionExplanation) -> String {
    let mark = match (c.failed, c.holds) {
        (true, _) => "!",
        (_, Some(true)) => "✓",
        (_, Some(false)) => "✗",
        (_, None) => "·",
    };
    let named = c.reads.first().is_some_and(|r| is_name(&r.expr));
    let mut detail = if c.failed {
        "evaluation failed here".to_string()
    } else if c.value.is_none() {
        "not evaluated".to_string()
    } else if let (Some(compared), false) = (&c.compared, named) {
        // A computed left side (`count(...) >= 6`) reads best with its value in place: `0 >= 6`.
        compared.clone()
    } else if c.reads.is_empty() {
        c.value.map(|v| v.to_string()).unwrap_or_default()
    } else if c.reads_beside {
        // `false (closure_requested = none)`: the value, and what it came from.
        format!("{} ({})", c.value.map(|v| v.to_string()).unwrap_or_default(), verdict::explain::reads_text(&c.reads))
    } else {
        verdict::explain::reads_text(&c.reads)
    };
    // `0 > 500 (income = none)`: a default taken, unless the reads said it.
    let shown_reads = c.compared.is_none() || named;
    let fallbacks: Vec<_> =
        c.fallbacks.iter().filter(|f| !(shown_reads && c.reads.iter().any(|r| r.expr == f.expr))).cloned().collect();
    if !fallbacks.is_empty() && c.value.is_some() && !c.failed {
        detail.push_str(&format!(" ({})", verdict::explain::reads_text(&fallbacks)));
    }
    if c.blocking && !c.failed {
        match (&c.needs, named || c.compared.is_none()) {
            (Some(needs), true) => detail.push_str(&format!(", rule needs {needs}")),
            (Some(_), false) => detail.push_str(" is false"),
            (None, _) => {}
        }
        if let Some(gap) = &c.gap {
            detail.push_str(&format!(" ({gap})"));
        }
    }
    if c.not_needed {
        detail.push_str(" (not needed: the rest of the condition held)");
    }
    format!("{mark} {} → {detail}", c.text)
}

/// A field, let or element name (`score`, `identity.verified`): shown as `name = value`.
fn is_name(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|ch| ch.is_alphanumeric() || ch == '_' || ch == '.')
}

/// Each scorecard: per characteristic its value, bin, points and points lost.
fn scorecards(out: &mut String, x: &Explanation) {
    for card in &x.scorecards {
        out.push_str(&format!(
            "\nscorecard {} (base {}): characteristic = value, bin → points (lost)\n",
            card.scorecard, card.base
        ));
        for c in &card.characteristics {
            let line = format!("{} = {}, {} → {} (lost {})", c.characteristic, c.value, c.bin, c.points, c.lost);
            push_wrapped(out, &line, &format!("  {:<6} ", c.code), "         ");
        }
    }
}

fn lets(out: &mut String, x: &Explanation) {
    let name_w = x.lets.iter().map(|l| width(&l.name)).max().unwrap_or(0);
    // After a failure, a let without a value may simply not have been reached.
    let absent = if x.record.is_err() { "(not computed)" } else { "(not needed)" };
    let shown = |l: &LetExplanation| match &l.value {
        None if l.failed.is_some() => "(failed)".to_string(),
        None => absent.to_string(),
        Some(v) if l.is_row => format!("= row {v}"),
        Some(v) => format!("= {v}"),
    };
    let value_w = x.lets.iter().map(|l| width(&shown(l))).max().unwrap_or(0).min(18);
    for l in &x.lets {
        let value = shown(l);
        let head = format!("  {} {}  ", pad_right(&l.name, name_w), pad_right(&value, value_w));
        let indent = " ".repeat(width(&head).min(WIDTH / 2));
        push_wrapped(out, &l.definition, &head, &indent);
        if let Some(branch) = &l.branch {
            push_wrapped(out, branch, &format!("{indent}took "), &format!("{indent}     "));
        }
        if !l.fallbacks.is_empty() {
            let text = verdict::explain::reads_text(&l.fallbacks);
            push_wrapped(out, &text, &format!("{indent}with "), &format!("{indent}     "));
        }
        if let Some(why) = &l.failed {
            push_wrapped(out, why, &format!("{indent}failed: "), &format!("{indent}        "));
        }
    }
}

/// Each decision table: the inputs, the row matched, and the nearest row
/// that would have given other values (the fewest cells missed).
fn tables(out: &mut String, x: &Explanation) {
    if x.tables.is_empty() {
        return;
    }
    out.push_str("\ndecision tables\n");
    for t in &x.tables {
        let inputs: Vec<String> = t.inputs.iter().map(|(n, v)| format!("{n} = {v}")).collect();
        push_wrapped(out, &format!("{}: {} → row {}", t.table, inputs.join(", "), t.row), "  ", "      ");
        if let Some(near) = t.nearest.as_ref().filter(|n| n.missed.is_empty()) {
            let what = format!("row {} matches too; the table takes the earlier row first", near.row);
            push_wrapped(out, &what, "      ", "      ");
        } else if let Some(near) = &t.nearest {
            let what = format!(
                "nearest other row: row {} (its cell{} for {} do{} not hold)",
                near.row,
                if near.missed.len() == 1 { "" } else { "s" },
                near.missed.join(", "),
                if near.missed.len() == 1 { "es" } else { "" }
            );
            push_wrapped(out, &what, "      ", "      ");
        }
    }
}

/// Appends `text` word-wrapped to [`WIDTH`], the first line after `first`, the
/// others after `rest`. Every line of the explanation passes through here, so
/// here ids, values and names from the data are escaped for the terminal.
fn push_wrapped(out: &mut String, text: &str, first: &str, rest: &str) {
    let (text, first, rest) = (escape(text), escape(first), escape(rest));
    let mut line = first.to_string();
    let mut empty = true;
    for word in text.split(' ') {
        let len = width(&line);
        if !empty && len + 1 + width(word) > WIDTH {
            out.push_str(line.trim_end());
            out.push('\n');
            line = rest.to_string();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

/// How the explanation names its input: as `eval`'s error records do, a
/// file quoted in running text.
fn input_name(file: &std::path::Path, quoted: bool) -> String {
    let shown = verdict::terminal::shown_path(file);
    if quoted {
        super::files::quoted_input_name(&shown)
    } else {
        verdict::stream::input_name(&shown).to_owned()
    }
}
