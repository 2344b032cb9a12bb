//! Memory stays bounded when one snapshot is enormous: a 100 MB JSON line is
//! streamed from a generator (it never exists whole in this test) and the
//! allocator is counted. Everything runs in one test, so nothing else in this
//! binary allocates while a peak is measured.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{BufReader, Read};
use std::sync::atomic::{AtomicUsize, Ordering};
use verdict::snapshot::{Format, ReadLimits};
use verdict::stream::{evaluate_stream, Source, StreamOptions};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = CURRENT.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is passed straight to the system allocator; the counters
// are only bookkeeping.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            grew(new_size - layout.size());
        } else {
            CURRENT.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Bytes allocated at the peak of `f`, above what was live before it.
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let out = f();
    (out, PEAK.load(Ordering::Relaxed).saturating_sub(base))
}

const HUNDRED_MB: u64 = 100_000_000;

/// JSON Lines: a good account, one whose line is `fill` bytes longer than
/// usual (a `note` field the schema ignores), and another good account.
struct Portfolio {
    parts: Vec<Vec<u8>>,
    part: usize,
    offset: usize,
    fill: u64,
}

fn account(id: &str) -> String {
    format!(
        r#"{{"id":"{id}","as_of":"2026-11-01","status":"active","credit_limit":"1000","balance":"10","score":700,"opened_on":"2020-01-01","identity":{{"verified":true,"mismatch_fields":[]}},"tags":[],"score_history":[],"overdues":[],"applications":[]}}"#
    )
}

impl Portfolio {
    fn new(fill: u64) -> Portfolio {
        let huge = account("HUGE");
        let head = huge.strip_suffix('}').unwrap();
        let parts = vec![
            format!("{}\n{head},\"note\":\"", account("A1")).into_bytes(),
            format!("\"}}\n{}\n", account("A2")).into_bytes(),
        ];
        Portfolio { parts, part: 0, offset: 0, fill }
    }
}

impl Read for Portfolio {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.part == 1 && self.fill > 0 {
            let n = buf.len().min(usize::try_from(self.fill).unwrap_or(usize::MAX));
            buf[..n].fill(b'x');
            self.fill -= n as u64;
            return Ok(n);
        }
        let Some(part) = self.parts.get(self.part) else { return Ok(0) };
        let n = buf.len().min(part.len() - self.offset);
        buf[..n].copy_from_slice(&part[self.offset..self.offset + n]);
        self.offset += n;
        if self.offset == part.len() {
            self.part += 1;
            self.offset = 0;
        }
        Ok(n)
    }
}

fn run(program: &verdict::compile::Program, limits: ReadLimits, jobs: usize) -> Vec<serde_json::Value> {
    let source = Source {
        name: "generated".into(),
        input: Box::new(BufReader::new(Portfolio::new(HUNDRED_MB))),
        format: Format::Jsonl,
        file: None,
    };
    let options = StreamOptions { jobs, limits, ..StreamOptions::default() };
    let (report, out) = evaluate_stream(program, vec![source], Vec::new(), &options, |_| {}).unwrap();
    assert!(report.input_errors.is_empty());
    let records: Vec<serde_json::Value> =
        String::from_utf8(out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    records
}

fn ids_and_errors(records: &[serde_json::Value]) -> Vec<(String, String)> {
    records
        .iter()
        .map(|r| {
            let id = r["id"].as_str().unwrap_or("-").to_string();
            let error = r["error"]["message"].as_str().unwrap_or("").to_string();
            (id, error)
        })
        .collect()
}

#[test]
fn a_hundred_megabyte_json_line_is_skipped_or_decided_within_bounded_memory() {
    let loaded = verdict::load_policy("policies/lifecycle.policy".as_ref()).unwrap();
    let program = &loaded.program;
    let mib = 1usize << 20;

    // Default maximum (64 MiB): the huge line is an error record in its
    // place; it is never held whole.
    for jobs in [1, 2] {
        let (records, peak) = peak_of(|| run(program, ReadLimits::default(), jobs));
        let got = ids_and_errors(&records);
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!((got[0].0.as_str(), got[0].1.as_str()), ("A1", ""));
        // Its id is read from the line's start, which names it.
        assert_eq!(got[1].0, "HUGE");
        // The huge line: the account, `,"note":"`, the fill and `"}` (its `\n` not counted).
        let length = account("HUGE").len() as u64 - 1 + 9 + HUNDRED_MB + 2;
        let message = format!("line 2: the snapshot is {length} bytes, over the maximum of 67108864 bytes");
        assert!(got[1].1.starts_with(&message), "{}", got[1].1);
        assert_eq!((got[2].0.as_str(), got[2].1.as_str()), ("A2", ""));
        eprintln!("64 MiB maximum, --jobs {jobs}: peak {:.1} MiB", peak as f64 / mib as f64);
        assert!(peak < 80 * mib, "jobs {jobs}: peak {} MiB for a 64 MiB maximum", peak / mib);
    }

    // A small maximum keeps memory small.
    let small = ReadLimits { max_snapshot_bytes: 1 << 20, ..ReadLimits::default() };
    let (records, peak) = peak_of(|| run(program, small, 2));
    assert_eq!(records.len(), 3);
    assert!(records[1]["error"]["message"].as_str().unwrap().contains("over the maximum of 1048576 bytes"));
    eprintln!("1 MiB maximum: peak {:.1} MiB", peak as f64 / mib as f64);
    assert!(peak < 16 * mib, "peak {} MiB for a 1 MiB maximum", peak / mib);

    // Raised past the line's size, the account is decided like any other.
    let raised = ReadLimits { max_snapshot_bytes: 200_000_000, ..ReadLimits::default() };
    let (records, peak) = peak_of(|| run(program, raised, 2));
    let got = ids_and_errors(&records);
    assert_eq!(got, [("A1".into(), String::new()), ("HUGE".into(), String::new()), ("A2".into(), String::new())]);
    eprintln!("200 MB maximum, decided: peak {:.1} MiB", peak as f64 / mib as f64);
    assert!(peak < 300 * mib, "peak {} MiB to decide a 100 MB line", peak / mib);
}
