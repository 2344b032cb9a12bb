//! Deciding a request's body: one JSON snapshot, or JSON Lines. Plain
//! synchronous code over the library, so that the bytes of every decision
//! are those `verdict eval` writes for the same snapshot.

use std::ops::Range;
use verdict::compile::Program;
use verdict::eval::{evaluate, ErrorKind, EvalOptions, Outputs};
use verdict::output::{OutputFormat, RecordWriter};
use verdict::snapshot::{json_line_content, parse_json_line, parse_json_snapshot};

/// What a body held and what became of it.
pub struct Decided {
    /// The response body: one record per snapshot, each a JSON line.
    pub body: Vec<u8>,
    /// One entry per record, in order.
    pub records: Vec<RecordSpan>,
    /// Decisions per outcome and error records per kind.
    pub tally: Tally,
    /// The HTTP status the request gets.
    pub status: u16,
}

/// Where one record's snapshot and decision lie in the request and response bodies.
pub struct RecordSpan {
    /// Its line in the request (1 for a single snapshot).
    pub line: usize,
    /// The snapshot as received (a JSON Lines line without its line ending).
    pub input: Range<usize>,
    /// The record in the response body, without its line ending.
    pub output: Range<usize>,
}

/// Counts of one request, added to the metrics at once.
#[derive(Default)]
pub struct Tally {
    /// Decisions per outcome name.
    pub outcomes: Vec<(&'static str, u64)>,
    /// Error records per kind name.
    pub errors: Vec<(&'static str, u64)>,
}

impl Decided {
    /// Whether a hook call ran past its backstop in it.
    pub fn timed_out(&self) -> bool {
        self.tally.errors.iter().any(|(kind, _)| *kind == ErrorKind::Timeout.name())
    }
}

impl Tally {
    fn count(&mut self, record: &Outputs) {
        let (list, name) = match record {
            Ok(d) => (&mut self.outcomes, d.outcome.name()),
            Err(e) => (&mut self.errors, e.kind.name()),
        };
        match list.iter_mut().find(|(n, _)| *n == name) {
            Some((_, count)) => *count += 1,
            None => list.push((name, 1)),
        }
    }
}

/// Appends `record` to `out` as `verdict eval` writes it (a JSON line), and where it lies.
fn encode(out: &mut Vec<u8>, record: &Outputs, program: &Program) -> Range<usize> {
    let start = out.len();
    let mut writer = RecordWriter::new(&mut *out, OutputFormat::Jsonl);
    // Writing to a Vec cannot fail; should the encoder ever fail, the
    // record is left out rather than half-written.
    if writer.write(record, program).is_err() {
        out.truncate(start);
        return start..start;
    }
    start..out.len().saturating_sub(1)
}

/// Decides a body holding one JSON snapshot. A body that is not JSON gets
/// 400, a snapshot that does not fit the schema 422 (each with the error
/// record `verdict eval` would write), anything decided 200 (an `eval`,
/// `hook` or `timeout` error record included).
pub fn decide_single(program: &Program, body: &[u8], options: EvalOptions) -> Decided {
    // Read as `eval` reads a `.json` file holding one object: the body is no
    // line of a book, so a record without id names no line. Bytes that are
    // not UTF-8 get the reader's message, which says where.
    let text = json_line_content(body, 1).map(std::str::from_utf8);
    let read = match text {
        Some(Ok(text)) => Some(parse_json_snapshot(text, &program.schema)),
        _ => parse_json_line(body, 1, &program.schema),
    };
    let read = read.unwrap_or_else(|| {
        Err(verdict::snapshot::SnapshotError {
            id: None,
            message: "the body is empty: expected a JSON snapshot".into(),
        })
    });
    let (record, status) = match read {
        Ok(snapshot) => {
            let record = evaluate(program, &snapshot, options);
            // A snapshot the reader took can still lack what every snapshot
            // has (its `as_of`): it does not fit either, so it is no decided request.
            let status = match &record {
                Err(e) if e.kind == ErrorKind::Snapshot => 422,
                _ => 200,
            };
            (record, status)
        }
        Err(e) => {
            let status = if is_json(body) && !e.is_invalid_json() { 422 } else { 400 };
            (Err(e.into()), status)
        }
    };
    let mut tally = Tally::default();
    tally.count(&record);
    let mut out = Vec::with_capacity(512);
    let output = encode(&mut out, &record, program);
    Decided { body: out, records: vec![RecordSpan { line: 1, input: 0..body.len(), output }], tally, status }
}

/// True when `body` is one JSON value (whatever its shape), in UTF-8, after
/// a byte-order mark, as the reader sees it.
fn is_json(body: &[u8]) -> bool {
    let content = json_line_content(body, 1).unwrap_or_default();
    // From text: from bytes, serde_json does not check strings it skips are UTF-8.
    std::str::from_utf8(content).is_ok_and(|text| serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok())
}

/// Decides a JSON Lines body: one record per non-blank line, in order, read
/// exactly as `verdict eval` reads a JSON Lines file. Always 200: a line
/// that fails has its error record.
pub fn decide_lines(program: &Program, body: &[u8], options: EvalOptions) -> Decided {
    let mut out = Vec::with_capacity(body.len() / 2 + 64);
    let mut records = Vec::new();
    let mut tally = Tally::default();
    let mut start = 0;
    let mut line = 0;
    while start < body.len() {
        let end = memchr::memchr(b'\n', body.get(start..).unwrap_or_default()).map_or(body.len(), |i| start + i + 1);
        line += 1;
        let raw = body.get(start..end).unwrap_or_default();
        if let Some(read) = parse_json_line(raw, line, &program.schema) {
            let record = read.map_err(Into::into).and_then(|s| evaluate(program, &s, options));
            tally.count(&record);
            let output = encode(&mut out, &record, program);
            records.push(RecordSpan { line, input: content_range(raw, start, line), output });
        }
        start = end;
    }
    Decided { body: out, records, tally, status: 200 }
}

/// The range of a line's content (without its line ending) within the body.
fn content_range(raw: &[u8], start: usize, line: usize) -> Range<usize> {
    match json_line_content(raw, line) {
        Some(content) => {
            let skipped = content.as_ptr() as usize - raw.as_ptr() as usize;
            start + skipped..start + skipped + content.len()
        }
        None => start..start,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_knows_its_line_and_the_snapshot_without_line_ending_or_bom() {
        let policy = verdict::load_policy("policies/lifecycle.policy".as_ref()).unwrap();
        let text = std::fs::read_to_string("policies/portfolio.jsonl").unwrap();
        let first = text.lines().next().unwrap();
        let body = format!("\u{feff}{first}\r\n\n  \n{first}");
        let decided = decide_lines(&policy.program, body.as_bytes(), EvalOptions::default());
        let lines: Vec<usize> = decided.records.iter().map(|r| r.line).collect();
        assert_eq!(lines, [1, 4]);
        for record in &decided.records {
            assert_eq!(&body.as_bytes()[record.input.clone()], first.as_bytes());
        }
        let out = String::from_utf8(decided.body.clone()).unwrap();
        let (a, b) = (&decided.records[0].output, &decided.records[1].output);
        assert_eq!(out[a.clone()], out[b.clone()]);
        assert_eq!(out, format!("{}\n{}\n", &out[a.clone()], &out[b.clone()]));
    }
}
