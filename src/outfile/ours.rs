//! Whether an existing file is one verdict may write over: empty, or an
//! output of verdict's own (decisions in any `--format`, a run's summary, a
//! diff's changed accounts or its HTML page). Anything else (notes, a book
//! of snapshots, a policy) is someone's data, and a mistyped `--output` must
//! not destroy it.
//!
//! Told by the file's first bytes (and a Parquet file's footer), not by its
//! name: `decisions.jsonl` may hold a portfolio, `out.txt` decisions. An
//! output replaces only a file of its own kind: a diff's `--changed` never
//! replaces a test's golden decisions, which it would make unrunnable.

use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

/// How much of the file's start is read to tell what it holds: its first
/// record whole, however long (a trace of a large policy, a long id).
const HEAD: u64 = 8 << 20;

/// The longest id of a first record that [`cut_record_is_ours`] reads past.
const MAX_ID: u64 = 1 << 30;

/// How many lines of a YAML list may pass before its first record shows
/// its `outcome` and `fired` (its reasons and actions come between).
const YAML_LINES: usize = 2000;

/// What one of verdict's outputs holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputKind {
    /// Decision and error records, in any `--format` (`eval --output`, a golden file).
    Decisions,
    /// A run's summary (`eval --summary`).
    Summary,
    /// A diff's changed accounts (`diff --changed`).
    Changed,
    /// A diff's impact page (`diff --html`).
    Html,
}

impl OutputKind {
    fn describe(self) -> &'static str {
        match self {
            OutputKind::Decisions => "decisions",
            OutputKind::Summary => "a run's summary",
            OutputKind::Changed => "a diff's changed accounts",
            OutputKind::Html => "a diff's impact page",
        }
    }
}

/// Why the regular file at `path` is not verdict's to write `kind` over, if
/// it exists and is not; `None` for a file that may be replaced (absent,
/// empty, or verdict's output of that kind).
#[must_use]
pub fn not_ours(path: &Path, kind: OutputKind) -> Option<String> {
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return None,
        // Renaming over a file needs no right to read it: one that cannot be
        // read cannot be told to be ours.
        Err(e) => return Some(format!("it cannot be read to tell what it holds: {e}")),
    };
    if !file.metadata().ok()?.is_file() {
        return None;
    }
    let mut head = Vec::new();
    if (&mut file).take(HEAD).read_to_end(&mut head).is_err() {
        return Some("it cannot be read to tell what it holds".into());
    }
    let other_kind =
        |found: OutputKind| (found != kind).then(|| format!("it holds {}, not {}", found.describe(), kind.describe()));
    if head.starts_with(b"PAR1") {
        return match decisions_parquet(file) {
            true => other_kind(OutputKind::Decisions),
            false => Some("it is a Parquet file of other data than decisions".into()),
        };
    }
    if head.len() as u64 == HEAD && !head.contains(&b'\n') && cut_record_is_ours(&mut file) {
        return other_kind(OutputKind::Decisions);
    }
    let text = String::from_utf8_lossy(&head);
    let text = text.trim_start_matches('\u{feff}');
    if text.trim().is_empty() {
        return None;
    }
    match kind_of(text) {
        Some(found) => other_kind(found),
        None => Some(format!("it begins `{}`, which is not verdict's output", first_line(text))),
    }
}

/// Whether a first record longer than the head (a trace of a large policy,
/// a huge id) is one of ours, by what follows its id: a decision's `as_of`
/// and `outcome`, or an error record's `error` and `kind`. A snapshot starts
/// with `{"id":` too, and often `"as_of"` after it, but never `"outcome"` or
/// `"error"` right behind. The id is read past (however long, up to
/// [`MAX_ID`]) without keeping the file's text.
fn cut_record_is_ours(file: &mut std::fs::File) -> bool {
    const START: &[u8] = b"{\"id\":";
    let mut start = [0u8; START.len()];
    if file.seek(SeekFrom::Start(0)).is_err() || file.read_exact(&mut start).is_err() || start != START {
        return false;
    }
    let id_text = io::BufReader::new((&*file).take(MAX_ID));
    let mut values = serde_json::Deserializer::from_reader(id_text).into_iter::<serde::de::IgnoredAny>();
    if !matches!(values.next(), Some(Ok(_))) {
        return false;
    }
    let mut after_id = Vec::new();
    let after = START.len() as u64 + values.byte_offset() as u64;
    if file.seek(SeekFrom::Start(after)).is_err() || (&*file).take(40).read_to_end(&mut after_id).is_err() {
        return false;
    }
    // `,"as_of":"2026-11-01","outcome":` (a decision's date is always given)
    let decision = after_id
        .strip_prefix(b",\"as_of\":\"")
        .and_then(|r| r.get(11..))
        .is_some_and(|r| r.starts_with(b",\"outcome\":"));
    decision || after_id.starts_with(b",\"error\":{\"kind\":")
}

/// Whether a Parquet file's columns are those of `eval --format parquet`.
fn decisions_parquet(file: std::fs::File) -> bool {
    use ::parquet::file::reader::{FileReader, SerializedFileReader};
    let Ok(reader) = crate::caught::catch(|| SerializedFileReader::new(file)) else { return false };
    let Ok(reader) = reader else { return false };
    let schema = reader.metadata().file_metadata().schema_descr().root_schema().get_fields().to_vec();
    let names: Vec<&str> = schema.iter().map(|f| f.name()).collect();
    ["id", "outcome", "fired", "error_kind", "error_message"].iter().all(|c| names.contains(c))
}

/// The first line, shortened for a message.
fn first_line(text: &str) -> String {
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or_default().trim();
    let short: String = line.chars().take(40).collect();
    let short = crate::terminal::escape(&short);
    if line.chars().count() > 40 {
        format!("{short}…")
    } else {
        short.into_owned()
    }
}

/// Which of verdict's outputs `text`, a file's start, is, if it is one.
fn kind_of(text: &str) -> Option<OutputKind> {
    let mut lines = text.lines().map(str::trim_end).filter(|l| !l.trim().is_empty());
    let first = lines.next()?;
    let decisions = |is: bool| is.then_some(OutputKind::Decisions);
    match first {
        // `--format json`: an array of records, one per line, or none.
        "[]" => Some(OutputKind::Decisions),
        "[" => lines.next().and_then(|l| json_record(l.trim().trim_end_matches(','))),
        // A run's summary, pretty-printed.
        "{" => summary(text).then_some(OutputKind::Summary),
        line if line.starts_with('{') => json_record(line),
        // `--format yaml`: a list of records.
        line if line.starts_with("- id:") => decisions(yaml_record(text)),
        line if line == "<!DOCTYPE html>" && text.contains("<title>Policy impact") => Some(OutputKind::Html),
        line => decisions(
            line.starts_with("id,as_of,outcome,until,limit,reasons,actions,fired")
                || (line.starts_with("ID ")
                    && ["OUTCOME", "UNTIL", "LIMIT", "REASONS", "ACTIONS"].iter().all(|c| line.contains(c))),
        ),
    }
}

/// A decision or error record (`eval`), or a changed account (`diff --changed`).
fn json_record(line: &str) -> Option<OutputKind> {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(line) else {
        return None;
    };
    let has = |k: &str| map.contains_key(k);
    let decision = has("outcome") && has("fired") && has("policy");
    let error = map.get("error").is_some_and(|e| e.get("kind").is_some() && e.get("message").is_some());
    let changed = has("differs") && has("old") && has("new");
    match (has("id"), decision || error, changed) {
        (true, true, _) => Some(OutputKind::Decisions),
        (true, false, true) => Some(OutputKind::Changed),
        _ => None,
    }
}

/// A YAML list whose first record is a decision or an error record.
fn yaml_record(text: &str) -> bool {
    let record: Vec<&str> = text.lines().skip(1).take(YAML_LINES).take_while(|l| !l.starts_with("- ")).collect();
    let has = |key: &str| record.iter().any(|l| l.starts_with(key));
    (has("  outcome:") && has("  fired:") && has("  policy:")) || (has("  error:") && has("    kind:"))
}

/// A run's summary (`eval --summary`).
fn summary(text: &str) -> bool {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(text) else {
        return false;
    };
    ["policy", "accounts", "decided", "outcomes"].iter().all(|k| map.contains_key(*k))
}

#[cfg(test)]
mod tests {
    use super::{kind_of, OutputKind};

    fn text_is_ours(text: &str) -> bool {
        kind_of(text).is_some()
    }

    #[test]
    fn verdicts_outputs_are_told_from_other_text() {
        use OutputKind::{Changed, Decisions, Html, Summary};
        let ours = [
            ("{\"id\":\"A\",\"outcome\":\"none\",\"fired\":[],\"policy\":{}}\n", Decisions),
            ("{\"id\":null,\"error\":{\"kind\":\"snapshot\",\"message\":\"x\"}}\n", Decisions),
            ("[\n  {\"id\":\"A\",\"outcome\":\"close\",\"fired\":[],\"policy\":{}},\n", Decisions),
            ("{\n  \"policy\": {},\n  \"accounts\": 3,\n  \"decided\": 2,\n  \"outcomes\": {}\n}\n", Summary),
            ("- id: A-1\n  as_of: \"2026-11-01\"\n  outcome: limit\n  fired: []\n  policy:\n    name: p\n- id: A-2\n", Decisions),
            ("- id: X\n  error:\n    kind: snapshot\n    message: bad\n", Decisions),
            ("id,as_of,outcome,until,limit,reasons,actions,fired,error_kind\n", Decisions),
            ("ID      OUTCOME           UNTIL       LIMIT  REASONS  ACTIONS\n", Decisions),
            ("{\"input\":\"b.jsonl\",\"record\":1,\"id\":\"A\",\"differs\":[],\"old\":{},\"new\":{}}\n", Changed),
            ("<!DOCTYPE html>\n<html>\n<title>Policy impact: a</title>\n", Html),
        ];
        for (text, kind) in ours {
            assert_eq!(kind_of(text), Some(kind), "{text}");
        }
        let theirs = [
            "my precious notes\n",
            "{\"id\":\"A-1\",\"as_of\":\"2026-11-01\",\"status\":\"active\"}\n",
            "id,as_of,status,credit_limit\n",
            "- id: A-1\n  status: active\n",
            "policy \"p\" version \"1\"\n",
            "[\n  {\"id\":\"A-1\",\"status\":\"active\"},\n",
            "<!DOCTYPE html>\n<title>Home</title>\n",
            "{\n  \"name\": \"package\"\n}\n",
            "{\"id\":\"A-1\",\"outcome\":\"approve\",\"score\":700}\n",
            "id,as_of,outcome,score\n",
            "- id: A-1\n  outcome: approve\n  score: 700\n",
            "{\n  \"policy\": \"p\", \"accounts\": 3, \"decided\": 2\n}\n",
        ];
        for text in theirs {
            assert!(!text_is_ours(text), "{text}");
        }
    }
}
