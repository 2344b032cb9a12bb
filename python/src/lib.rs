//! `verdict._verdict`: the engine for Python. The package `verdict` (in
//! `verdict/__init__.py`) wraps it: dicts go through the engine's JSON
//! reader and writer, tables through the Arrow C stream interface, so no
//! row ever becomes a Python object.

use arrow_array::ffi_stream::{ArrowArrayStreamReader, FFI_ArrowArrayStream};
use arrow_array::{RecordBatch, RecordBatchIterator, RecordBatchReader};
use arrow_schema::{ArrowError, SchemaRef};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyDict, PyList};
use rayon::prelude::*;
use std::ffi::CString;
use std::path::PathBuf;
use std::sync::Arc;
use verdict::columns::{DecisionColumns, LimitColumn};
use verdict::compile::Program;
use verdict::eval::{evaluate, EvalOptions, Outputs};
use verdict::output::{OutputFormat, RecordWriter};
use verdict::schema::{FieldKind, RecordLayout};
use verdict::snapshot::{bind_batch, parse_json_snapshot, ParquetBatch, ReadItem};

/// Rows decided as one unit of parallel work.
const ROWS_PER_TASK: usize = 2048;

/// A loaded policy.
#[pyclass(frozen, module = "verdict._verdict")]
struct Policy {
    program: Arc<Program>,
    /// Every file read to load it (policy, schema, hooks, batches), as the
    /// file system names them (a name that is not UTF-8 kept whole), with
    /// the text read: what the fingerprint covers, and what it pickles as.
    files: Vec<(PathBuf, Arc<str>)>,
}

#[pymethods]
impl Policy {
    #[getter]
    fn name(&self) -> &str {
        &self.program.name
    }

    #[getter]
    fn version(&self) -> &str {
        &self.program.version
    }

    #[getter]
    fn fingerprint(&self) -> &str {
        &self.program.fingerprint
    }

    #[getter]
    fn files(&self) -> Vec<PathBuf> {
        self.files.iter().map(|(path, _)| path.clone()).collect()
    }

    /// The text of each file in [`Policy::files`], in the same order, as
    /// read when the policy was loaded (bytes: a policy ships as them).
    #[getter]
    fn contents<'py>(&self, py: Python<'py>) -> Vec<Bound<'py, pyo3::types::PyBytes>> {
        self.files.iter().map(|(_, text)| pyo3::types::PyBytes::new(py, text.as_bytes())).collect()
    }

    /// The top-level column names a book is read by: the schema's key and
    /// top-level fields (a struct column, or the first part of a dotted
    /// column name), and `as_of`. Other columns are never read.
    #[getter]
    fn columns(&self) -> Vec<String> {
        let schema = &self.program.schema;
        let fields = schema.root.fields.iter().map(|f| f.name.clone());
        let mut names: Vec<String> = Vec::new();
        // The key is also a field, anywhere in the schema's order: each name once.
        for name in std::iter::once(schema.key.clone()).chain(fields).chain(["as_of".to_owned()]) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }

    /// The schema's fields, for `decide` to read a dict by: each field's
    /// type as the schema writes it (`"int"`, `"int?"`, `"money"`,
    /// `"set<string>"`), a dict for a record, and a one-item list holding
    /// the element's dict for a list of records. `as_of` is a `"date?"`.
    #[getter]
    fn field_types<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let root = record_types(py, &self.program.schema.root)?;
        root.set_item("as_of", "date?")?;
        Ok(root)
    }

    /// Decides one snapshot given as JSON text; the decision as JSON text.
    #[pyo3(signature = (snapshot, as_of=None))]
    fn decide_json(&self, py: Python<'_>, snapshot: &str, as_of: Option<&str>) -> PyResult<String> {
        let options = options(as_of)?;
        py.allow_threads(|| {
            let record = match parse_json_snapshot(snapshot, &self.program.schema) {
                Ok(snapshot) => evaluate(&self.program, &snapshot, options),
                Err(e) => Err(e.into()),
            };
            let mut writer = RecordWriter::new(Vec::new(), OutputFormat::Jsonl);
            writer.write(&record, &self.program).map_err(|e| PyValueError::new_err(e.to_string()))?;
            let bytes = writer.finish().map_err(|e| PyValueError::new_err(e.to_string()))?;
            String::from_utf8(bytes).map_err(|e| PyValueError::new_err(e.to_string()))
        })
    }

    /// Decides every row of an Arrow stream (a PyCapsule `arrow_array_stream`);
    /// returns a stream of decision batches, one row per input row, in order.
    #[pyo3(signature = (capsule, as_of=None))]
    fn decide_stream(&self, py: Python<'_>, capsule: &Bound<'_, PyCapsule>, as_of: Option<&str>) -> PyResult<Stream> {
        let options = options(as_of)?;
        let reader = import_stream(capsule)?;
        let program = self.program.clone();
        let batches = py.allow_threads(move || decide_all(&program, reader, options));
        let batches = batches.map_err(|e| match e {
            Stopped::Table(e) => PyValueError::new_err(table_error(e)),
            Stopped::Signal(e) => e,
        })?;
        // The policy that decided, in the result's schema metadata (as `eval --format parquet` writes it).
        let metadata = verdict::columns::policy_metadata(&self.program).map(|(k, v)| (k.to_owned(), v));
        let schema = DecisionColumns::new(LimitColumn::String).schema();
        let schema = Arc::new(schema.as_ref().clone().with_metadata(metadata.into_iter().collect()));
        Ok(Stream { schema, batches: std::sync::Mutex::new(Some(batches)) })
    }
}

/// The fields of a record as [`Policy::field_types`] gives them.
fn record_types<'py>(py: Python<'py>, record: &RecordLayout) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for field in &record.fields {
        let optional = if field.optional { "?" } else { "" };
        match &field.kind {
            FieldKind::Scalar(t) => dict.set_item(&field.name, format!("{}{optional}", t.describe()))?,
            FieldKind::Set(t) => dict.set_item(&field.name, format!("set<{}>{optional}", t.describe()))?,
            FieldKind::Record(inner) => dict.set_item(&field.name, record_types(py, inner)?)?,
            FieldKind::List(list) => dict.set_item(&field.name, PyList::new(py, [record_types(py, &list.element)?])?)?,
        }
    }
    Ok(dict)
}

fn options(as_of: Option<&str>) -> PyResult<EvalOptions> {
    let default_as_of = match as_of {
        None => None,
        Some(text) => Some(
            verdict::value::parse_date(text)
                .ok_or_else(|| PyValueError::new_err(format!("as_of `{text}` is {}", verdict::value::not_a_date(text))))?,
        ),
    };
    Ok(EvalOptions { default_as_of, ..EvalOptions::default() })
}

/// Takes the stream out of an `arrow_array_stream` capsule (the capsule is left released).
fn import_stream(capsule: &Bound<'_, PyCapsule>) -> PyResult<ArrowArrayStreamReader> {
    let name = capsule.name()?.map(|n| n.to_bytes().to_vec());
    if name.as_deref() != Some(b"arrow_array_stream".as_slice()) {
        return Err(PyTypeError::new_err("expected an `arrow_array_stream` PyCapsule"));
    }
    let pointer = capsule.pointer().cast::<FFI_ArrowArrayStream>();
    // SAFETY: the capsule is named `arrow_array_stream`, so by the Arrow
    // PyCapsule interface it holds an `ArrowArrayStream`; `from_raw` moves it
    // out and leaves a released stream behind for the capsule's destructor.
    unsafe { ArrowArrayStreamReader::from_raw(pointer) }.map_err(|e| PyValueError::new_err(e.to_string()))
}

/// How often, at most, deciding a table runs Python's signal handlers
/// (between batches): soon enough for Ctrl-C, rarely enough that other
/// Python threads keep the GIL.
const SIGNAL_CHECK: std::time::Duration = std::time::Duration::from_millis(100);

/// Why deciding a table stopped.
enum Stopped {
    /// The table could not be read or decided.
    Table(ArrowError),
    /// A signal's handler raised (Ctrl-C: `KeyboardInterrupt`).
    Signal(PyErr),
}

impl From<ArrowError> for Stopped {
    fn from(e: ArrowError) -> Stopped {
        Stopped::Table(e)
    }
}

/// Decides every batch of `reader` on all cores, keeping input order.
/// Between batches, Python's signal handlers run: a stream fed by Arrow's
/// own readers (a dataset of many files) runs no Python code, so without
/// this a Ctrl-C would wait for the whole table to be decided.
fn decide_all(
    program: &Program,
    reader: ArrowArrayStreamReader,
    options: EvalOptions,
) -> Result<Vec<RecordBatch>, Stopped> {
    let bind = |batch| bind_batch(&program.schema, batch).map_err(|e| ArrowError::InvalidArgumentError(read_error(&e)));
    // Bound before the first batch, so columns that cannot hold the schema
    // are refused even for a stream of no rows, as the CLI refuses such a file.
    let mut plan = bind(RecordBatch::new_empty(reader.schema()))?;
    // A column renamed upstream reads its field as none in every row: said
    // as a Python warning, as `eval` says it on standard error.
    for near in plan.near_misses() {
        let message = std::ffi::CString::new(near.to_string()).unwrap_or_default();
        Python::with_gil(|py| PyErr::warn(py, &py.get_type::<pyo3::exceptions::PyUserWarning>(), &message, 1))
            .map_err(Stopped::Signal)?;
    }
    let mut out = Vec::new();
    let mut tasks = Tasks::default();
    let mut signals_checked = std::time::Instant::now();
    for batch in reader {
        // At most every SIGNAL_CHECK: taking the GIL makes a busy Python thread yield it.
        if signals_checked.elapsed() >= SIGNAL_CHECK {
            Python::with_gil(|py| py.check_signals()).map_err(Stopped::Signal)?;
            signals_checked = std::time::Instant::now();
        }
        let batch = batch?;
        let bound = if plan.schema() == batch.schema() { plan.with_batch(batch.clone()) } else { bind(batch.clone())? };
        tasks.add(&bound, &batch);
        if tasks.full() {
            tasks.decide(program, options, &mut out)?;
        }
        plan = bound;
    }
    tasks.decide(program, options, &mut out)?;
    Ok(out)
}

/// Rows waiting to be decided, cut into tasks of about [`ROWS_PER_TASK`]
/// rows: a large batch into slices of it, small batches of one schema
/// gathered into one task (concatenated when it is decided). A stream of
/// one-row batches (a producer yielding row by row) was decided batch by
/// batch, each bound, dispatched and written as a batch of its own: about
/// 100 times slower than the same rows as one batch.
#[derive(Default)]
struct Tasks {
    /// In input order; the last may still be filling.
    tasks: Vec<Task>,
}

/// Rows decided as one unit of parallel work: pieces of batches of one
/// schema, and the plan that binds that schema.
struct Task {
    plan: ParquetBatch,
    pieces: Vec<RecordBatch>,
    rows: usize,
}

impl Tasks {
    /// Tasks decided at once, so that the rows held before deciding stay bounded.
    const AT_ONCE: usize = 64;

    /// Adds `batch`'s rows, `bound` its binding: first what the open task
    /// has room for (if it is of this schema), then tasks of
    /// [`ROWS_PER_TASK`] rows, each a zero-copy slice.
    fn add(&mut self, bound: &ParquetBatch, batch: &RecordBatch) {
        let rows = batch.num_rows();
        let mut start = 0;
        while start < rows {
            let open = self.tasks.last_mut().filter(|t| t.rows < ROWS_PER_TASK && t.plan.schema() == batch.schema());
            let room = open.as_ref().map_or(ROWS_PER_TASK, |task| ROWS_PER_TASK - task.rows);
            let piece = batch.slice(start, room.min(rows - start));
            start += piece.num_rows();
            match open {
                Some(task) => {
                    task.rows += piece.num_rows();
                    task.pieces.push(piece);
                }
                None => self.tasks.push(Task { plan: bound.clone(), rows: piece.num_rows(), pieces: vec![piece] }),
            }
        }
    }

    fn full(&self) -> bool {
        self.tasks.len() > Self::AT_ONCE
    }

    /// Decides every task on the pool, appending one batch per task to `out` in order.
    fn decide(&mut self, program: &Program, options: EvalOptions, out: &mut Vec<RecordBatch>) -> Result<(), Stopped> {
        let tasks = std::mem::take(&mut self.tasks);
        let decided: Vec<Result<RecordBatch, ArrowError>> =
            pool()?.install(|| tasks.par_iter().map(|task| decide_task(program, task, options)).collect());
        for batch in decided {
            out.push(batch?);
        }
        Ok(())
    }
}

/// The threads that decide tables, started by this process. A process
/// forked from one that had decided (Python's `multiprocessing` and
/// `concurrent.futures` fork by default on Linux) inherits a pool whose
/// threads it does not have: work handed to rayon's global pool there
/// waits forever. So the pool is kept with the id of the process that
/// started it, and a forked child starts its own.
fn pool() -> Result<Arc<rayon::ThreadPool>, ArrowError> {
    static POOL: std::sync::Mutex<Option<(u32, Arc<rayon::ThreadPool>)>> = std::sync::Mutex::new(None);
    let process = std::process::id();
    // The lock is held only to look and to swap, never while threads start:
    // a fork from another thread while it is held would leave the child a
    // lock no thread of its own will release.
    let lock = || POOL.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((started_by, pool)) = lock().as_ref() {
        if *started_by == process {
            return Ok(Arc::clone(pool));
        }
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .thread_name(|i| format!("verdict-decide-{i}"))
        .stack_size(verdict::hooks::HOOK_STACK)
        .build()
        .map(Arc::new)
        .map_err(|e| ArrowError::ExternalError(Box::new(e)))?;
    let mut slot = lock();
    match slot.as_ref() {
        // Another thread of this process started one meanwhile: that one is used.
        Some((started_by, theirs)) if *started_by == process => return Ok(Arc::clone(theirs)),
        _ => {}
    }
    // The parent's pool, if any: its threads are not in this process, and
    // dropping it would wait for them. It is left, never used.
    if let Some((_, inherited)) = slot.replace((process, Arc::clone(&pool))) {
        std::mem::forget(inherited);
    }
    Ok(pool)
}

/// What went wrong deciding a table, as the user reads it: a column the
/// table cannot give is said as it is, without Arrow's "Invalid argument
/// error: " before it (the binding's errors are carried as that variant).
fn table_error(e: ArrowError) -> String {
    match e {
        ArrowError::InvalidArgumentError(message) => message,
        other => other.to_string(),
    }
}

/// A column the table cannot give is named as the user's column, not a
/// Parquet file's: the table came from memory.
fn read_error(e: &verdict::snapshot::ReadError) -> String {
    e.in_table_terms()
}

/// Decides one task's rows, converted a block at a time as `verdict eval`
/// does: each block's snapshots are decided while still in cache, and their
/// memory is reused by the next block.
fn decide_task(program: &Program, task: &Task, options: EvalOptions) -> Result<RecordBatch, ArrowError> {
    let bound = match task.pieces.as_slice() {
        [one] => task.plan.with_batch(one.clone()),
        pieces => task.plan.with_batch(arrow_select::concat::concat_batches(&task.plan.schema(), pieces)?),
    };
    let mut rows = bound.rows();
    let mut block: Vec<ReadItem> = Vec::new();
    let mut columns = DecisionColumns::new(LimitColumn::String);
    while rows.next_block(&program.schema, &mut block) {
        for item in block.drain(..) {
            let record: Outputs = match item {
                Ok(snapshot) => evaluate(program, &snapshot, options),
                Err(e) => Err(e.into()),
            };
            columns.push(&record)?;
        }
    }
    columns.finish()
}

/// Decided batches, handed to Python through the Arrow PyCapsule interface.
#[pyclass(module = "verdict._verdict")]
struct Stream {
    schema: SchemaRef,
    batches: std::sync::Mutex<Option<Vec<RecordBatch>>>,
}

#[pymethods]
impl Stream {
    /// The Arrow PyCapsule stream protocol (`pyarrow.table(stream)` reads it once).
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema;
        let batches = self
            .batches
            .lock()
            .map_err(|_| PyValueError::new_err("the stream was poisoned"))?
            .take()
            .ok_or_else(|| PyValueError::new_err("the decisions were already read"))?;
        let reader: Box<dyn RecordBatchReader + Send> =
            Box::new(RecordBatchIterator::new(batches.into_iter().map(Ok), self.schema.clone()));
        let stream = FFI_ArrowArrayStream::new(reader);
        let name = CString::new("arrow_array_stream").map_err(|e| PyValueError::new_err(e.to_string()))?;
        PyCapsule::new(py, stream, Some(name))
    }
}

/// Loads a policy; on failure a list of diagnostic dicts in the error's `args[1]`.
#[pyfunction]
fn load(py: Python<'_>, path: PathBuf) -> PyResult<Policy> {
    match py.allow_threads(|| verdict::load_policy(&path)) {
        Ok(loaded) => {
            let files = loaded.sources.files().iter().map(|f| (f.path.clone(), Arc::clone(&f.text))).collect();
            Ok(Policy { program: loaded.program, files })
        }
        Err(error) => {
            let diagnostics = PyList::empty(py);
            for d in &error.diagnostics {
                let (line, column) = error.sources.line_col(&d.file, d.span.start);
                let dict = PyDict::new(py);
                dict.set_item("file", d.file.display().to_string())?;
                dict.set_item("line", line)?;
                dict.set_item("column", column)?;
                dict.set_item("code", d.code)?;
                dict.set_item("message", &d.message)?;
                dict.set_item("help", d.help.as_deref())?;
                dict.set_item("severity", if d.is_error() { "error" } else { "warning" })?;
                diagnostics.append(dict)?;
            }
            Err(PyValueError::new_err((error.to_string(), diagnostics.unbind())))
        }
    }
}

#[pymodule]
fn _verdict(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<Policy>()?;
    module.add_class::<Stream>()?;
    module.add_function(wrap_pyfunction!(load, module)?)?;
    Ok(())
}
