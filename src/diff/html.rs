//! The diff report as one self-contained HTML page for a risk committee: no
//! scripts, fonts or links to fetch; CSS and SVG charts inline.
//!
//! The page is written as polyglot XHTML (every element closed, void elements
//! self-closed, only numeric character references), so it is also well-formed
//! XML: a strict XML parser can check it in tests. Every piece of text from the
//! policies or snapshots goes through [`esc`].

use super::axes::{Bucket, Row};
use super::report::{ChangedAccount, DiffReport, Exposure};
use super::rules::ChangeStatus;
use super::text::{side_summary, signed};
use crate::terminal::counted;
use crate::value::format_decimal;
use rust_decimal::Decimal;
use std::fmt::Write;

const STYLE: &str = r#"
:root { --ink: #1f2933; --muted: #616e7c; --line: #d9dee4; --old: #9aa5b1; --new: #2f5fd0;
        --tight: 201, 55, 44; --loose: 22, 128, 120; --err: 196, 128, 18; --same: 82, 96, 109; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: var(--ink); background: #f4f6f8; }
header { background: #1d2b3a; color: #fff; padding: 28px 40px 22px; }
header .kicker { text-transform: uppercase; letter-spacing: .08em; font-size: 12px; color: #9fb3c8; margin: 0; }
header h1 { font-size: 26px; margin: 4px 0 6px; font-weight: 650; }
header .sub { color: #c8d4e0; margin: 0 0 14px; }
header table.ids { border-collapse: collapse; font-size: 13px; }
header table.ids th, header table.ids td { text-align: left; padding: 3px 14px 3px 0; vertical-align: top; color: #e4ebf2; }
header table.ids th { color: #9fb3c8; font-weight: 500; }
header code { font-size: 12px; color: #c8d4e0; word-break: break-all; }
main { padding: 24px 40px 40px; max-width: 1320px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 18px 22px; margin: 0 0 20px; }
h2 { font-size: 17px; margin: 0 0 4px; }
p.note { color: var(--muted); margin: 0 0 14px; font-size: 13px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; background: none; border: 0; padding: 0; }
.card { flex: 1 1 150px; background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; }
.card .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card .value { font-size: 26px; font-weight: 650; margin-top: 2px; font-variant-numeric: tabular-nums; }
.card .detail { color: var(--muted); font-size: 12px; }
.card.alert { border-color: rgb(var(--tight)); background: #fff4f2; }
.card.alert .value { color: rgb(var(--tight)); }
.card.good .value { color: rgb(var(--loose)); }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
table.grid th, table.grid td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
table.grid thead th { font-size: 12px; color: var(--muted); font-weight: 600; border-bottom: 2px solid var(--line); }
td.num, th.num, table.grid .num { text-align: right; }
table.matrix th, table.matrix td { width: 92px; height: 54px; text-align: center; border: 1px solid #fff; }
table.matrix thead th { font-weight: 600; color: var(--muted); vertical-align: bottom; height: 30px; }
table.matrix tbody th, table.matrix tfoot th { text-align: right; padding-right: 12px; font-weight: 600; color: var(--muted); }
table.matrix td { font-size: 18px; font-weight: 600; border-radius: 4px; }
table.matrix td .minor { display: block; font-size: 10px; font-weight: 500; opacity: .85; }
table.matrix td.total, table.matrix tfoot td { background: #eef1f4; color: var(--ink); font-size: 15px; }
table.matrix th.corner { font-size: 11px; text-align: left; color: var(--muted); }
.matrix-box { flex: 0 0 auto; }
.moves { flex: 1 1 260px; }
h3 { font-size: 14px; margin: 4px 0 8px; }
#rule-table td { white-space: nowrap; }
table.grid td { overflow-wrap: anywhere; }
td.id { white-space: pre-wrap; min-width: 6em; }
td.dec { min-width: 170px; }
.rules-box { flex: 0 0 auto; }
.legend { display: flex; gap: 16px; color: var(--muted); font-size: 12px; margin-top: 10px; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; vertical-align: -2px; margin-right: 5px; }
.row2 { display: flex; flex-wrap: wrap; gap: 20px; }
.row2 section, .row2 > div { flex: 1 1 520px; min-width: 0; }
.row2 > .rules-box, .row2 > .matrix-box { flex: 0 0 auto; }
svg { max-width: 100%; height: auto; }
.badge { display: inline-block; padding: 1px 7px; border-radius: 10px; font-size: 11px; font-weight: 600; white-space: nowrap; }
.badge.unchanged { background: #eef1f4; color: var(--muted); }
.badge.changed { background: #fdf0d5; color: #8a5a00; }
.badge.added { background: #dff3ee; color: #0f6b5e; }
.badge.removed { background: #fbe3e0; color: #a12a1f; }
.badge.breached { background: rgb(var(--tight)); color: #fff; }
.badge.ok { background: #dff3ee; color: #0f6b5e; }
.badge.part { background: #e8eefc; color: #24469b; }
.muted { color: var(--muted); }
.small { font-size: 12px; }
.plus { color: #0f6b5e; font-weight: 600; }
.minus { color: #a12a1f; text-decoration: line-through; }
svg text { font-family: inherit; }
table.exposure td { padding: 4px 16px 4px 0; font-size: 15px; }
table.exposure td.amount { text-align: right; font-weight: 600; }
@media print {
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { background: #fff; }
  section { break-inside: avoid; }
}
footer { color: var(--muted); font-size: 12px; padding: 0 40px 30px; max-width: 1320px; }
"#;

/// Text from the policies and the book as the page shows it: markup
/// escaped, and what would not read as itself written visibly as the text
/// report writes it (a line end or a tab as `\n`, `\t`; a bidirectional
/// override as `\u{202e}`, which would otherwise reorder what follows it
/// on screen). An id holding a line end is one line, not two.
pub(super) fn esc(text: &str) -> String {
    crate::markup::escape(&crate::terminal::escape(text))
}

/// [`esc`] for the lines of a `<pre>`, joined by the line ends it keeps.
fn esc_lines(lines: &[String]) -> String {
    lines.iter().map(|line| esc(line)).collect::<Vec<_>>().join("\n")
}

/// The report as a self-contained HTML page.
pub fn render_html(r: &DiffReport) -> String {
    let mut h = String::with_capacity(64 * 1024);
    let same_name = r.old.name == r.new.name;
    let title = if same_name {
        format!("{} {} → {}", r.old.name, r.old.version, r.new.version)
    } else {
        format!("{} {} → {} {}", r.old.name, r.old.version, r.new.name, r.new.version)
    };
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n\
         <title>Policy impact: {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        esc(&title)
    );
    header(&mut h, r, &title);
    h.push_str("<main>\n");
    cards(&mut h, r);
    matrix(&mut h, r);
    super::arms::html(&mut h, &r.arms, &r.rows);
    if let Some(p) = &r.performance {
        super::swap_render::html(&mut h, r, p);
    }
    h.push_str("<div class=\"row2\">\n<div>\n");
    outcomes(&mut h, r);
    guards(&mut h, r);
    h.push_str("</div>\n");
    exposure(&mut h, r);
    h.push_str("</div>\n");
    rules(&mut h, r);
    changed(&mut h, r);
    h.push_str("</main>\n");
    footer(&mut h, r);
    h.push_str("</body>\n</html>\n");
    h
}

fn header(h: &mut String, r: &DiffReport, title: &str) {
    let inputs =
        if r.meta.inputs.is_empty() { crate::stream::STANDARD_INPUT.to_string() } else { r.meta.inputs.join(", ") };
    let _ = write!(
        h,
        "<header>\n<p class=\"kicker\">Policy impact analysis</p>\n<h1 id=\"title\">{}</h1>\n\
         <p class=\"sub\">Generated {} · {} snapshots from {}{} · {} decisions change</p>\n\
         <table class=\"ids\">\n",
        esc(title),
        generated(&r.meta.generated),
        r.records,
        esc(&inputs),
        r.as_of_text().map(|d| format!(", <span id=\"as-of\">{d}</span>")).unwrap_or_default(),
        r.changed
    );
    for (label, p) in [("In force", &r.old), ("Proposed", &r.new)] {
        let _ = writeln!(
            h,
            "<tr><th>{label}</th><td>{} <b>{}</b></td><td>{}</td><td><code>{}</code></td></tr>",
            esc(&p.name),
            esc(&p.version),
            esc(&p.path),
            esc(&p.fingerprint)
        );
    }
    h.push_str("</table>\n");
    if !r.schema_changes.is_empty() {
        let _ = writeln!(
            h,
            "<p class=\"note\">The schemas differ: each snapshot was read with each version's schema.</p>\n\
             <pre class=\"small\">{}</pre>",
            esc_lines(&r.schema_changes)
        );
    }
    if let Some(errors) = super::text::errors_line(r) {
        let _ = writeln!(h, "<p class=\"note\">{}</p>", esc(&errors));
    }
    if let Some(note) = super::text::versions_note(r) {
        let _ = writeln!(h, "<p class=\"note\">{}</p>", esc(&note));
    }
    h.push_str("</header>\n");
}

fn card(h: &mut String, class: &str, label: &str, value: &str, detail: &str) {
    let _ = writeln!(
        h,
        "<div class=\"card {class}\"><div class=\"label\">{}</div><div class=\"value\">{}</div>\
         <div class=\"detail\">{}</div></div>",
        esc(label),
        esc(value),
        esc(detail)
    );
}

fn percent(n: u64, of: u64) -> String {
    if of == 0 {
        return "0%".into();
    }
    // One decimal place, exactly rounded, without floating point.
    let tenths = (u128::from(n) * 1000 + u128::from(of) / 2) / u128::from(of);
    format!("{}.{}%", tenths / 10, tenths % 10)
}

fn cards(h: &mut String, r: &DiffReport) {
    h.push_str("<section class=\"cards\" id=\"summary\">\n");
    let errors = format!("{} errors in force, {} proposed", r.old_total(Row::Error), r.new_total(Row::Error));
    card(h, "", "Snapshots", &r.records.to_string(), &errors);
    let class = if r.changed > 0 { "alert" } else { "good" };
    card(
        h,
        class,
        "Decisions changed",
        &r.changed.to_string(),
        &format!("{} of the book", percent(r.changed, r.records)),
    );
    for (row, label) in
        [(Row::Close, "Newly closed"), (Row::Freeze, "Newly frozen"), (Row::Restrict, "Newly restricted")]
    {
        let n = r.newly(row);
        let detail = format!("{} → {} in total", r.old_total(row), r.new_total(row));
        card(h, if n > 0 { "alert" } else { "" }, label, &n.to_string(), &detail);
    }
    if let Some(e) = &r.exposure {
        if let Some(d) = Exposure::change(e.old, e.new) {
            let class = if d < Decimal::ZERO { "alert" } else { "" };
            card(h, class, "Limit exposure vs in force", &signed(d), &format!("over {} accounts", e.accounts));
        }
    }
    let breached = r.guards.iter().filter(|g| g.breached).count();
    if !r.guards.is_empty() {
        let (class, value) =
            if breached > 0 { ("alert", format!("{breached} breached")) } else { ("good", "OK".into()) };
        card(h, class, "Guards of the proposed policy", &value, &format!("{} checked", r.guards.len()));
    }
    h.push_str("</section>\n");
}

/// Cell colours: more severe, less severe, to or from an error, same outcome.
const TIGHT: [u64; 3] = [201, 55, 44];
const LOOSE: [u64; 3] = [22, 128, 120];
const ERR: [u64; 3] = [196, 128, 18];
const SAME: [u64; 3] = [82, 96, 109];

/// A cell style: `rgb` mixed with white at a strength from `t` in 0..=1000 (integer arithmetic).
fn heat(rgb: [u64; 3], t: u64) -> String {
    let pct = 12 + t.min(1000) * 78 / 1000;
    let [r, g, b] = rgb.map(|c| 255 - (255 - c) * pct / 100);
    format!("background: rgb({r}, {g}, {b}); color: {}", if pct > 55 { "#fff" } else { "#1f2933" })
}

fn matrix(h: &mut String, r: &DiffReport) {
    h.push_str(
        "<section id=\"matrix\">\n<h2>Swap-set matrix</h2>\n<p class=\"note\">Accounts by their outcome under the \
         policy in force (rows) and under the proposed policy (columns). The diagonal keeps its outcome; red cells \
         move to a more severe outcome, green ones to a less severe outcome, amber ones to or from an error.</p>\n\
         <div class=\"row2\">\n<div class=\"matrix-box\"><table class=\"matrix\" id=\"swap-matrix\">\n<thead><tr><th class=\"corner\">in force ↓ · proposed →</th>",
    );
    for &c in &r.rows {
        let _ = write!(h, "<th>{}</th>", c.name());
    }
    h.push_str("<th>total</th></tr></thead>\n<tbody>\n");
    let max_off = r.rows.iter().flat_map(|&o| r.rows.iter().map(move |&n| (o, n))).filter(|(o, n)| o != n);
    let max_off = max_off.map(|(o, n)| r.cell(o, n)).max().unwrap_or(0).max(1);
    let max_diag = r.rows.iter().map(|&o| r.cell(o, o)).max().unwrap_or(0).max(1);
    for &old in &r.rows {
        let _ = write!(h, "<tr><th>{}</th>", old.name());
        for &new in &r.rows {
            let n = r.cell(old, new);
            let style = if n == 0 {
                "background: #f7f8fa; color: #c3cad2".to_string()
            } else if old == new {
                heat(SAME, n * 1000 / max_diag / 2)
            } else if old == Row::Error || new == Row::Error {
                heat(ERR, n * 1000 / max_off)
            } else if new.severity() > old.severity() {
                heat(TIGHT, n * 1000 / max_off)
            } else {
                heat(LOOSE, n * 1000 / max_off)
            };
            let _ = write!(
                h,
                "<td class=\"cell\" data-old=\"{}\" data-new=\"{}\" style=\"{style}\">{}",
                old.name(),
                new.name(),
                if n == 0 { "·".to_string() } else { n.to_string() }
            );
            let other = r.same_outcome_changed.get(old.index()).copied().unwrap_or(0);
            if old == new && other > 0 {
                let _ = write!(h, "<span class=\"minor\">{other} otherwise changed</span>");
            }
            h.push_str("</td>");
        }
        let _ = writeln!(h, "<td class=\"total\" data-total-old=\"{}\">{}</td></tr>", old.name(), r.old_total(old));
    }
    h.push_str("</tbody>\n<tfoot><tr><th>total</th>");
    for &new in &r.rows {
        let _ = write!(h, "<td data-total-new=\"{}\">{}</td>", new.name(), r.new_total(new));
    }
    let _ = write!(
        h,
        "<td data-total=\"all\">{}</td></tr></tfoot>\n</table>\n<div class=\"legend\">\
         <span><span class=\"swatch\" style=\"background: rgb(var(--tight))\"></span>more severe</span>\
         <span><span class=\"swatch\" style=\"background: rgb(var(--loose))\"></span>less severe</span>\
         <span><span class=\"swatch\" style=\"background: rgb(var(--err))\"></span>to or from an error</span>\
         <span><span class=\"swatch\" style=\"background: rgb(var(--same))\"></span>same outcome</span></div>\n</div>\n",
        r.records
    );
    moves(h, r);
    h.push_str("</div>\n</section>\n");
}

/// The off-diagonal cells as a list, largest first, with example accounts.
fn moves(h: &mut String, r: &DiffReport) {
    let mut cells: Vec<(Row, Row, u64)> = r
        .rows
        .iter()
        .flat_map(|&o| r.rows.iter().map(move |&n| (o, n)))
        .filter(|(o, n)| o != n)
        .map(|(o, n)| (o, n, r.cell(o, n)))
        .filter(|c| c.2 > 0)
        .collect();
    cells.sort_by(|a, b| b.2.cmp(&a.2).then(b.1.severity().cmp(&a.1.severity())));
    h.push_str("<div class=\"moves\">\n<h3>Moves between outcomes</h3>\n");
    if cells.is_empty() {
        h.push_str("<p class=\"note\">No account changes outcome.</p>\n");
    } else {
        h.push_str("<table class=\"grid\" id=\"moves-table\">\n<tbody>\n");
        for (old, new, n) in cells {
            let examples: Vec<String> = r
                .accounts
                .iter()
                .filter(|a| Row::of(&a.old) == old && Row::of(&a.new) == new)
                .filter_map(|a| a.id.as_ref().map(ToString::to_string))
                .take(3)
                .map(|id| esc(&id))
                .collect();
            let _ = writeln!(
                h,
                "<tr><td>{} → <b>{}</b></td><td class=\"num\"><b>{n}</b></td><td class=\"small muted\">{}</td></tr>",
                old.name(),
                new.name(),
                if examples.is_empty() { String::new() } else { format!("e.g. {}", examples.join(", ")) }
            );
        }
        h.push_str("</tbody>\n</table>\n");
    }
    let same: u64 = r.same_outcome_changed.iter().sum();
    if same > 0 {
        let _ = writeln!(
            h,
            "<p class=\"note\">{} keep their outcome but change limit, dates, reasons or actions.</p>",
            counted(same, "more account")
        );
    }
    h.push_str("</div>\n");
}

/// The widest label a bar chart shows, in columns (a CJK character takes two).
const LABEL_COLUMNS: usize = 34;

/// `label` cut to `columns` display columns with `…`, so that a long name
/// does not run off the chart's left edge (the whole name is its tooltip).
fn fitted(label: &str, columns: usize) -> String {
    if crate::terminal::width(label) <= columns {
        return label.to_string();
    }
    let mut out = String::new();
    for c in label.chars() {
        if crate::terminal::width(&out) + crate::terminal::width(c.encode_utf8(&mut [0; 4])) + 1 > columns {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// A horizontal bar chart with two bars (in force, proposed) per category, as inline SVG.
fn bars(id: &str, caption: &str, rows: &[(String, Option<u64>, Option<u64>)], label_width: u64) -> String {
    const WIDTH: u64 = 560;
    const BAR: u64 = 11;
    const GROUP: u64 = 2 * BAR + 12;
    const TOP: u64 = 26;
    let max = rows.iter().flat_map(|(_, a, b)| [a.unwrap_or(0), b.unwrap_or(0)]).max().unwrap_or(0).max(1);
    let span = WIDTH - label_width - 44;
    let height = TOP + GROUP * rows.len() as u64 + 4;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg id=\"{id}\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"{WIDTH}\" height=\"{height}\" \
         viewBox=\"0 0 {WIDTH} {height}\"><title>{}</title>\
         <rect x=\"{label_width}\" y=\"4\" width=\"10\" height=\"10\" fill=\"#9aa5b1\"/>\
         <text x=\"{}\" y=\"13\" font-size=\"11\" fill=\"#616e7c\">in force</text>\
         <rect x=\"{}\" y=\"4\" width=\"10\" height=\"10\" fill=\"#2f5fd0\"/>\
         <text x=\"{}\" y=\"13\" font-size=\"11\" fill=\"#616e7c\">proposed</text>",
        esc(caption),
        label_width + 14,
        label_width + 80,
        label_width + 94
    );
    for (i, (label, old, new)) in rows.iter().enumerate() {
        let y = TOP + GROUP * i as u64;
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"end\" fill=\"#1f2933\"><title>{}</title>{}</text>",
            label_width - 8,
            y + BAR + 4,
            esc(label),
            esc(&fitted(label, LABEL_COLUMNS))
        );
        for (k, (value, colour)) in [(old, "#9aa5b1"), (new, "#2f5fd0")].into_iter().enumerate() {
            let by = y + BAR * k as u64;
            let Some(v) = value else {
                let _ = write!(
                    s,
                    "<text x=\"{}\" y=\"{}\" font-size=\"10\" fill=\"#9aa5b1\">not in this version</text>",
                    label_width + 2,
                    by + BAR - 2
                );
                continue;
            };
            let w = if *v == 0 { 0 } else { (v * span / max).max(2) };
            let _ = write!(
                s,
                "<rect x=\"{label_width}\" y=\"{by}\" width=\"{w}\" height=\"{}\" rx=\"2\" fill=\"{colour}\"/>\
                 <text x=\"{}\" y=\"{}\" font-size=\"10\" fill=\"#3e4c59\">{v}</text>",
                BAR - 1,
                label_width + w + 4,
                by + BAR - 2
            );
        }
    }
    s.push_str("</svg>");
    s
}

fn outcomes(h: &mut String, r: &DiffReport) {
    let rows: Vec<_> =
        r.rows.iter().map(|&o| (o.name().to_string(), Some(r.old_total(o)), Some(r.new_total(o)))).collect();
    let _ = write!(
        h,
        "<section id=\"outcomes\">\n<h2>Outcomes</h2>\n<p class=\"note\">Accounts per outcome under each \
         version.</p>\n{}\n</section>\n",
        bars("outcome-bars", "Accounts per outcome, in force and proposed", &rows, 90)
    );
}

/// The records the exposure totals leave out, and why.
fn left_out(e: &Exposure) -> String {
    match (e.without_limit, e.undecided) {
        (0, 0) => String::new(),
        (without, 0) => format!(" ({without} records without one)"),
        (0, undecided) => format!(" ({undecided} records left out: a version could not decide them)"),
        (without, undecided) => {
            format!(" ({without} records without one; {undecided} left out: a version could not decide them)")
        }
    }
}

fn exposure(h: &mut String, r: &DiffReport) {
    let heading = if r.exposure.as_ref().is_some_and(|e| e.granted) { "Credit granted" } else { "Limit exposure" };
    let _ = writeln!(h, "<section id=\"exposure\">\n<h2>{heading}</h2>");
    let Some(e) = &r.exposure else {
        let _ = writeln!(h, "<p class=\"note\">{}</p>\n</section>", esc(r.exposure_note.as_deref().unwrap_or("")));
        return;
    };
    if e.granted {
        granted(h, e);
        return;
    }
    let _ = write!(
        h,
        "<p class=\"note\">Total credit limit over the {} accounts with a current <code>{}</code>{}: the limit after a \
         decision is the limit it sets (0 for a close), else the current one.</p>\n<table class=\"exposure\">\n",
        e.accounts,
        esc(&e.field),
        left_out(e)
    );
    let amount = |d: Option<Decimal>| d.map_or("overflow".into(), format_decimal);
    let change = |from, to| Exposure::change(from, to).map_or(String::new(), signed);
    let rows = [
        ("current", "exposure-current", amount(e.current), String::new()),
        ("after the policy in force", "exposure-old", amount(e.old), change(e.current, e.old)),
        ("after the proposed policy", "exposure-new", amount(e.new), change(e.current, e.new)),
        ("proposed − in force", "exposure-delta", change(e.old, e.new), String::new()),
    ];
    for (label, id, value, delta) in rows {
        let _ = writeln!(
            h,
            "<tr><td>{label}</td><td class=\"amount\" id=\"{id}\">{}</td><td class=\"muted\">{}</td></tr>",
            esc(&value),
            esc(&delta)
        );
    }
    h.push_str("</table>\n<h3 class=\"small muted\">Accounts by change of limit against the current one</h3>\n");
    let rows: Vec<_> = Bucket::ALL
        .iter()
        .enumerate()
        .map(|(i, b)| (b.label().to_string(), e.buckets_old.get(i).copied(), e.buckets_new.get(i).copied()))
        .collect();
    h.push_str(&bars("limit-bars", "Accounts by band of limit change", &rows, 100));
    h.push_str("\n</section>\n");
}

/// An application policy's exposure: the credit each version's approvals grant.
fn granted(h: &mut String, e: &Exposure) {
    let _ = write!(
        h,
        "<p class=\"note\">Credit granted to the {} applications both versions decided{}: the sum of the limits \
         their approvals give.</p>\n<table class=\"exposure\">\n",
        e.accounts,
        left_out(e)
    );
    let amount = |d: Option<Decimal>| d.map_or("overflow".into(), format_decimal);
    let rows = [
        ("by the policy in force", "exposure-old", amount(e.old)),
        ("by the proposed policy", "exposure-new", amount(e.new)),
        ("proposed − in force", "exposure-delta", Exposure::change(e.old, e.new).map_or(String::new(), signed)),
    ];
    for (label, id, value) in rows {
        let _ = writeln!(h, "<tr><td>{label}</td><td class=\"amount\" id=\"{id}\">{}</td></tr>", esc(&value));
    }
    h.push_str("</table>\n</section>\n");
}

fn rules(h: &mut String, r: &DiffReport) {
    h.push_str(
        "<section id=\"rules\">\n<h2>Rules</h2>\n<p class=\"note\">Rules are matched across versions by name and \
         their text compared (layout ignored). Fires count the decisions a rule fired in; gained and lost count the \
         accounts where it fires under only the proposed or only the policy in force.</p>\n<div class=\"row2\">\n\
         <div class=\"rules-box\"><table class=\"grid\" id=\"rule-table\">\n<thead><tr><th>rule</th><th>text</th><th class=\"num\">in force</th>\
         <th class=\"num\">proposed</th><th class=\"num\">gained</th><th class=\"num\">lost</th></tr></thead>\n<tbody>\n",
    );
    for rule in &r.rules {
        let mut status = format!("<span class=\"badge {0}\">{0}</span>", rule.status.name());
        if rule.status == ChangeStatus::Changed {
            let _ = write!(status, " <span class=\"small muted\">{}</span>", esc(&rule.parts.join(", ")));
        }
        if !rule.via_lets.is_empty() && rule.status != ChangeStatus::Removed {
            let reads = esc(&r.reads_changed(rule));
            let _ = write!(status, " <span class=\"small muted\">reads changed {reads}</span>");
        }
        let fires = |f: Option<u64>| f.map_or("—".to_string(), |n| n.to_string());
        let _ = writeln!(
            h,
            "<tr data-rule=\"{0}\"><td>{0}</td><td>{status}</td><td class=\"num\">{1}</td><td class=\"num\">{2}</td>\
             <td class=\"num\">{3}</td><td class=\"num\">{4}</td></tr>",
            esc(&rule.rule),
            fires(rule.old_fires),
            fires(rule.new_fires),
            rule.gained,
            rule.lost
        );
    }
    h.push_str("</tbody>\n</table></div>\n");
    let rows: Vec<_> = r.rules.iter().map(|x| (x.rule.clone(), x.old_fires, x.new_fires)).collect();
    // About 7 px a column at 12 px: a Chinese name's characters take two.
    let columns = r.rules.iter().map(|x| crate::terminal::width(&x.rule)).max().unwrap_or(10).clamp(10, LABEL_COLUMNS);
    let width = columns as u64 * 7 + 12;
    let _ = write!(h, "<div>{}</div>\n</div>\n", bars("rule-bars", "Rule fires, in force and proposed", &rows, width));
    // Each changed or added rule's text, old and new, as the text report shows it.
    for rule in r.rules.iter().filter(|rule| !rule.lines.is_empty()) {
        let _ = writeln!(
            h,
            "<pre class=\"small\"><code>rule {}</code> {}\n{}</pre>",
            esc(&rule.rule),
            rule.status.name(),
            esc_lines(&rule.lines)
        );
    }
    if !r.lets.is_empty() {
        h.push_str("<p class=\"small\">Lets: ");
        let lets: Vec<String> = r
            .lets
            .iter()
            .map(|l| {
                let (kind, name, status) = (l.kind, esc(&l.name), l.status.name());
                format!("{kind} <code>{name}</code> <span class=\"badge {status}\">{status}</span>")
            })
            .collect();
        h.push_str(&lets.join(" · "));
        h.push_str("</p>\n");
        // A table's changed rows and a scorecard's base, old and new, as the text report shows them.
        for l in r.lets.iter().filter(|l| !l.rows.is_empty()) {
            let _ = writeln!(h, "<pre class=\"small\"><code>{}</code>\n{}</pre>", esc(&l.name), esc_lines(&l.rows));
        }
    }
    h.push_str("</section>\n");
}

fn guards(h: &mut String, r: &DiffReport) {
    h.push_str("<section id=\"guards\">\n<h2>Guards of the proposed policy</h2>\n");
    if r.guards.is_empty() && r.guards_removed.is_empty() {
        h.push_str("<p class=\"note\">The proposed policy declares no guard.</p>\n</section>\n");
        return;
    }
    h.push_str(
        "<p class=\"note\">Checked over this run as <code>verdict eval</code> would: a guard is breached when more \
         accounts than its bound receive its outcome.</p>\n<table class=\"grid\" id=\"guard-table\">\n<thead><tr>\
         <th>guard</th><th class=\"num\">proposed</th><th class=\"num\">bound</th><th class=\"num\">in force</th>\
         <th>status</th></tr></thead>\n<tbody>\n",
    );
    for g in &r.guards {
        let status = if g.breached { "breached" } else { "ok" };
        let change = match (&g.was, g.added) {
            (Some(was), _) => format!("<br/><span class=\"note\">was <code>guard {}</code></span>", esc(was)),
            (None, true) => "<br/><span class=\"note\">new</span>".to_owned(),
            (None, false) => String::new(),
        };
        let _ = writeln!(
            h,
            "<tr><td><code>guard {}</code>{change}</td><td class=\"num\">{} of {}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td><span class=\"badge {status}\">{status}</span></td></tr>",
            esc(&g.guard),
            g.count,
            g.decided,
            esc(&g.bound),
            g.old_count
        );
    }
    for removed in &r.guards_removed {
        let _ = writeln!(
            h,
            "<tr><td><code>guard {}</code><br/><span class=\"note\">removed</span></td><td class=\"num\">—</td>\
             <td class=\"num\">—</td><td class=\"num\">—</td><td></td></tr>",
            esc(removed)
        );
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
}

fn fired_list(a: &ChangedAccount, old: bool) -> String {
    let fired = |o: &crate::eval::Outputs| o.as_ref().map(|d| d.fired.clone()).unwrap_or_default();
    let (mine, other) = if old { (fired(&a.old), fired(&a.new)) } else { (fired(&a.new), fired(&a.old)) };
    if mine.is_empty() {
        return "<span class=\"muted\">—</span>".into();
    }
    let class = if old { "minus" } else { "plus" };
    mine.iter()
        .map(|r| if other.contains(r) { esc(r) } else { format!("<span class=\"{class}\">{}</span>", esc(r)) })
        .collect::<Vec<_>>()
        .join(", ")
}

/// ` (−501)` after the new side when both versions set a limit and they differ.
fn limit_delta(a: &ChangedAccount) -> String {
    let limit = |o: &crate::eval::Outputs| o.as_ref().ok().and_then(|d| d.limit);
    match (limit(&a.old), limit(&a.new)) {
        (Some(old), Some(new)) if old != new => new
            .checked_sub(old)
            .map_or_else(String::new, |d| format!(" <span class=\"small muted\">({})</span>", esc(&signed(d)))),
        _ => String::new(),
    }
}

fn reasons(o: &crate::eval::Outputs) -> String {
    match o {
        Ok(d) if !d.reasons.is_empty() => d.reasons.iter().map(|r| esc(&r.code)).collect::<Vec<_>>().join(" "),
        Ok(_) => String::new(),
        Err(e) => esc(&e.message),
    }
}

fn changed(h: &mut String, r: &DiffReport) {
    let _ = write!(
        h,
        "<section id=\"changed\">\n<h2>Changed accounts</h2>\n<p class=\"note\">{} whose decision differs \
         (outcome, until, limit, reasons or actions){}. Rules in green fire only under the proposed policy, struck \
         out only under the policy in force.</p>\n",
        counted(r.changed, "account"),
        if (r.accounts.len() as u64) < r.changed {
            format!("; the first {} are listed (<code>--changed FILE</code> writes every one)", r.accounts.len())
        } else {
            String::new()
        }
    );
    if r.accounts.is_empty() {
        h.push_str("</section>\n");
        return;
    }
    // An application has no current limit: no column of blanks for it.
    let limits = !r.exposure.as_ref().is_some_and(|e| e.granted);
    let _ = write!(
        h,
        "<table class=\"grid\" id=\"changed-table\">\n<thead><tr><th>record</th><th>account</th>\
         {}<th>in force</th><th>proposed</th><th>differs</th>\
         <th>rules fired, in force</th><th>rules fired, proposed</th></tr></thead>\n<tbody>\n",
        if limits { "<th class=\"num\">current limit</th>" } else { "" }
    );
    for a in &r.accounts {
        let current = a.current_limit.map(format_decimal).unwrap_or_default();
        let current = if limits { format!("<td class=\"num\">{current}</td>") } else { String::new() };
        let id = a.id.as_ref().map_or_else(|| "—".to_string(), ToString::to_string);
        let differs: Vec<String> = a.differs.iter().map(|d| format!("<span class=\"badge part\">{d}</span>")).collect();
        let _ = writeln!(
            h,
            "<tr><td class=\"small muted\" title=\"{}\">{}:{}</td><td class=\"id\"><b>{}</b></td>{}\
             <td class=\"dec\">{}<div class=\"small muted\">{}</div></td><td class=\"dec\">{}<div class=\"small muted\">{}</div></td>\
             <td>{}</td><td class=\"small\">{}</td><td class=\"small\">{}</td></tr>",
            esc(&a.input),
            esc(std::path::Path::new(&*a.input).file_name().map_or(&*a.input, |n| n.to_str().unwrap_or(&a.input))),
            a.record,
            esc(&id),
            current,
            esc(&side_summary(&a.old)),
            reasons(&a.old),
            esc(&side_summary(&a.new)) + limit_delta(a).as_str(),
            reasons(&a.new),
            differs.join(" "),
            fired_list(a, true),
            fired_list(a, false),
        );
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
}

fn footer(h: &mut String, r: &DiffReport) {
    let bands = if r.exposure.as_ref().is_some_and(|e| e.granted) {
        "An application has no current limit: the exposure is the credit the approvals grant."
    } else {
        "Limit bands compare the limit after a decision with the current limit; a cut or raise of exactly 20% or \
         50% falls in the 20–50% band."
    };
    let _ = writeln!(
        h,
        "<footer>Made by <code>verdict diff</code>. Both versions decided the same {} snapshots in one pass{}. A \
         decision differs when its outcome, until date, limit, reasons or actions differ (the rule names attached \
         to them are not compared). {bands}</footer>",
        r.records,
        if r.same_schema { "" } else { ", each read with each version's schema" }
    );
}

/// The run's time for a reader (`2026-11-01 08:00 UTC`), in a `<time>`
/// element holding the report's RFC 3339 value; any other text as it is.
fn generated(rfc3339: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(rfc3339) {
        Ok(t) => format!("<time datetime=\"{}\">{}</time>", esc(rfc3339), t.format("%Y-%m-%d %H:%M UTC")),
        Err(_) => esc(rfc3339),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_exactly() {
        assert_eq!(percent(9, 43), "20.9%");
        assert_eq!(percent(0, 0), "0%");
        assert_eq!(percent(1, 3), "33.3%");
    }
}
