//! Whole-book runs: snapshots read, decided on all cores and written in input
//! order, with memory that does not grow with the portfolio.
//!
//! Three stages overlap:
//!
//! ```text
//! reader thread ──chunks──▶ worker pool (parse + evaluate + encode) ──▶ writer (caller's thread, in order)
//!        ▲                                                                    │
//!        └────────────────────── empty chunks come back ◀──────────────────────┘
//! ```
//!
//! JSON Lines is split into raw lines on the reader thread and parsed by the
//! workers, so parsing runs on every core too. A Parquet batch is decoded on
//! the reader thread and converted by a worker a block of rows at a time,
//! each block decided before the next is converted (see `BatchRows::next_block`).
//! CSV streams row by row; a JSON file and a YAML file are read whole by
//! [`crate::snapshot::read_snapshots`] (their memory grows with the file),
//! then evaluated in chunks like the rest.
//!
//! Memory is bounded by the chunks in flight: a fixed number of them (about
//! two per worker) circulate between the stages, and the reader waits for one
//! to come back before reading more. The output is byte-identical whatever
//! the number of workers.
//!
//! With one job there is one thread: the caller's reads, decides and writes
//! each chunk in turn (no pool, no reader or writer thread), so `--jobs N`
//! means N cores' worth of work.

mod columnar;
mod summary;

pub use summary::{
    ArmCounts, ErrorCounts, GuardReport, OutcomeCounts, PolicyInfo, RuleCount, SplitCounts, Summary, Tally,
};

use crate::columns::fit_decimal_limit;
use crate::compile::Program;
use crate::eval::{evaluate, EvalOptions, Outputs};
use crate::output::{OutputFormat, RecordWriter};
use crate::snapshot::{
    id_of_long_snapshot, json_line_content, open_parquet, parse_json_line, read_line_bounded, read_snapshots_with,
    reading_stopped, Format, LineRead, ParquetBatch, Piece, ReadError, ReadItem, ReadLimits, SnapshotError,
};
use std::collections::BTreeMap;
use std::io::{self, BufRead, Read, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};

/// Snapshots per chunk unless [`StreamOptions::chunk`] says otherwise.
pub const DEFAULT_CHUNK: usize = 1024;

/// The most worker threads a run may ask for ([`StreamOptions::jobs`],
/// `--jobs`). Far beyond any machine's cores, and a fixed number, so a command
/// line valid on one machine is valid on every other: `--jobs 100000` would
/// start a hundred thousand threads (and twice as many chunks) before deciding
/// anything.
pub const MAX_JOBS: usize = 1024;

/// A chunk is also closed once its raw text reaches this many bytes, so a
/// file of huge snapshots does not make huge chunks.
const CHUNK_BYTES: usize = 1 << 20;

/// What messages call the input named `-`.
pub const STANDARD_INPUT: &str = "standard input";

/// How messages name an input given as `name`: `-` is standard input.
pub fn input_name(name: &str) -> &str {
    if name == "-" {
        STANDARD_INPUT
    } else {
        name
    }
}

/// One input of a run.
pub struct Source {
    /// How to name it in messages (a path, or `-`).
    pub name: String,
    /// Its bytes.
    pub input: Box<dyn BufRead + Send>,
    /// Its format.
    pub format: Format,
    /// The file itself, when the input is one: a Parquet file is read from
    /// it a row group at a time (its index is at its end), where `input`
    /// would have to be read whole.
    pub file: Option<std::fs::File>,
}

/// How to run.
#[derive(Clone, Copy, Debug)]
pub struct StreamOptions {
    /// Evaluation options for every snapshot.
    pub eval: EvalOptions,
    /// The output format.
    pub output: OutputFormat,
    /// Worker threads; 0 for one per core; at most [`MAX_JOBS`].
    pub jobs: usize,
    /// Snapshots per chunk (at least 1).
    pub chunk: usize,
    /// How large a snapshot (and a JSON or YAML file) may be.
    pub limits: ReadLimits,
}

impl Default for StreamOptions {
    fn default() -> Self {
        StreamOptions {
            eval: EvalOptions::default(),
            output: OutputFormat::Jsonl,
            jobs: 0,
            chunk: DEFAULT_CHUNK,
            limits: ReadLimits::default(),
        }
    }
}

/// How far a run has come, reported after each chunk is written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Records written.
    pub records: u64,
    /// Input bytes read (over all sources).
    pub bytes: u64,
}

/// An input that could not be read: at all (it yields no records), or
/// part-way (its last record is an error record saying where reading stopped).
#[derive(Debug)]
pub struct InputError {
    /// The source's name.
    pub name: String,
    /// Why.
    pub error: ReadError,
}

/// What the reading of a run's inputs met besides snapshots.
#[derive(Debug, Default)]
struct ReadNotes {
    /// Inputs that could not be read, at all or part-way.
    errors: Vec<InputError>,
    /// Inputs read to their end without a single snapshot.
    empty: Vec<String>,
    /// CSV headers that do not fit the schema (their rows are error records).
    header_faults: Vec<InputError>,
    /// CSV and YAML inputs whose last line has no line end.
    unterminated: Vec<String>,
    /// Columns that look like an optional field no column gives, by input.
    near_misses: Vec<(String, crate::snapshot::NearMiss)>,
}

impl ReadNotes {
    fn report(self, tally: Tally) -> RunReport {
        RunReport {
            tally,
            input_errors: self.errors,
            empty_inputs: self.empty,
            header_faults: self.header_faults,
            unterminated_inputs: self.unterminated,
            near_misses: self.near_misses,
        }
    }
}

/// What a run produced besides its output.
#[derive(Debug)]
pub struct RunReport {
    /// Counts for guards and the summary.
    pub tally: Tally,
    /// Inputs that could not be read, at all or part-way.
    pub input_errors: Vec<InputError>,
    /// Inputs read whole that held no snapshot (an empty JSON Lines stream,
    /// `[]`, a CSV header alone): nothing was decided from them.
    pub empty_inputs: Vec<String>,
    /// CSV inputs whose header does not fit the schema: each of their rows
    /// is an error record naming the fault (the run is complete, its
    /// output whole), and the fault itself is reported once.
    pub header_faults: Vec<InputError>,
    /// CSV and YAML inputs whose last line has no line end: a file cut off
    /// inside its last value (`12000.50` cut to `120`) reads as a whole row
    /// or item, unlike a JSON one, so this is the one sign of it.
    pub unterminated_inputs: Vec<String>,
    /// Columns (CSV, Parquet) that name no field and look like an optional
    /// field no column gives, by input name: every row read that field as
    /// `none`, which may not be what the book means.
    pub near_misses: Vec<(String, crate::snapshot::NearMiss)>,
}

/// Decides every snapshot of `sources` with `program`, writing one record per
/// snapshot to `out` in input order, and calls `progress` after each chunk.
///
/// # Errors
///
/// When writing fails, or the worker threads cannot be started (also when
/// [`StreamOptions::jobs`] is over [`MAX_JOBS`]). A snapshot
/// that cannot be read or decided is an error record in the output, not an
/// error here; an input that cannot be read at all is in
/// [`RunReport::input_errors`].
pub fn evaluate_stream<W: Write>(
    program: &Program,
    sources: Vec<Source>,
    out: W,
    options: &StreamOptions,
    mut progress: impl FnMut(Progress),
) -> io::Result<(RunReport, W)> {
    if options.jobs > MAX_JOBS {
        return Err(io::Error::other(format!("cannot start {} worker threads: at most {MAX_JOBS}", options.jobs)));
    }
    let stop = AtomicBool::new(false);
    let bytes = Arc::new(AtomicU64::new(0));
    let shared = Shared { program, options: *options, stop: &stop };
    let (free_tx, free_rx) = channel::<Chunk>();
    let (done_tx, done_rx) = channel::<Chunk>();
    let reader = |free| Reader {
        shared,
        free,
        done: done_tx,
        seq: 0,
        records: 0,
        bytes,
        notes: ReadNotes::default(),
        current: None,
    };

    // A hook may need a deep stack (`hooks::HOOK_STACK`), which the calling
    // thread may not have: one job then runs as the pool does, on a worker.
    if options.jobs == 1 && program.hooks.is_empty() {
        // One job is one thread: each chunk is read, decided and written in
        // turn, and comes straight back to be filled again.
        let _ = free_tx.send(Chunk::new(program));
        let mut writer = InOrder::new(shared, out, free_tx, &mut progress);
        let mut reader = reader(free_rx);
        reader.read_all(sources, &mut Sink::Inline(&mut |chunk| writer.accept(chunk)));
        let notes = std::mem::take(&mut reader.notes);
        drop(reader);
        return writer.finish().map(|(tally, out)| (notes.report(tally), out));
    }

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.jobs)
        .thread_name(|i| format!("verdict-worker-{i}"))
        .stack_size(crate::hooks::HOOK_STACK)
        .build()
        .map_err(|e| io::Error::other(format!("cannot start worker threads: {e}")))?;
    for _ in 0..2 * pool.current_num_threads() + 2 {
        let _ = free_tx.send(Chunk::new(program));
    }
    std::thread::scope(|scope| {
        let reader = scope.spawn(|| {
            let mut reader = reader(free_rx);
            pool.in_place_scope(|tasks| reader.read_all(sources, &mut Sink::Pool(tasks)));
            reader.notes
        });
        let mut writer = InOrder::new(shared, out, free_tx, &mut progress);
        for chunk in done_rx {
            writer.accept(chunk);
        }
        let written = writer.finish();
        let notes = match reader.join() {
            Ok(read) => read,
            // A panic while reading or deciding is a bug, and must end the run
            // as a crash does (as it does with one job), never as a quiet
            // success short of the records it did not write.
            Err(panic) => std::panic::resume_unwind(panic),
        };
        written.map(|(tally, out)| (notes.report(tally), out))
    })
}

/// What every stage shares.
#[derive(Clone, Copy)]
struct Shared<'a> {
    program: &'a Program,
    options: StreamOptions,
    /// Set when writing failed: the reader stops.
    stop: &'a AtomicBool,
}

/// A batch of snapshots travelling reader → worker → writer → reader.
struct Chunk {
    /// Position in the output.
    seq: u64,
    /// Index (over the whole run) of the chunk's first record.
    first_record: u64,
    /// Input bytes read when the chunk was closed.
    bytes: u64,
    /// Raw JSON Lines text, and its lines in input order.
    text: Vec<u8>,
    lines: Vec<RawLine>,
    /// Parquet rows, converted to snapshots by the worker.
    batch: Option<ParquetBatch>,
    /// The block of Parquet rows being decided (kept for its capacity).
    block: Vec<ReadItem>,
    /// Snapshots already read (formats other than JSON Lines), and a final
    /// "reading stopped" record after the lines when the input failed.
    items: Vec<ReadItem>,
    /// Encoded records (every format but the table).
    encoded: Vec<u8>,
    /// Decided records, for the table (laid out once all rows are known).
    records: Vec<Outputs>,
    /// Decided records as Parquet's columns.
    columnar: columnar::Columnar,
    /// Counts for this chunk.
    tally: Tally,
    /// The input the chunk was read from, when the run reads several: its
    /// error records then name it, since "line 8" alone would not say whose.
    source: Option<Arc<str>>,
}

impl Chunk {
    fn new(program: &Program) -> Chunk {
        Chunk {
            seq: 0,
            first_record: 0,
            bytes: 0,
            text: Vec::new(),
            lines: Vec::new(),
            batch: None,
            block: Vec::new(),
            items: Vec::new(),
            encoded: Vec::new(),
            records: Vec::new(),
            columnar: columnar::Columnar::new(),
            tally: Tally::new(program),
            source: None,
        }
    }

    fn len(&self) -> usize {
        self.lines.len() + self.batch.as_ref().map_or(0, ParquetBatch::len) + self.items.len()
    }

    fn clear(&mut self) {
        self.text.clear();
        self.lines.clear();
        self.batch = None;
        self.items.clear();
        self.encoded.clear();
        self.records.clear();
        self.columnar.clear();
        self.tally.clear();
        self.source = None;
    }

    /// Parses, decides and encodes the chunk's snapshots (on a worker).
    fn process(&mut self, shared: Shared) -> io::Result<()> {
        let Shared { program, options, .. } = shared;
        let chunkable = RecordWriter::<Vec<u8>>::chunkable(options.output);
        let columnar = options.output == OutputFormat::Parquet;
        let first = usize::try_from(self.first_record).unwrap_or(usize::MAX);
        let mut writer = RecordWriter::resume(&mut self.encoded, options.output, first);
        let schema = &program.schema;
        let source = self.source.clone();
        // One item decided and its record put where the chunk's output goes.
        // A macro, so that JSON Lines' loop keeps its body inline: called
        // through a closure it ran the same instructions with 26% more
        // first-level cache misses in callgrind's simulation (12.98 M
        // against 10.33 M for 100,000 snapshots).
        macro_rules! decide {
            ($item:expr) => {{
                let record = match $item {
                    Ok(snapshot) => {
                        self.tally.undated += u64::from(snapshot.as_of.is_none());
                        let record = evaluate(program, &snapshot, options.eval);
                        // A limit Parquet cannot hold is an error record too, counted in its arm.
                        let record = if columnar { fit_decimal_limit(record) } else { record };
                        if record.is_err() && !program.splits.is_empty() {
                            self.tally.add_failed_in_arms(program, &snapshot.record);
                        }
                        record
                    }
                    Err(e) => Err(in_source(e, source.as_deref()).into()),
                };
                self.tally.add(&record, program);
                if columnar {
                    self.columnar.push(&record);
                } else if chunkable {
                    writer.write_in_memory(&record, program)?;
                } else {
                    self.records.push(record);
                }
            }};
        }
        if let Some(batch) = self.batch.take() {
            // A block of rows converted, then decided, then the next: each
            // snapshot is decided while it is still in cache, and its memory
            // is reused by the next block's. (A chunk holds JSON Lines or a
            // batch, never both; a "reading stopped" record comes after.)
            let mut rows = batch.rows();
            while rows.next_block(schema, &mut self.block) {
                for item in self.block.drain(..) {
                    decide!(item);
                }
            }
        }
        let lines = self.lines.iter().filter_map(|raw| match *raw {
            RawLine::Text { start, end, line } => {
                parse_json_line(self.text.get(start..end).unwrap_or_default(), line, schema)
            }
            RawLine::TooLong { start, end, line, bytes } => {
                let id = id_of_long_snapshot(self.text.get(start..end).unwrap_or_default(), line, schema);
                Some(Err(options.limits.oversize_snapshot(&format!("line {line}"), bytes, id)))
            }
        });
        // Snapshots read whole, and a "reading stopped" record after the rows.
        for item in lines.chain(self.items.drain(..)) {
            decide!(item);
        }
        if columnar {
            self.columnar.seal();
        }
        Ok(())
    }
}

/// One line of JSON Lines, as the reader left it for a worker.
#[derive(Clone, Copy)]
enum RawLine {
    /// The line's range in the chunk's text, and its number.
    Text { start: usize, end: usize, line: usize },
    /// A line over the maximum snapshot size, skipped unread but for its
    /// first bytes (their range in the chunk's text): its number and length.
    TooLong { start: usize, end: usize, line: usize, bytes: u64 },
}

/// Where the reader sends a filled chunk.
enum Sink<'r, 's> {
    /// To a worker of the pool, which passes it on to the writer thread.
    Pool(&'r rayon::Scope<'s>),
    /// `--jobs 1`: decided and written at once, on the reader's own thread.
    Inline(&'r mut dyn FnMut(Chunk)),
}

/// A snapshot's error named after the input it came from, when there is one to name.
fn in_source(mut error: SnapshotError, source: Option<&str>) -> SnapshotError {
    if let Some(name) = source {
        error.message = format!("{}: {}", input_name(name), error.message);
    }
    error
}

/// Parses, decides and encodes a chunk; a failure stops the run without writing a partial chunk.
fn process(chunk: &mut Chunk, shared: Shared) {
    if chunk.process(shared).is_err() {
        // Encoding into memory does not fail; should it, the run must not write a partial chunk.
        shared.stop.store(true, Ordering::Relaxed);
        chunk.encoded.clear();
    }
}

/// The reader stage: fills chunks and hands them to the workers.
struct Reader<'a> {
    shared: Shared<'a>,
    free: Receiver<Chunk>,
    done: Sender<Chunk>,
    seq: u64,
    records: u64,
    bytes: Arc<AtomicU64>,
    notes: ReadNotes,
    /// The input being read, when the run reads several (see [`Chunk::source`]).
    current: Option<Arc<str>>,
}

impl<'a> Reader<'a> {
    fn read_all<'s>(&mut self, sources: Vec<Source>, sink: &mut Sink<'_, 's>)
    where
        'a: 's,
    {
        let several = sources.len() > 1;
        for source in sources {
            if self.stopped() {
                break;
            }
            self.current = several.then(|| Arc::from(source.name.as_str()));
            let records_before = self.records;
            // Only where a cut-off last line reads as a whole one.
            let last_line =
                matches!(source.format, Format::Csv | Format::Yaml).then(|| Arc::new(Mutex::new(LastLine::default())));
            let input = Counted { inner: source.input, bytes: self.bytes.clone(), last: last_line.clone() };
            let (schema, limits) = (&self.shared.program.schema, self.shared.options.limits);
            // A failure part-way is an error record in place (written by the
            // reading itself) and an input error, so the caller hears of it.
            let mut header_fault = None;
            let failure = match (source.format, source.file) {
                (Format::Parquet, Some(file)) => self.read_parquet(file, &source.name, sink),
                (Format::Jsonl, _) => self.read_lines(input, &source.name, sink),
                (format, _) => match read_snapshots_with(input, format, schema.clone(), limits) {
                    Ok(items) => {
                        let mut items = if several { items } else { items.named(&source.name) };
                        header_fault = items.take_header_fault();
                        let near = items.take_near_misses();
                        self.notes.near_misses.extend(near.into_iter().map(|n| (source.name.clone(), n)));
                        self.read_items(&mut items, sink);
                        items.take_error()
                    }
                    Err(error) => Some(error),
                },
            };
            if let Some(error) = header_fault {
                self.notes.header_faults.push(InputError { name: source.name.clone(), error });
            }
            let unterminated = last_line
                .is_some_and(|last| last.lock().is_ok_and(|last| last.unterminated(source.format == Format::Yaml)));
            match failure {
                Some(error) => self.notes.errors.push(InputError { name: source.name, error }),
                None if self.records == records_before && !self.stopped() => self.notes.empty.push(source.name),
                None if unterminated && !self.stopped() => self.notes.unterminated.push(source.name),
                None => {}
            }
        }
    }

    fn stopped(&self) -> bool {
        self.shared.stop.load(Ordering::Relaxed)
    }

    /// The input's name for a message, unless the worker names it anyway.
    fn unnamed<'n>(&self, name: &'n str) -> Option<&'n str> {
        self.current.is_none().then_some(name)
    }

    /// An empty chunk to fill; `None` once the writer has gone.
    fn take(&mut self) -> Option<Chunk> {
        let mut chunk = self.free.recv().ok()?;
        chunk.clear();
        chunk.source.clone_from(&self.current);
        Some(chunk)
    }

    /// Sends a filled chunk to a worker, which passes it on to the writer.
    fn dispatch<'s>(&mut self, mut chunk: Chunk, sink: &mut Sink<'_, 's>)
    where
        'a: 's,
    {
        chunk.seq = self.seq;
        chunk.first_record = self.records;
        chunk.bytes = self.bytes.load(Ordering::Relaxed);
        self.seq += 1;
        self.records += chunk.len() as u64;
        let shared = self.shared;
        match sink {
            Sink::Pool(tasks) => {
                let done = self.done.clone();
                tasks.spawn(move |_| {
                    process(&mut chunk, shared);
                    let _ = done.send(chunk);
                });
            }
            Sink::Inline(write) => {
                process(&mut chunk, shared);
                write(chunk);
            }
        }
    }

    /// Reads JSON Lines into chunks; the error that stopped reading part-way, if any.
    fn read_lines<'s, R: BufRead>(&mut self, mut input: R, name: &str, sink: &mut Sink<'_, 's>) -> Option<ReadError>
    where
        'a: 's,
    {
        let limit = self.shared.options.chunk.max(1);
        let max = self.shared.options.limits.max_snapshot_bytes;
        let mut line = 0usize;
        loop {
            // No chunk: the writer has gone, and nothing more is wanted.
            let mut chunk = self.take()?;
            let mut failure = None;
            let mut finished = false;
            while chunk.lines.len() < limit && chunk.text.len() < CHUNK_BYTES {
                let start = chunk.text.len();
                match read_line_bounded(&mut input, &mut chunk.text, max, line == 0) {
                    Ok(LineRead::End) => {
                        finished = true;
                        break;
                    }
                    Ok(LineRead::Line) => {
                        line += 1;
                        let end = chunk.text.len();
                        match chunk.text.get(start..end).and_then(|l| json_line_content(l, line)) {
                            Some(_) => chunk.lines.push(RawLine::Text { start, end, line }),
                            // A blank line is no snapshot; drop its bytes.
                            None => chunk.text.truncate(start),
                        }
                    }
                    Ok(LineRead::TooLong(bytes)) => {
                        line += 1;
                        chunk.lines.push(RawLine::TooLong { start, end: chunk.text.len(), line, bytes });
                    }
                    Err(e) => {
                        let error = ReadError::Io(e);
                        chunk.items.push(Err(reading_stopped(self.unnamed(name), &error)));
                        failure = Some(error);
                        finished = true;
                        break;
                    }
                }
            }
            if chunk.len() > 0 {
                self.dispatch(chunk, sink);
            }
            if finished || self.stopped() {
                return failure;
            }
        }
    }

    /// Reads a Parquet file a batch at a time into chunks, which the workers
    /// convert; the error that stopped reading, if any.
    fn read_parquet<'s>(&mut self, file: std::fs::File, name: &str, sink: &mut Sink<'_, 's>) -> Option<ReadError>
    where
        'a: 's,
    {
        let (schema, rows) = (&self.shared.program.schema, self.shared.options.chunk.max(1));
        let size = file.metadata().map_or(0, |m| m.len());
        let batches = match open_parquet(file, schema, rows) {
            Ok(batches) => batches,
            Err(error) => return Some(error),
        };
        self.notes.near_misses.extend(batches.near_misses().iter().map(|n| (name.to_string(), n.clone())));
        // Progress in bytes: the file's size shared out over its rows.
        let per_row = size as f64 / batches.rows().max(1) as f64;
        for piece in batches {
            let mut chunk = self.take()?;
            let rows = match piece {
                Piece::Rows(batch) => {
                    let rows = batch.len();
                    chunk.batch = Some(batch);
                    rows
                }
                // At most a batch of rows: a chunk's worth of error records.
                Piece::Lost(lost) => {
                    chunk.items.extend(lost.records());
                    lost.len()
                }
            };
            self.bytes.fetch_add((per_row * rows as f64) as u64, Ordering::Relaxed);
            self.dispatch(chunk, sink);
            if self.stopped() {
                return None;
            }
        }
        None
    }

    fn read_items<'s>(&mut self, items: &mut impl Iterator<Item = ReadItem>, sink: &mut Sink<'_, 's>)
    where
        'a: 's,
    {
        let limit = self.shared.options.chunk.max(1);
        loop {
            let Some(mut chunk) = self.take() else { return };
            chunk.items.extend(items.by_ref().take(limit));
            let full = chunk.items.len() == limit;
            if !chunk.items.is_empty() {
                self.dispatch(chunk, sink);
            }
            if !full || self.stopped() {
                return;
            }
        }
    }
}

/// The writer stage: puts chunks back in order, writes them, and returns them to the reader.
struct InOrder<'a, W: Write, P> {
    program: &'a Program,
    writer: RecordWriter<W>,
    tally: Tally,
    pending: BTreeMap<u64, Chunk>,
    next: u64,
    failure: Option<io::Error>,
    stop: &'a AtomicBool,
    free: Sender<Chunk>,
    progress: P,
}

impl<'a, W: Write, P: FnMut(Progress)> InOrder<'a, W, P> {
    fn new(shared: Shared<'a>, out: W, free: Sender<Chunk>, progress: P) -> Self {
        InOrder {
            program: shared.program,
            writer: RecordWriter::new(out, shared.options.output).naming(shared.program),
            tally: Tally::new(shared.program),
            pending: BTreeMap::new(),
            next: 0,
            failure: None,
            stop: shared.stop,
            free,
            progress,
        }
    }

    /// Takes a processed chunk and writes every chunk that is now next in line.
    fn accept(&mut self, chunk: Chunk) {
        self.pending.insert(chunk.seq, chunk);
        while let Some(mut chunk) = self.pending.remove(&self.next) {
            self.next += 1;
            if self.failure.is_none() && !self.stop.load(Ordering::Relaxed) {
                self.tally.merge(&chunk.tally);
                let written = if let Some(columns) = chunk.columnar.take() {
                    columns
                        .map_err(io::Error::other)
                        .and_then(|batch| self.writer.append_columns(&batch, batch.num_rows()))
                } else if RecordWriter::<W>::chunkable(self.writer.format()) {
                    // The records the chunk encoded: its snapshots read whole
                    // (not JSON Lines) were drained while it was decided.
                    let records = usize::try_from(chunk.tally.records).unwrap_or(usize::MAX);
                    self.writer.append_encoded(&chunk.encoded, records)
                } else {
                    chunk.records.iter().try_for_each(|r| self.writer.write(r, self.program))
                };
                match written {
                    Ok(()) => (self.progress)(Progress { records: self.tally.records, bytes: chunk.bytes }),
                    Err(e) => {
                        self.stop.store(true, Ordering::Relaxed);
                        self.failure = Some(e);
                    }
                }
            }
            // The reader may have finished already; then nobody needs the chunk back.
            let _ = self.free.send(chunk);
        }
    }

    fn finish(self) -> io::Result<(Tally, W)> {
        if let Some(e) = self.failure {
            return Err(e);
        }
        if self.stop.load(Ordering::Relaxed) {
            return Err(io::Error::other("a chunk of decisions could not be encoded"));
        }
        let out = self.writer.finish()?;
        Ok((self.tally, out))
    }
}

/// Counts the bytes read through it, for progress.
struct Counted<R> {
    inner: R,
    bytes: Arc<AtomicU64>,
    /// What the input's last line holds so far (CSV and YAML inputs).
    last: Option<Arc<Mutex<LastLine>>>,
}

/// The start of the last line read (after the last `\n`), up to
/// [`LastLine::KEPT`] bytes, and whether the last byte ended a line: whether
/// the input ends in a line that is not ended, and holds more than spaces
/// or (YAML's) a comment.
#[derive(Default)]
struct LastLine {
    kept: Vec<u8>,
    ended: bool,
}

impl LastLine {
    const KEPT: usize = 64;

    fn read(&mut self, bytes: &[u8]) {
        if let Some(&last) = bytes.last() {
            self.ended = matches!(last, b'\n' | b'\r');
        }
        let after = match bytes.iter().rposition(|&b| b == b'\n') {
            Some(at) => {
                self.kept.clear();
                bytes.get(at + 1..).unwrap_or_default()
            }
            None => bytes,
        };
        let room = Self::KEPT.saturating_sub(self.kept.len());
        self.kept.extend(after.iter().take(room));
    }

    fn unterminated(&self, comments: bool) -> bool {
        let line = self.kept.trim_ascii();
        !(self.ended || line.is_empty() || (comments && line.starts_with(b"#")))
    }
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes.fetch_add(n as u64, Ordering::Relaxed);
        if let (Some(read), Some(Ok(mut last))) = (buf.get(..n), self.last.as_ref().map(|l| l.lock())) {
            last.read(read);
        }
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counted<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, amount: usize) {
        self.bytes.fetch_add(amount as u64, Ordering::Relaxed);
        // The buffer holds what is consumed: looking at it reads nothing.
        if let (Some(last), true) = (&self.last, amount > 0) {
            if let (Ok(filled), Ok(mut last)) = (self.inner.fill_buf(), last.lock()) {
                last.read(filled.get(..amount).unwrap_or_default());
            }
        }
        self.inner.consume(amount);
    }
}
