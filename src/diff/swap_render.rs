//! Swap sets with realised performance in the three report formats: a JSON
//! member, a text section and an HTML section (see `swap_sets.rs`).

use super::axes::Row;
use super::html::esc;
use super::report::DiffReport;
use super::swap_sets::{Figures, Grid, PerformanceReport, SwapSet};
use crate::terminal::{counted, escape};
use crate::value::format_decimal;
use serde::Serialize;
use std::fmt::Write as _;

/// One group's figures in the JSON report; `bad` and `bad_rate` are null without
/// a bad flag in the file, `loss` without a loss amount; `bad_rate` is also
/// null when no account of the group has performance.
#[derive(Serialize)]
struct FiguresView {
    accounts: u64,
    with_performance: u64,
    no_performance: u64,
    bad: Option<u64>,
    bad_rate: Option<String>,
    loss: Option<String>,
}

impl FiguresView {
    fn new(p: &PerformanceReport, f: &Figures) -> FiguresView {
        FiguresView {
            accounts: f.accounts,
            with_performance: f.with_performance,
            no_performance: f.no_performance(),
            bad: p.bad(f),
            bad_rate: p.bad_rate(f).map(|d| d.to_string()),
            loss: p.loss(f).map(format_decimal),
        }
    }
}

/// The swap sets and the total, in this order.
#[derive(Serialize)]
struct SetsView {
    swapped_in: FiguresView,
    swapped_out: FiguresView,
    kept: FiguresView,
    neither: FiguresView,
    undecided: FiguresView,
    total: FiguresView,
}

impl SetsView {
    fn new(p: &PerformanceReport, grid: &Grid) -> SetsView {
        let set = |s| FiguresView::new(p, &p.set(grid, s));
        SetsView {
            swapped_in: set(SwapSet::SwappedIn),
            swapped_out: set(SwapSet::SwappedOut),
            kept: set(SwapSet::Kept),
            neither: set(SwapSet::Neither),
            undecided: set(SwapSet::Undecided),
            total: FiguresView::new(p, &p.total(grid)),
        }
    }
}

#[derive(Serialize)]
struct CellView {
    old: &'static str,
    new: &'static str,
    set: &'static str,
    #[serde(flatten)]
    figures: FiguresView,
}

/// The non-empty cells of a grid, in matrix order.
fn cells(r: &DiffReport, grid: &Grid) -> Vec<(Row, Row, Figures)> {
    let pairs = r.rows.iter().flat_map(|&o| r.rows.iter().map(move |&n| (o, n)));
    pairs.map(|(o, n)| (o, n, PerformanceReport::cell(grid, o, n))).filter(|(_, _, f)| f.accounts > 0).collect()
}

fn cell_views(r: &DiffReport, p: &PerformanceReport, grid: &Grid) -> Vec<CellView> {
    cells(r, grid)
        .into_iter()
        .map(|(old, new, f)| CellView {
            old: old.name(),
            new: new.name(),
            set: SwapSet::of(old, new, &p.taken).name(),
            figures: FiguresView::new(p, &f),
        })
        .collect()
}

#[derive(Serialize)]
struct ArmView {
    split: String,
    arm: String,
    swap_sets: SetsView,
    cells: Vec<CellView>,
}

#[derive(Serialize)]
struct PerformanceView {
    file: String,
    bad: bool,
    loss: bool,
    taken: Vec<&'static str>,
    rows: u64,
    matched: u64,
    not_in_book: u64,
    not_in_book_ids: Vec<String>,
    repeated_in_book: u64,
    swap_sets: SetsView,
    cells: Vec<CellView>,
    arms: Vec<ArmView>,
}

/// The report's `performance` member.
pub(crate) fn json(r: &DiffReport, p: &PerformanceReport) -> impl Serialize {
    PerformanceView {
        file: p.file.clone(),
        bad: p.has_bad,
        loss: p.has_loss,
        taken: p.taken.iter().map(|t| t.name()).collect(),
        rows: p.rows,
        matched: p.matched(),
        not_in_book: p.not_in_book,
        not_in_book_ids: p.not_in_book_ids.clone(),
        repeated_in_book: p.repeated_in_book,
        swap_sets: SetsView::new(p, &p.all),
        cells: cell_views(r, p, &p.all),
        arms: p
            .arms
            .iter()
            .map(|a| ArmView {
                split: a.split.to_string(),
                arm: a.arm.to_string(),
                swap_sets: SetsView::new(p, &a.grid),
                cells: cell_views(r, p, &a.grid),
            })
            .collect(),
    }
}

/// A group's figures as table cells: accounts, with performance, bad, bad rate, loss.
fn figure_cells(p: &PerformanceReport, f: &Figures) -> [String; 5] {
    let dash = || "—".to_string();
    [
        f.accounts.to_string(),
        f.with_performance.to_string(),
        p.bad(f).map_or_else(dash, |b| b.to_string()),
        p.bad_rate(f).map_or_else(dash, |d| format!("{d}%")),
        match (p.has_loss, f.loss) {
            (false, _) => dash(),
            (true, Some(l)) => format_decimal(l),
            (true, None) => "overflow".into(),
        },
    ]
}

const HEAD: [&str; 5] = ["accounts", "with perf.", "bad", "bad rate", "loss"];

/// The swap sets and the total as rows of a table, headed.
fn set_rows(p: &PerformanceReport, grid: &Grid) -> Vec<Vec<String>> {
    let mut rows = vec![std::iter::once("set").chain(HEAD).map(String::from).collect::<Vec<_>>()];
    for set in SwapSet::ALL {
        let f = p.set(grid, set);
        rows.push(std::iter::once(set.label().to_string()).chain(figure_cells(p, &f)).collect());
    }
    rows.push(std::iter::once("total".to_string()).chain(figure_cells(p, &p.total(grid))).collect());
    rows
}

/// What the file held and how it joined, in one sentence.
fn join_summary(p: &PerformanceReport) -> String {
    let total = p.total(&p.all);
    let mut s = format!(
        "{}, {} in the book, {} not in the book; {} without performance",
        counted(p.rows, "row"),
        p.matched(),
        p.not_in_book,
        counted(total.no_performance(), "account"),
    );
    if p.repeated_in_book > 0 {
        let n = p.repeated_in_book;
        let (snapshots, repeat) = if n == 1 { ("snapshot", "repeats") } else { ("snapshots", "repeat") };
        let _ = write!(s, "; {n} {snapshots} of the book {repeat} an id already joined, counted without performance");
    }
    if !p.not_in_book_ids.is_empty() {
        let more = if p.not_in_book > p.not_in_book_ids.len() as u64 { ", …" } else { "" };
        let _ = write!(s, ". Not in the book: {}{more}", p.not_in_book_ids.join(", "));
    }
    s
}

/// The sets' definitions, for the reader of a report.
fn definition(p: &PerformanceReport) -> String {
    format!(
        "A policy takes an account when its outcome is {}. Swapped in: taken by the new version, not the old; \
         swapped out: taken by the old, not the new; kept: taken by both; neither: taken by neither; undecided: an \
         error under either. Bad rates are over the accounts with performance, in percent to two places (halves away \
         from zero).",
        p.taken_words()
    )
}

/// The text report's section.
pub(crate) fn render(out: &mut String, r: &DiffReport, p: &PerformanceReport) {
    let _ = writeln!(out, "\nPerformance ({}: {})", escape(&p.file), escape(&join_summary(p)));
    let _ = writeln!(
        out,
        "  taken: {} (swapped in: by the new version only; swapped out: by the old only; kept: by both)",
        p.taken_words()
    );
    out.push_str(&super::text::table(&set_rows(p, &p.all), &align(6)));
    let mut rows = vec![["old", "→", "new", "set"].into_iter().chain(HEAD).map(String::from).collect::<Vec<_>>()];
    for (old, new, f) in cells(r, &p.all) {
        let head = [old.name(), "→", new.name(), SwapSet::of(old, new, &p.taken).label()].map(String::from);
        rows.push(head.into_iter().chain(figure_cells(p, &f)).collect());
    }
    out.push_str("  By cell\n");
    out.push_str(&super::text::table(&rows, &align(9)));
    for a in &p.arms {
        let _ = writeln!(out, "  Arm {}={}", escape(&a.split), escape(&a.arm));
        out.push_str(&super::text::table(&set_rows(p, &a.grid), &align(6)));
    }
}

/// Left-aligned labels, right-aligned figures (the last five columns).
fn align(columns: usize) -> Vec<super::text::Align> {
    (0..columns).map(|i| if i + 5 < columns { super::text::Align::Left } else { super::text::Align::Right }).collect()
}

/// The HTML report's section.
pub(crate) fn html(h: &mut String, r: &DiffReport, p: &PerformanceReport) {
    let _ = write!(
        h,
        "<section id=\"performance\">\n<h2>Swap sets and realised performance</h2>\n<p class=\"note\">From <code>{}</code>: \
         {}. {}</p>\n",
        esc(&p.file),
        esc(&join_summary(p)),
        esc(&definition(p))
    );
    html_table(h, "swap-sets", &set_rows(p, &p.all), 1);
    let mut rows = vec![["in force", "proposed", "set"].into_iter().chain(HEAD).map(String::from).collect::<Vec<_>>()];
    for (old, new, f) in cells(r, &p.all) {
        let head = [old.name(), new.name(), SwapSet::of(old, new, &p.taken).label()].map(String::from);
        rows.push(head.into_iter().chain(figure_cells(p, &f)).collect());
    }
    h.push_str("<h3>By cell of the matrix</h3>\n");
    html_table(h, "performance-cells", &rows, 3);
    if !p.arms.is_empty() {
        let mut rows = vec![["split", "arm", "set"].into_iter().chain(HEAD).map(String::from).collect::<Vec<_>>()];
        for a in &p.arms {
            for row in set_rows(p, &a.grid).into_iter().skip(1) {
                rows.push([a.split.to_string(), a.arm.to_string()].into_iter().chain(row).collect());
            }
        }
        h.push_str("<h3>By arm</h3>\n");
        html_table(h, "performance-arms", &rows, 3);
    }
    h.push_str("</section>\n");
}

/// A table whose first row is its head and whose first `labels` columns are text, the rest figures.
fn html_table(h: &mut String, id: &str, rows: &[Vec<String>], labels: usize) {
    let _ = write!(h, "<table class=\"grid\" id=\"{id}\">\n<thead><tr>");
    let mut rows = rows.iter();
    for (i, c) in rows.next().into_iter().flatten().enumerate() {
        let class = if i < labels { "" } else { " class=\"num\"" };
        let _ = write!(h, "<th{class}>{}</th>", esc(c));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        h.push_str("<tr>");
        for (i, c) in row.iter().enumerate() {
            let class = if i < labels { "" } else { " class=\"num\"" };
            let _ = write!(h, "<td{class}>{}</td>", esc(c));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table>\n");
}
