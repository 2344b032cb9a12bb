//! `verdict stability POLICY BASELINE CURRENT`: the population stability of
//! each scorecard (PSI of the score over the baseline's deciles) and of each
//! characteristic (CSI over its bins), flagged at 0.1 and 0.25.

use super::render::{render_all, stderr_color};
use super::{Exit, ReportFormat};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use verdict::compile::Program;
use verdict::eval::scorecard::score_snapshot;
use verdict::snapshot::{read_snapshots, Format};
use verdict::stability::{report, Flag, Portfolio, Report, StabilityIndex};
use verdict::terminal::counted;

/// Arguments of `verdict stability`.
#[derive(clap::Args)]
#[command(after_help = super::examples_and_exit_codes(
    "  verdict stability policies/lifecycle.policy baseline.jsonl current.jsonl\n  \
     verdict stability policies/lifecycle.policy baseline.parquet current.parquet --format json",
    &[
        (0, "every snapshot of both books was scored"),
        (1, "some snapshots could not be scored (left out of the index; stderr says how many)"),
        (2, "the policy (or schema, hook, batch) does not compile, an input cannot be read, or the command line is wrong"),
    ]
))]
pub struct StabilityArgs {
    /// The policy whose scorecards are compared.
    policy: PathBuf,
    /// The portfolio the scorecards were built or last validated on (any
    /// snapshot format; `-`: standard input).
    baseline: PathBuf,
    /// The portfolio to compare with it (`-`: standard input).
    current: PathBuf,
    /// Format of the portfolios when it cannot be told from their names (stdin).
    #[arg(long)]
    input_format: Option<Format>,
    /// How the report is written.
    #[arg(long, value_name = "FORMAT", default_value = "text")]
    format: ReportFormat,
    /// The `as_of` of snapshots that have none (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = super::as_of_date)]
    as_of: Option<verdict::value::Date>,
}

pub fn run(args: StabilityArgs) -> Exit {
    let policy = match verdict::load_policy(&args.policy) {
        Ok(p) => p,
        Err(e) => {
            eprint!("{}", render_all(&e.diagnostics, &e.sources, stderr_color()));
            return Exit::Invalid;
        }
    };
    let program = &policy.program;
    if !program.lets.iter().any(|l| matches!(l.value.kind, verdict::ir::TKind::Scorecard(_))) {
        eprintln!("error: `{}` declares no scorecard", verdict::terminal::shown_path(&args.policy));
        return Exit::Invalid;
    }
    if super::files::refuse_stdin_twice(&[args.baseline.clone(), args.current.clone()]) {
        return Exit::Invalid;
    }
    let score = |path: &Path| score(program, path, args.input_format, args.as_of);
    let (baseline, current) = match (score(&args.baseline), score(&args.current)) {
        (Ok(b), Ok(c)) => (b, c),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("error: {e}");
            return Exit::Invalid;
        }
    };
    if let Some(exit) = refuse_empty(&[("baseline", &args.baseline, &baseline), ("current", &args.current, &current)]) {
        return exit;
    }
    let text = |span: verdict::diagnostic::Span| {
        let source = policy.sources.get(&args.policy).map(|f| f.text.clone()).unwrap_or_else(|| Arc::from(""));
        source.get(span.range()).map(verdict::syntax::one_line).unwrap_or_default()
    };
    let report = report(program, &baseline, &current, text);
    let out = match args.format {
        ReportFormat::Text => text_report(&report),
        ReportFormat::Json => format!("{}\n", json_report(&report)),
    };
    if let Err(e) = super::files::print(&out) {
        return super::files::output_failed(&e);
    }
    for (name, p) in [("baseline", &baseline), ("current", &current)] {
        if p.failed > 0 {
            // An id and a value of the book: data, escaped for the terminal.
            let first = verdict::terminal::escape(p.first_failure.as_deref().unwrap_or_default());
            eprintln!(
                "verdict: {} of the {name} snapshots could not be scored: left out of the index (the first: {first}; \
                 `verdict eval` gives each its error record)",
                p.failed
            );
        }
    }
    if baseline.failed + current.failed > 0 {
        Exit::Failures
    } else {
        Exit::Ok
    }
}

/// A portfolio without a single snapshot leaves no population to compare:
/// a report of it would read as "nothing shifted" and exit 0, so the run is
/// refused (exit 2, as for a book that cannot be read), naming each such file.
fn refuse_empty(portfolios: &[(&str, &PathBuf, &Portfolio)]) -> Option<Exit> {
    let mut exit = None;
    for (name, path, p) in portfolios {
        if p.scored + p.failed == 0 {
            eprintln!(
                "error: the {name} portfolio `{}` holds no snapshots: a stability index compares two \
                 populations, so nothing was compared",
                verdict::terminal::shown_path(path)
            );
            exit = Some(Exit::Invalid);
        }
    }
    exit
}

/// Scores every snapshot of one portfolio; a snapshot that fails is counted and left out.
fn score(
    program: &Program,
    path: &Path,
    input_format: Option<Format>,
    as_of: Option<verdict::value::Date>,
) -> Result<Portfolio, String> {
    let (input, format) = super::files::open_snapshots(path, input_format)?;
    let mut reader = read_snapshots(input, format, program.schema.clone())
        .and_then(verdict::snapshot::SnapshotReader::refusing_header_faults)
        .map_err(|e| format!("cannot read `{}`: {}", verdict::terminal::shown_path(path), e.with_help()))?;
    let mut portfolio = Portfolio::new(program);
    for item in reader.by_ref() {
        match item {
            Ok(snapshot) => match score_snapshot(program, &snapshot, as_of) {
                Ok(scored) => portfolio.add(&scored),
                Err(e) => portfolio.fail(Some(&snapshot.id), &e.message),
            },
            Err(e) => portfolio.fail(e.id.as_ref().map(|id| id as &dyn std::fmt::Display), &e.message),
        }
    }
    // Reading that stopped part-way (a folder, a failing device) leaves a
    // population short of what the file holds: no index of it is reported.
    if let Some(e) = reader.take_error() {
        return Err(format!("cannot read `{}`: reading stopped part-way: {e}", verdict::terminal::shown_path(path)));
    }
    Ok(portfolio)
}

fn flag_text(index: &Option<StabilityIndex>) -> String {
    match index {
        Some(i) => format!(
            "{:<8} {}",
            i.value.to_string(),
            match i.flag {
                Flag::Stable => "stable",
                Flag::Watch => "watch (>= 0.1)",
                Flag::Shift => "SHIFT (>= 0.25)",
            }
        ),
        None => "-        (no account of a portfolio could be scored)".to_owned(),
    }
}

/// The report for a reader.
fn text_report(report: &Report) -> String {
    let left_out = |n: u64| if n > 0 { format!(" ({n} left out: not scored)") } else { String::new() };
    let mut out = format!(
        "baseline {}{}, current {}{}\n",
        counted(report.counts.0, "account"),
        left_out(report.unscored.0),
        counted(report.counts.1, "account"),
        left_out(report.unscored.1)
    );
    for card in &report.scorecards {
        out.push_str(&format!("\nscorecard {}: PSI {}\n", card.name, flag_text(&card.psi)));
        if let Some(psi) = &card.psi {
            // As wide as the widest band (at least 20 columns), so a band of
            // long cuts does not push its shares out of their columns.
            let bands: Vec<_> = card.bands.iter().map(|b| verdict::terminal::escape(b)).collect();
            let band_columns = bands.iter().map(|b| verdict::terminal::width(b)).max().unwrap_or(0).max(20);
            let header = verdict::terminal::pad_right("band", band_columns);
            out.push_str(&format!("  {header} {:>9} {:>9}  contribution\n", "baseline", "current"));
            for (band, t) in bands.iter().zip(&psi.terms) {
                let band = verdict::terminal::pad_right(band, band_columns);
                out.push_str(&format!(
                    "  {band} {:>8}% {:>8}%  {}\n",
                    percent(t.expected_share),
                    percent(t.actual_share),
                    verdict::value::round_half_away(t.contribution, 4)
                ));
            }
        }
        out.push_str("  characteristic CSI:\n");
        // As wide as the longest input (at least 30 columns), so a long
        // characteristic does not push its CSI out of the column.
        let inputs: Vec<_> = card.characteristics.iter().map(|c| verdict::terminal::escape(&c.input)).collect();
        let columns = inputs.iter().map(|i| verdict::terminal::width(i)).max().unwrap_or(0).max(30);
        // Reason codes are policy text: escaped, and padded to the widest on screen.
        let codes: Vec<_> = card.characteristics.iter().map(|c| verdict::terminal::escape(&c.code)).collect();
        let code_columns = codes.iter().map(|c| verdict::terminal::width(c)).max().unwrap_or(0).max(6);
        for ((c, input), code) in card.characteristics.iter().zip(&inputs).zip(&codes) {
            let input = verdict::terminal::pad_right(input, columns);
            let code = verdict::terminal::pad_right(code, code_columns);
            out.push_str(&format!("    {code} {input} {}\n", flag_text(&c.csi)));
        }
    }
    out
}

fn percent(share: rust_decimal::Decimal) -> String {
    verdict::value::round_half_away(share * rust_decimal::Decimal::ONE_HUNDRED, 1).to_string()
}

fn index_json(index: &Option<StabilityIndex>, labels: &[String]) -> serde_json::Value {
    let Some(i) = index else { return serde_json::Value::Null };
    let dec = |d: rust_decimal::Decimal| verdict::value::format_decimal(verdict::value::round_half_away(d, 6));
    let terms: Vec<serde_json::Value> = labels
        .iter()
        .zip(&i.terms)
        .map(|(label, t)| {
            serde_json::json!({"bin": label, "baseline": t.expected_count, "current": t.actual_count,
                "baseline_share": dec(t.expected_share), "current_share": dec(t.actual_share),
                "contribution": dec(t.contribution)})
        })
        .collect();
    serde_json::json!({"value": verdict::value::format_decimal(i.value), "flag": i.flag.name(), "bins": terms})
}

/// The report for programs.
fn json_report(report: &Report) -> serde_json::Value {
    let cards: Vec<serde_json::Value> = report
        .scorecards
        .iter()
        .map(|card| {
            let characteristics: Vec<serde_json::Value> = card
                .characteristics
                .iter()
                .map(|c| serde_json::json!({"code": c.code, "input": c.input, "csi": index_json(&c.csi, &c.bins)}))
                .collect();
            serde_json::json!({"name": card.name, "psi": index_json(&card.psi, &card.bands), "characteristics": characteristics})
        })
        .collect();
    serde_json::json!({"baseline_accounts": report.counts.0, "current_accounts": report.counts.1,
        "baseline_unscored": report.unscored.0, "current_unscored": report.unscored.1,
        "thresholds": {"watch": "0.1", "shift": "0.25"}, "scorecards": cards})
}

#[cfg(test)]
mod tests {
    use super::percent;
    use std::str::FromStr;

    #[test]
    fn shares_round_half_away_from_zero() {
        let pct = |s: &str| percent(rust_decimal::Decimal::from_str(s).unwrap());
        assert_eq!(pct("0.0265"), "2.7");
        assert_eq!(pct("0.0965"), "9.7");
        assert_eq!(pct("0.0964"), "9.6");
        assert_eq!(pct("0.5"), "50");
    }
}
