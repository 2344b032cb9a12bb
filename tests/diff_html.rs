//! The HTML report of `verdict diff`: well formed, self-contained, holding the
//! figures of the JSON report, escaping what it shows; and rendered for real by
//! headless Chromium.
//!
//! The page is written as polyglot XHTML, so `roxmltree` (a strict XML parser
//! with no dependencies) checks that every tag is closed and nested right and
//! every `&` and `<` escaped; an HTML5 parser would silently repair such faults.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const OLD: &str = "policies/lifecycle.policy";
const NEW: &str = "policies/lifecycle-v2.policy";
const PORTFOLIO: &str = "policies/portfolio.jsonl";

fn workdir() -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "verdict-diff-html-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `verdict diff OLD NEW INPUT --format json --html FILE`: the JSON report and the page.
fn report(old: &str, new: &str, input: &str) -> (serde_json::Value, String, PathBuf) {
    report_with(old, new, input, &[])
}

/// [`report`] with more arguments.
fn report_with(old: &str, new: &str, input: &str, extra: &[&str]) -> (serde_json::Value, String, PathBuf) {
    let html = workdir().join("report.html");
    let out = Command::new(env!("CARGO_BIN_EXE_verdict"))
        .args(["diff", old, new, input, "--format", "json", "--html", html.to_str().unwrap()])
        .args(extra)
        .env("SOURCE_DATE_EPOCH", "1793520000")
        .output()
        .expect("run verdict");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // The run's time, RFC 3339 in UTC, from SOURCE_DATE_EPOCH.
    assert_eq!(json["generated"], "2026-11-01T08:00:00Z");
    // A snapshot that failed under either version makes the run exit 1.
    let failed = json["summary"]["errors_old"].as_u64().unwrap() + json["summary"]["errors_new"].as_u64().unwrap();
    let expected = if failed > 0 { 1 } else { 0 };
    assert_eq!(out.status.code(), Some(expected), "{}", String::from_utf8_lossy(&out.stderr));
    (json, std::fs::read_to_string(&html).unwrap(), html)
}

fn text_of(node: roxmltree::Node) -> String {
    node.descendants().filter(|n| n.is_text()).map(|n| n.text().unwrap_or("")).collect()
}

fn by_id<'a, 'i>(doc: &'a roxmltree::Document<'i>, id: &str) -> roxmltree::Node<'a, 'i> {
    doc.descendants().find(|n| n.attribute("id") == Some(id)).unwrap_or_else(|| panic!("no element #{id}"))
}

/// HTML elements that have no end tag; any other element written `<x/>` would be broken HTML.
const VOID: [&str; 6] = ["meta", "br", "hr", "img", "input", "link"];

#[test]
fn the_page_is_well_formed_and_self_contained() {
    let (_, html, _) = report(OLD, NEW, PORTFOLIO);
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    let options = roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() };
    let doc = roxmltree::Document::parse_with_options(&html, options).expect("the page is well-formed XHTML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "html");
    let names: Vec<&str> = root.children().filter(|n| n.is_element()).map(|n| n.tag_name().name()).collect();
    assert_eq!(names, ["head", "body"]);
    for node in doc.descendants().filter(|n| n.is_element()) {
        let name = node.tag_name().name();
        assert!(!["script", "link", "img", "iframe", "object", "embed"].contains(&name), "<{name}> fetches or runs");
        for attr in node.attributes() {
            let fetches = attr.value().contains("http") && attr.name() != "xmlns";
            assert!(!fetches && !attr.name().starts_with("on"), "<{name} {}=…> reaches out", attr.name());
        }
        let in_html = node.tag_name().namespace().is_none();
        if in_html && !VOID.contains(&name) && node.children().next().is_none() {
            // `<td></td>` is fine, `<td/>` is not: find how the element was written.
            let written = &html[node.range()];
            assert!(!written.ends_with("/>"), "non-void element self-closed: {written}");
        }
    }
    assert!(!html.contains("url("), "no CSS resource to fetch");
    assert!(!html.contains("@import"));
}

#[test]
fn the_page_holds_the_figures_of_the_json_report() {
    let (json, html, _) = report(OLD, NEW, PORTFOLIO);
    let options = roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() };
    let doc = roxmltree::Document::parse_with_options(&html, options).unwrap();

    let title = text_of(doc.descendants().find(|n| n.has_tag_name("title")).unwrap());
    assert_eq!(title, "Policy impact: jiebei-lifecycle 2026.11.1 → 2027.01.1");
    let header = text_of(doc.descendants().find(|n| n.has_tag_name("header")).unwrap());
    for side in ["old", "new"] {
        for field in ["name", "version", "fingerprint", "path"] {
            let value = json[side][field].as_str().unwrap();
            assert!(header.contains(value), "the header shows the {side} policy's {field} {value}");
        }
    }
    assert!(header.contains("Generated 2026-11-01 08:00 UTC · 43 snapshots"), "{header}");

    // Every cell of the matrix, and its totals.
    let matrix = by_id(&doc, "swap-matrix");
    let mut cells = 0;
    for row in json["matrix"].as_array().unwrap() {
        let old = row["old"].as_str().unwrap();
        for (new, count) in row["new"].as_object().unwrap() {
            let cell = matrix
                .descendants()
                .find(|n| n.attribute("data-old") == Some(old) && n.attribute("data-new") == Some(new.as_str()))
                .unwrap_or_else(|| panic!("no cell {old}→{new}"));
            let shown = cell.first_child().and_then(|t| t.text()).unwrap();
            let expected = if count == 0 { "·".to_string() } else { count.to_string() };
            assert_eq!(shown, expected, "cell {old}→{new}");
            cells += 1;
        }
        let total = matrix.descendants().find(|n| n.attribute("data-total-old") == Some(old)).unwrap();
        assert_eq!(text_of(total), row["total"].to_string());
    }
    assert_eq!(cells, 49, "7 × 7: the policy reinstates, so the matrix has a reinstate row and column");
    for (outcome, counts) in json["outcomes"].as_object().unwrap() {
        let total = matrix.descendants().find(|n| n.attribute("data-total-new") == Some(outcome.as_str())).unwrap();
        assert_eq!(text_of(total), counts["new"].to_string());
    }
    let all = matrix.descendants().find(|n| n.attribute("data-total") == Some("all")).unwrap();
    assert_eq!(text_of(all), json["records"].to_string());

    // Limit exposure, exactly as the JSON writes it.
    for (id, key) in [("exposure-current", "current"), ("exposure-old", "old"), ("exposure-new", "new")] {
        assert_eq!(text_of(by_id(&doc, id)), json["exposure"][key].as_str().unwrap());
    }
    assert_eq!(text_of(by_id(&doc, "exposure-delta")), json["exposure"]["new_vs_old"].as_str().unwrap());

    // Rule fires per version.
    let rules = by_id(&doc, "rule-table");
    for rule in json["rules"].as_array().unwrap() {
        let name = rule["rule"].as_str().unwrap();
        let row = rules.descendants().find(|n| n.attribute("data-rule") == Some(name)).unwrap();
        let cells: Vec<String> = row.children().filter(|n| n.is_element()).map(text_of).collect();
        let fires = |v: &serde_json::Value| v.as_u64().map_or("—".to_string(), |n| n.to_string());
        assert_eq!(cells[0], name);
        assert!(cells[1].starts_with(rule["status"].as_str().unwrap()));
        assert_eq!(
            cells[2..],
            [fires(&rule["old_fires"]), fires(&rule["new_fires"]), fires(&rule["gained"]), fires(&rule["lost"])]
        );
    }

    // The changed accounts, in order.
    let table = by_id(&doc, "changed-table");
    let ids: Vec<String> = table
        .descendants()
        .filter(|n| n.has_tag_name("tr") && n.parent().is_some_and(|p| p.has_tag_name("tbody")))
        .map(|tr| text_of(tr.children().filter(|n| n.is_element()).nth(1).unwrap()))
        .collect();
    let expected: Vec<&str> =
        json["changed"]["accounts"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap()).collect();
    assert_eq!(ids, expected);

    // The guards, and the charts.
    let guards = text_of(by_id(&doc, "guard-table"));
    for g in json["guards"].as_array().unwrap() {
        assert!(guards.contains(&format!("guard {}", g["guard"].as_str().unwrap())));
    }
    // Each changed let's rows, as the text report shows them.
    let page = text_of(doc.root_element());
    for l in json["lets"].as_array().unwrap() {
        for row in l["rows"].as_array().into_iter().flatten() {
            assert!(page.contains(row.as_str().unwrap()), "{row} of {} on the page", l["let"]);
        }
    }
    for chart in ["outcome-bars", "limit-bars", "rule-bars"] {
        assert!(by_id(&doc, chart).has_tag_name(("http://www.w3.org/2000/svg", "svg")), "{chart} is inline SVG");
    }
}

#[test]
fn text_from_the_policies_is_escaped() {
    let dir = workdir();
    std::fs::write(dir.join("s.yaml"), "entity: account\nkey: id\nfields:\n  id: string\n  credit_limit: money\n")
        .unwrap();
    let evil = r#"<script>alert("x")</script> & 'co'"#;
    let policy =
        |version: &str, body: &str| format!("policy \"p<&>\" version \"{version}\"\nschema \"s.yaml\"\n{body}\n");
    let rule = format!(
        "rule \"{}\" {{ when credit_limit > 0 then close reason \"R<1>\" \"a & b \u{202e}desrever\u{202c}\" }}",
        evil.replace('"', "\\\"")
    );
    std::fs::write(dir.join("old.policy"), policy("1", "")).unwrap();
    std::fs::write(dir.join("new.policy"), policy("2\\\"/><b>", &rule)).unwrap();
    std::fs::write(
        dir.join("s.jsonl"),
        "{\"id\":\"<A&1>\",\"as_of\":\"2026-11-01\",\"credit_limit\":\"10\"}\n\
         {\"id\":\"B  2\\tx\",\"as_of\":\"2026-10-01\",\"credit_limit\":\"10\"}\n\
         {\"id\":\"C\\nD\",\"as_of\":\"2026-10-01\",\"credit_limit\":\"10\"}\n",
    )
    .unwrap();
    let path = |f: &str| dir.join(f).display().to_string();
    let (_, html, _) = report(&path("old.policy"), &path("new.policy"), &path("s.jsonl"));
    assert!(!html.contains("<script"), "{html}");
    let options = roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() };
    let doc = roxmltree::Document::parse_with_options(&html, options).expect("still well formed");
    let text = text_of(doc.root_element());
    assert!(text.contains(evil), "the rule name reads as written");
    assert!(text.contains("<A&1>") && text.contains("p<&> 1 → 2\"/><b>"), "{text}");
    assert!(text.contains("R<1>"));
    // What would not read as itself is written as the text report writes it:
    // a bidirectional override (which reorders what follows on screen) and a
    // tab (which HTML shows as a space) are escaped, so the id reads as it is.
    assert!(text.contains("a & b \\u{202e}desrever\\u{202c}") && !text.contains('\u{202e}'), "{text}");
    assert!(text.contains("B  2\\tx") && text.contains("C\\nD"), "{text}");
    // The dates the book was decided as of, which effective dates are judged against.
    assert_eq!(text_of(by_id(&doc, "as-of")), "as of 2026-10-01 to 2026-11-01");
}

// ---- headless Chromium ----------------------------------------------------------

const CHROMIUM: &str = "/usr/bin/chromium";

/// Runs Chromium headless with a fresh profile, killing it after a minute.
fn chromium(profile: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start chromium");
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("chromium did not finish within a minute");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn chromium_renders_the_page() {
    if !Path::new(CHROMIUM).exists() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{CHROMIUM} is missing: .ci/run installs Debian's chromium package before the tests");
        }
        eprintln!(
            "\n!!! SKIPPED chromium_renders_the_page: {CHROMIUM} is not installed (apt-get install chromium) !!!\n"
        );
        return;
    }
    // With realised performance, so the swap-set tables are rendered too.
    let performance = workdir().join("performance.csv");
    std::fs::write(&performance, "id,bad,loss\nA-1011,1,5600\nA-1026,0,0\nA-1001,0,0\n").unwrap();
    let (json, _, html) = report_with(OLD, NEW, PORTFOLIO, &["--performance", performance.to_str().unwrap()]);
    let dir = html.parent().unwrap();
    let url = format!("file://{}", html.display());

    let shot = dir.join("shot.png");
    let out = chromium(
        &dir.join("profile-shot"),
        &[&format!("--screenshot={}", shot.display()), "--window-size=1280,2000", &url],
    );
    assert!(shot.exists(), "no screenshot: {}", String::from_utf8_lossy(&out.stderr));
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    assert_eq!((info.width, info.height), (1280, 2000));
    let channels = info.color_type.samples();
    let pixels = &pixels[..info.buffer_size()];
    let mut colours = std::collections::HashSet::new();
    let mut dark = 0usize;
    for px in pixels.chunks(channels) {
        colours.insert(px[..3].to_vec());
        if px[..3].iter().all(|&c| c < 80) {
            dark += 1;
        }
    }
    let total = pixels.len() / channels;
    // A blank or unstyled page has a handful of colours; this one has text, a dark
    // header, a heat map and charts.
    assert!(colours.len() > 200, "only {} colours: the page did not render", colours.len());
    assert!(dark * 100 > total * 5, "the dark header and text cover {dark} of {total} pixels");
    // The heat map's red cell (limit → freeze) is on screen.
    assert!(
        pixels.chunks(channels).any(|p| p[0] > 190 && p[1] < 90 && p[2] < 90),
        "no red matrix cell in the screenshot"
    );

    let out = chromium(&dir.join("profile-dom"), &["--dump-dom", &url]);
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(dom.contains("<title>Policy impact: jiebei-lifecycle 2026.11.1 → 2027.01.1</title>"), "{dom}");
    assert!(dom.contains("id=\"swap-matrix\""));
    // The rendered matrix cell limit → freeze holds the JSON report's count.
    let cell = dom.split("data-old=\"limit\" data-new=\"freeze\"").nth(1).expect("the cell is in the DOM");
    let shown = cell.split_once('>').and_then(|(_, rest)| rest.split('<').next()).unwrap();
    // Rows: close, freeze, restrict, reinstate (the policy reinstates), limit, none, error.
    assert_eq!(json["matrix"][4]["old"], "limit");
    assert_eq!(shown, json["matrix"][4]["new"]["freeze"].to_string());
    assert!(dom.contains("A-1011"));
    // The swap sets' table holds the JSON report's figures.
    assert!(dom.contains("id=\"swap-sets\""), "{dom}");
    let swapped_in = &json["performance"]["swap_sets"]["swapped_in"];
    let row = format!(
        "<tr><td>swapped in</td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
        swapped_in["accounts"], swapped_in["with_performance"]
    );
    assert!(dom.contains(&row), "{row} is not in {dom}");
    // Chromium profiles are large; keep /tmp tidy when the test passes.
    let _ = std::fs::remove_dir_all(dir);
}

/// The page laid out by Chromium at 1280 pixels: the rules table and its
/// chart side by side without overlapping (the chart once covered the
/// table's counts), and a long account id wrapped inside its table rather
/// than widening the page. Measured by a page of the test's own that loads
/// the report in a frame and writes the boxes into its DOM.
#[test]
fn chromium_lays_out_the_page_without_overlap() {
    if !Path::new(CHROMIUM).exists() {
        eprintln!("\n!!! SKIPPED chromium_lays_out_the_page_without_overlap: {CHROMIUM} is not installed !!!\n");
        assert!(std::env::var("CI").map_or(true, |v| v != "true"), "{CHROMIUM} is missing under CI");
        return;
    }
    let dir = workdir();
    let long_id = format!("A-1011-{}", "X".repeat(150));
    let book = std::fs::read_to_string(PORTFOLIO).unwrap().replace("\"A-1011\"", &format!("\"{long_id}\""));
    let book_path = dir.join("book.jsonl");
    std::fs::write(&book_path, book).unwrap();
    // A rule named in Chinese, whose characters take two columns each: its
    // label must start inside the chart (it was measured as if one column).
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let mut new_policy = std::fs::read_to_string(NEW).unwrap();
    for file in ["account.schema.yaml", "batches/reg-2023-q3.txt", "hooks/fraud_risk.rhai"] {
        new_policy =
            new_policy.replace(&format!("\"{file}\""), &format!("{:?}", root.join(file).display().to_string()));
    }
    let new_policy =
        new_policy.replace("rule \"repeated-overdue-closure\"", "rule \"连续逾期销户规则（监管要求第三条第二款）\"");
    let new_path = dir.join("new.policy");
    std::fs::write(&new_path, new_policy).unwrap();
    let (_, _, html) = report(OLD, new_path.to_str().unwrap(), book_path.to_str().unwrap());
    let probe = html.with_file_name("probe.html");
    std::fs::write(
        &probe,
        format!(
            "<html><body><iframe id=\"f\" src=\"{}\" style=\"width:1280px;height:4000px;border:0\"></iframe>\
             <pre id=\"out\">not measured</pre><script>\
             document.getElementById('f').onload = function () {{\
               var d = this.contentDocument;\
               var box = function (id) {{ return d.getElementById(id).getBoundingClientRect(); }};\
               var t = box('rule-table'), c = box('rule-bars'), a = box('changed-table'), s = box('changed');\
               var overlap = t.right > c.left && c.right > t.left && t.bottom > c.top && c.bottom > t.top;\
               var labels = d.querySelectorAll('#rule-bars text[text-anchor=end]'), leftmost = c.right;\
               labels.forEach(function (l) {{ leftmost = Math.min(leftmost, l.getBoundingClientRect().left); }});\
               document.getElementById('out').textContent = JSON.stringify({{\
                 overlap: overlap, page: d.documentElement.scrollWidth, frame: d.documentElement.clientWidth,\
                 table_right: Math.round(a.right), section_right: Math.round(s.right),\
                 labels: labels.length, label_overhang: Math.round(c.left - leftmost) }});\
             }};</script></body></html>",
            html.file_name().unwrap().to_str().unwrap()
        ),
    )
    .unwrap();
    let url = format!("file://{}", probe.display());
    let out = chromium(
        &dir.join("profile-layout"),
        &[
            "--allow-file-access-from-files",
            "--virtual-time-budget=10000",
            "--window-size=1400,2000",
            "--dump-dom",
            &url,
        ],
    );
    let dom = String::from_utf8_lossy(&out.stdout);
    let measured = dom.split("<pre id=\"out\">").nth(1).and_then(|r| r.split("</pre>").next()).unwrap_or("");
    let boxes: serde_json::Value = serde_json::from_str(measured).unwrap_or_else(|_| panic!("no measures: {dom}"));
    assert_eq!(boxes["overlap"], false, "the rules table and its chart overlap: {boxes}");
    assert!(boxes["labels"].as_u64() > Some(10), "{boxes}");
    assert!(boxes["label_overhang"].as_i64() <= Some(0), "a rule's name starts left of its chart: {boxes}");
    assert!(boxes["page"].as_u64() <= boxes["frame"].as_u64(), "the page is wider than its window: {boxes}");
    assert!(
        boxes["table_right"].as_i64() <= boxes["section_right"].as_i64(),
        "the changed accounts spill out of their section: {boxes}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
