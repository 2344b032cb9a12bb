"""verdict: credit-policy decisions for Python.

Load a policy once, then decide one snapshot (a dict) or a whole book (a
pyarrow Table or RecordBatch, a pandas or polars DataFrame: anything with the
Arrow PyCapsule interface)::

    import verdict
    policy = verdict.load("policies/lifecycle.policy")
    policy.decide({"id": "A-1", ...})          # the decision as the JSON dict
    decisions = policy.decide_table(book_df)   # a pyarrow.Table, one row per row

Decisions are byte for byte those of ``verdict eval``: money stays exact
(strings in dicts and in the ``limit`` column, never floats).
"""

from __future__ import annotations

import datetime as _dt
import decimal as _decimal
import json as _json
import math as _math
import os as _os
from collections import Counter as _Counter
from typing import Any, Dict, List, Optional, Tuple, Union

from . import _verdict

__all__ = ["load", "Policy", "PolicyError"]


class PolicyError(Exception):
    """A policy that does not load: ``diagnostics`` lists every problem found.

    Each diagnostic is a dict with ``file``, ``line``, ``column`` (1-based),
    ``code`` (e.g. ``"E0102"``), ``message``, ``help`` (or None) and
    ``severity`` (``"error"`` or ``"warning"``).
    """

    def __init__(self, message: str, diagnostics: List[Dict[str, Any]]):
        super().__init__(message)
        self.diagnostics = diagnostics

    def __str__(self) -> str:
        lines = [self.args[0]]
        for d in self.diagnostics:
            lines.append(f"{d['file']}:{d['line']}:{d['column']}: {d['code']} {d['message']}")
        return "\n".join(lines)


def _json_default(value: Any) -> Any:
    # Money and dates as the JSON reader takes them: exact text, in fixed
    # point (str(Decimal("1E+3")) is "1E+3", which money refuses).
    if isinstance(value, _decimal.Decimal):
        return format(value, "f") if value.is_finite() else str(value)
    if isinstance(value, _dt.datetime):
        # A midnight is its day, as a timestamp column is in `decide_table`:
        # naive, or (zoned) an instant at midnight UTC, as an Arrow timestamp
        # with a zone is stored. Any other time, down to a pandas
        # nanosecond, is written whole and refused by its field rather than
        # cut to a day it may not mean.
        if value.utcoffset() is not None:
            value = value.astimezone(_dt.timezone.utc)
        if value.time() == _dt.time(0) and not getattr(value, "nanosecond", 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        try:
            return sorted(value)
        except TypeError:  # mixed types: the engine names the element that is wrong
            return sorted(value, key=repr)
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(f"cannot put a {type(value).__name__} in a snapshot")


_EXACT = ("money", "money?", "decimal", "decimal?")
_INTS = ("int", "int?")
# The largest magnitude up to which every whole float is exactly one int.
_EXACT_FLOAT_INTS = 2**53


def _plain(value: Any, kind: Any, path: str = "", problems: Optional[List[str]] = None) -> Any:
    """A snapshot's value as the JSON reader takes it, read by its field's
    type (``kind``, from ``field_types``): numpy and pandas values become
    Python's own, so a pandas row (``df.iloc[0].to_dict()``) decides as its
    table does in ``decide_table``: ``NaT``, ``NA``, and ``NaN`` in an
    optional field are missing values, and a whole float given for an
    ``int`` is that int (pandas widens an integer column with gaps to
    float64). A float for money or a decimal is named in ``problems`` (by
    its path, as the engine names fields), as is a field given twice (see
    ``_nested``): a float has already rounded the amount, and
    ``decide_table`` refuses a float column for money too. Anything else is
    left for the engine to judge by field."""
    value = _python_value(value)
    if isinstance(kind, dict):
        if isinstance(value, dict):
            dot = f"{path}." if path else ""
            value = _nested(value, kind, dot, problems)
            # A key the schema does not name is ignored, as the JSON reader
            # ignores it: whatever it holds (bytes, a float) is not read.
            return {key: _plain(item, kind[key], f"{dot}{key}", problems) for key, item in value.items() if key in kind}
    elif isinstance(kind, list):
        if isinstance(value, (list, tuple)):
            return [_plain(item, kind[0], f"{path}[{i}]", problems) for i, item in enumerate(value)]
    elif isinstance(value, float):
        if _math.isnan(value) and isinstance(kind, str):
            # pandas' missing value, as `decide_table` reads it: `none` in an
            # optional field, the row's error ("found null") in a required one.
            return None
        if kind in _INTS and value.is_integer() and abs(value) <= _EXACT_FLOAT_INTS:
            # Whole and within 2**53: exactly the int pandas widened. Beyond,
            # it may already be a neighbour of the int meant; the engine
            # refuses it as `decide_table` refuses such a float.
            return int(value)
        if kind in _EXACT and _math.isfinite(value) and problems is not None:
            problems.append(
                f"{path}: {value!r} is a binary floating point number, which cannot hold money exactly "
                "(pass a Decimal or a string)"
            )
    elif isinstance(value, _decimal.Decimal) and kind in _INTS and value.is_finite():
        # As a float: `json.loads(line, parse_float=Decimal)` gives a Decimal
        # wherever the line has a point. A whole one is that int; another is
        # refused by the engine as the number it is, not as text in quotes.
        return int(value) if value == value.to_integral_value() else float(value)
    elif isinstance(value, (list, tuple, set, frozenset)):
        element = _element_kind(kind)
        items = _json_default(value) if isinstance(value, (set, frozenset)) else value  # a set in its JSON order
        return [_plain(item, element, f"{path}[{i}]", problems) if element else _python_value(item) for i, item in enumerate(items)]
    elif isinstance(value, (_decimal.Decimal, _dt.date)) and isinstance(kind, str) and problems is not None:
        # A Decimal or a date is written as exact text, which is what money
        # and dates are read from; in another field (a string, an enum, a
        # bool) that text would pass for the value meant. The JSON reader
        # refuses a number there, and `decide_table` a decimal or date column.
        base = kind.rstrip("?")
        taken = ("money", "decimal") if isinstance(value, _decimal.Decimal) else ("date",)
        if base not in taken:
            shown = f"the date {value.isoformat()}" if isinstance(value, _dt.date) else str(value)
            problems.append(f"{path}: expected {base}, found {shown} (a {type(value).__name__})")
    return value


def _element_kind(kind: Any) -> Optional[str]:
    """The element type of a set field's type (``set<string>?`` gives ``string``)."""
    if isinstance(kind, str):
        base = kind.rstrip("?")
        if base.startswith("set<") and base.endswith(">"):
            return base[4:-1]
    return None


def _nested(
    record: Dict[Any, Any], kind: Dict[str, Any], prefix: str = "", problems: Optional[List[str]] = None
) -> Dict[Any, Any]:
    """``record`` with each key that is a nested field's dotted path
    (``identity.verified``, as a flat table's columns and so its pandas rows
    name it) moved into its nested record, as ``decide_table`` reads such a
    column. A key the schema names as it is stays where it is. A field given
    both ways is named in ``problems`` (after ``prefix``, the record's
    path), as ``decide_table`` refuses a table with both columns (R024):
    which of the two was meant cannot be told."""
    if not any(isinstance(key, str) and "." in key and key not in kind for key in record):
        return record
    out: Dict[Any, Any] = {}
    parts: Dict[str, Dict[str, Any]] = {}
    for key, item in record.items():
        head, dot, rest = key.partition(".") if isinstance(key, str) else (key, "", "")
        if dot and key not in kind and isinstance(kind.get(head), dict):
            parts.setdefault(head, {})[rest] = item
        else:
            out[key] = item
    for head, fields in parts.items():
        whole = _python_value(out.get(head))
        if isinstance(whole, dict) and problems is not None:
            for rest in fields.keys() & whole.keys():
                problems.append(f"{prefix}{head}.{rest}: given twice, as `{head}.{rest}` and inside `{head}`")
        out[head] = {**whole, **fields} if isinstance(whole, dict) else fields
    return out


def _python_value(value: Any) -> Any:
    """A numpy or pandas value as the Python value it stands for."""
    if value is None or type(value) in (str, int, float, bool, dict, list, _decimal.Decimal):
        return value
    kind = type(value)
    if kind.__name__ in ("NaTType", "NAType"):
        return None
    if kind.__module__.split(".")[0] == "numpy":
        if kind.__name__ == "datetime64":
            micro = value.astype("datetime64[us]")  # `tolist` of nanoseconds is an int
            if micro != value:
                # Below a microsecond: not a midnight, and refused by its field as such.
                return str(value)
            value = micro
        if hasattr(value, "tolist"):  # arrays, and scalars such as int64 and bool_
            return value.tolist()
    return value


def _snapshot_json(snapshot: Any) -> str:
    """The snapshot as JSON text; a NaN or infinite float becomes the text
    ``"NaN"``/``"Infinity"`` (as ``Decimal("NaN")`` does), which the engine
    refuses by field, so the error record keeps the account's id."""
    try:
        return _json.dumps(snapshot, default=_json_default, allow_nan=False, ensure_ascii=False)
    except ValueError as error:
        if "Out of range float" not in str(error):
            raise RecursionError("a circular reference") from error
        return _json.dumps(_finite(snapshot), default=_json_default, allow_nan=False, ensure_ascii=False)


def _not_json(snapshot: Any, key: str, message: Optional[str] = None) -> Dict[str, Any]:
    """The error record of a snapshot holding a value of a type no field
    takes, or text that is not Unicode, naming where it is (``id: a bytes
    value ...``); ``message``, when given, says what is wrong instead."""
    def first_bad(value: Any, path: str) -> Optional[str]:
        if isinstance(value, dict):
            for name, item in value.items():
                found = first_bad(item, f"{path}.{name}" if path else str(name))
                if found:
                    return found
            return None
        if isinstance(value, (list, tuple, set, frozenset)):
            for i, item in enumerate(value):
                found = first_bad(item, f"{path}[{i}]")
                if found:
                    return found
            return None
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as error:
                where = f"{path}: " if path else ""
                bad = value[error.start]
                return f"{where}text that is not Unicode (a lone surrogate, U+{ord(bad):04X}, at character {error.start})"
            return None
        try:
            _json.dumps(value, default=_json_default)
        except TypeError:
            hint = " (decode it to a str)" if isinstance(value, (bytes, bytearray)) else ""
            where = f"{path}: " if path else ""
            return f"{where}a value of type {type(value).__name__} has no place in a snapshot{hint}"
        except ValueError:
            return None
        return None

    message = message or first_bad(snapshot, "") or "the snapshot cannot be written as JSON"
    ident = snapshot.get(key) if isinstance(snapshot, dict) else None
    ident = ident if isinstance(ident, str) or (isinstance(ident, int) and not isinstance(ident, bool)) else None
    return {"id": ident, "error": {"kind": "snapshot", "message": message}}


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not _math.isfinite(value):
        return repr(value).replace("inf", "Infinity").replace("nan", "NaN")
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (tuple, set, frozenset)):
        value = _json_default(value)
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


class Policy:
    """A loaded, compiled policy. Thread-safe; decide as often as you like."""

    __slots__ = ("_inner", "_fields", "_shipped")

    def __init__(self, inner: "_verdict.Policy"):
        if isinstance(inner, (str, bytes, _os.PathLike)):
            raise TypeError(f"load a policy with verdict.load({inner!r}), not verdict.Policy(...)")
        self._inner = inner
        self._fields = inner.field_types
        # The contents it came by (an unpickled policy), which it pickles
        # as; a loaded one pickles as the texts the engine read (`_files_of`).
        self._shipped: Optional[Tuple[str, Dict[str, bytes]]] = None

    def __reduce__(self) -> Any:
        """Pickled as the contents of every file it was loaded from (policy,
        schema, hooks, batches), as they were when it was loaded, and its
        fingerprint: unpickling loads it again from them (for
        ``multiprocessing``, ``concurrent.futures``, Spark), wherever the
        files are now. A file named by an absolute path is read from that
        path when unpickled: name files relative to the policy to ship it
        whole."""
        name, contents = self._shipped or _files_of(self)
        return (_from_contents, (name, contents, self.fingerprint))

    @property
    def name(self) -> str:
        """The policy's name (``policy "name"``)."""
        return self._inner.name

    @property
    def version(self) -> str:
        """The policy's version (``version "v"``)."""
        return self._inner.version

    @property
    def fingerprint(self) -> str:
        """``sha256:…`` over every file the decisions depend on (policy, schema, hooks, batches)."""
        return self._inner.fingerprint

    def decide(self, snapshot: Any, as_of: Union[str, _dt.date, None] = None) -> Dict[str, Any]:
        """Decides one snapshot; returns the decision exactly as ``verdict eval`` writes it in JSON.

        A snapshot that does not fit the schema gives an error record
        (``{"id": ..., "error": {"kind": "snapshot", "message": ...}}``), not an exception.
        ``Decimal`` and ``date`` values are taken as exact text, a
        ``datetime`` at midnight as its day. A pandas row
        (``df.iloc[0].to_dict()``, numpy values, ``NaN`` for a missing
        optional value, whole floats for ints) is read as ``decide_table``
        reads its table. A ``float`` for money or a decimal is an error
        record naming the field (binary floating point has already rounded
        the amount; ``decide_table`` refuses a float column for money too).
        ``as_of`` (YYYY-MM-DD, or a ``date``) is the date for a snapshot
        without one.
        """
        snapshot = _as_mapping(snapshot)
        problems: List[str] = []
        plain = _plain(snapshot, self._fields, "", problems)
        key, day = self._inner.columns[0], _as_of_text(as_of)
        try:
            decided = self._inner.decide_json(_snapshot_json(plain), day)
        except (TypeError, UnicodeEncodeError):
            # A value JSON has no place for (bytes, an object), or a str with
            # a lone surrogate (no UTF-8 for it): this snapshot's error
            # record, not an exception ending a loop over a book.
            return _not_json(plain, key)
        except RecursionError:
            return _not_json(plain, key, "the snapshot is nested too deeply to read (or holds itself)")
        record = _json.loads(decided)
        if problems:
            # Refused as a snapshot error, with whatever else the engine found.
            error = record.get("error") or {}
            found = error.get("message") if error.get("kind") == "snapshot" else None
            # The engine's own word on a field named here (the text a Decimal
            # was written as, say) would say it twice.
            named = {problem.split(": ", 1)[0] for problem in problems}
            found = [part for part in (found or "").split("; ") if part and part.split(": ", 1)[0] not in named]
            message = "; ".join(problems + found)
            record = {"id": record.get("id"), "error": {"kind": "snapshot", "message": message}}
        return record

    def decide_table(self, data: Any, as_of: Union[str, _dt.date, None] = None) -> "pyarrow.Table":  # noqa: F821
        """Decides every row of a table; returns a ``pyarrow.Table``, one row per input row, in order.

        ``data`` is a pyarrow Table, RecordBatch or dataset (a folder of
        Parquet files, streamed) or a dataset's scanner, a pandas or a polars DataFrame, or any
        object with ``__arrow_c_stream__`` or ``__arrow_c_array__``. Columns are named by field paths (or nested as
        structs); money from DECIMAL, integer or string columns, never floats.

        The result's columns: ``id``, ``outcome``, ``until`` (date),
        ``limit`` (exact text), ``reasons``, ``actions``, ``fired`` (lists),
        ``scores``, ``arms`` (maps), ``error_kind``, ``error_message`` (null
        unless the row failed). The GIL is released while deciding, and every
        core is used.
        """
        import pyarrow as pa

        raised: List[BaseException] = []
        capsule = _stream_capsule(data, pa, raised, self._inner.columns, self._fields)
        try:
            return pa.table(self._inner.decide_stream(capsule, _as_of_text(as_of)))
        except ValueError:
            if raised:
                # The reader's own exception (a KeyError, a FileNotFoundError
                # of the code feeding it), not the C stream's ValueError around it.
                raise raised[0] from None
            raise

    def __repr__(self) -> str:
        return f"<verdict.Policy {self.name!r} version {self.version!r}>"


def _as_mapping(snapshot: Any) -> Any:
    """A pandas row (``df.iloc[i]``, a ``Series``, as ``iterrows()`` gives
    them) or another mapping as its dict. Anything else is left as it is:
    the engine gives it an error record, so a loop over a book goes on."""
    if isinstance(snapshot, dict):
        return snapshot
    if _is_pandas_series(snapshot):
        return snapshot.to_dict()
    if hasattr(snapshot, "keys") and hasattr(snapshot, "__getitem__"):
        return {key: snapshot[key] for key in snapshot.keys()}
    return snapshot


def _is_pandas_series(value: Any) -> bool:
    """Whether ``value`` is a pandas ``Series``, told without importing pandas."""
    return type(value).__module__.split(".")[0] == "pandas" and type(value).__name__ == "Series"


def _as_of_text(as_of: Any) -> Optional[str]:
    """``as_of`` as the engine takes it: a ``date`` (or a ``datetime`` at
    midnight) as its YYYY-MM-DD text; a string as it is, for the engine to judge."""
    if as_of is None or isinstance(as_of, str):
        return as_of
    if isinstance(as_of, _dt.date):
        return _json_default(as_of)
    raise TypeError(f"as_of is a YYYY-MM-DD string or a datetime.date, not {type(as_of).__name__}")


def _stream_capsule(
    data: Any, pa: Any, raised: List[BaseException], names: List[str], fields: Optional[Dict[str, Any]] = None
) -> Any:
    """An ``arrow_array_stream`` capsule for any tabular input; an exception
    a ``RecordBatchReader`` raises while read is put in ``raised``. Of a
    pandas frame only the columns under ``names`` (the schema's top-level
    fields) are converted."""
    if isinstance(data, pa.Table):
        # A table of many tiny chunks (built a row at a time) would cross the
        # C stream interface a batch per chunk, each imported on its own
        # (20,000 one-row chunks: 1.5 s, against 0.04 s merged first).
        chunks = data.column(0).num_chunks if data.num_columns else 0
        if chunks > max(1, data.num_rows // 64):
            data = data.combine_chunks()
        return data.__arrow_c_stream__()
    if isinstance(data, pa.RecordBatchReader):
        return _batches_as_declared(data, pa, raised).__arrow_c_stream__()
    module = type(data).__module__.split(".")[0]
    if module == "pandas" and hasattr(data, "columns"):
        return _pandas_table(data, pa, names, fields or {}).__arrow_c_stream__()
    if _is_pandas_series(data):
        raise TypeError("decide_table takes a table, not a pandas Series: decide one row with decide(row)")
    if isinstance(data, (pa.Array, pa.ChunkedArray)) and not pa.types.is_struct(data.type):
        raise _one_column(data, f" of {data.type}")
    if module == "pyarrow" and hasattr(data, "scanner") and hasattr(data, "files"):
        # A pyarrow.dataset (a folder of Parquet files in a lake): streamed
        # batch by batch, never read whole, in the order of its files.
        return data.scanner().to_reader().__arrow_c_stream__()
    if module == "pyarrow" and type(data).__name__ == "Scanner":
        # A dataset's scan with its filter or columns (`dataset.scanner(filter=...)`).
        return data.to_reader().__arrow_c_stream__()
    if module == "polars" and type(data).__name__ == "LazyFrame":
        data = data.collect()  # a query: its rows are what is decided
    if hasattr(data, "__arrow_c_stream__"):
        # Through pyarrow, which streams the batches as they come and exports
        # every type as the C data interface specifies: polars exports a
        # column of nulls (an optional field never given) with a buffer the
        # interface does not have, which the engine's importer refuses.
        try:
            return pa.RecordBatchReader.from_stream(data).__arrow_c_stream__()
        except pa.ArrowInvalid as e:
            # A column of another library (a polars Series) exports a stream of one column.
            if "non-struct type" in str(e):
                raise _one_column(data, "") from None
            raise
    if hasattr(data, "__arrow_c_array__"):
        return pa.record_batch(data).__arrow_c_stream__()
    if module == "polars":
        return data.to_arrow().__arrow_c_stream__()
    raise TypeError(f"decide_table takes Arrow data (a pyarrow Table, pandas or polars DataFrame), not {type(data).__name__}")


def _one_column(data: Any, of_type: str) -> TypeError:
    """The error for one column given where a table is: pyarrow's own for it
    ("ArrowSchema describes non-struct type") did not say what to pass."""
    return TypeError(
        f"decide_table takes a table, not one column ({type(data).__name__}{of_type}): "
        "pass the pyarrow Table or RecordBatch holding it"
    )


def _pandas_table(frame: Any, pa: Any, names: List[str], fields: Dict[str, Any]) -> Any:
    """A pandas DataFrame as a pyarrow Table, of only the columns the schema
    reads (under ``names``, its top-level fields) when another stops the
    conversion; a column pyarrow cannot convert (Python objects of mixed
    kinds, a float among the Decimals of a money column, an int beyond 64
    bits) is named with the first row that differs, as a ValueError."""
    # A named index (`df.set_index("id")`, where analysts keep the key) is
    # read as the column of its name; an unnamed one is only row labels.
    named = [name for name in frame.index.names if name is not None and name not in frame.columns]
    if named:
        frame = frame.reset_index(level=named)
    # A field's column twice (`pd.concat` of overlapping frames): refused as
    # the engine refuses it in a pyarrow table, before pyarrow's own refusal.
    for name, count in _Counter(c for c in frame.columns if isinstance(c, str)).items():
        if count > 1 and name.split(".", 1)[0] in names:
            raise ValueError(
                f"the table gives the field `{name}` in {count} columns (keep one column for `{name}`: "
                "two columns of one name could each be the one meant)"
            )
    failures = (pa.ArrowTypeError, ValueError, OverflowError)  # ArrowInvalid is a ValueError
    try:
        return _all_missing_as_null(pa.Table.from_pandas(frame, preserve_index=False), pa)
    except failures as error:
        failure = error
    texted = _amounts_and_dates_as_text(frame, fields)
    if texted is not None:
        try:
            return _all_missing_as_null(pa.Table.from_pandas(texted, preserve_index=False), pa)
        except failures:
            pass  # another column: said below, of the frame as given
    # A column the schema does not name is never read (as the JSON reader
    # ignores a key it does not know), so it must not stop the table:
    # pyarrow converts a whole frame or nothing, and a scratch column of
    # mixed objects, or two unrelated columns of one name, refused it. The
    # frame was tried whole first, so that a misspelt column is still there
    # to be suggested for the field it misses.
    read = [isinstance(c, str) and c.split(".", 1)[0] in names for c in frame.columns]
    if not all(read):
        frame = frame.loc[:, read]
        try:
            return _all_missing_as_null(pa.Table.from_pandas(frame, preserve_index=False), pa)
        except failures as error:
            failure = error
    raise _not_converted(frame, failure) from failure


def _amounts_and_dates_as_text(frame: Any, fields: Dict[str, Any]) -> Any:
    """``frame`` with the money, decimal and date values in its columns of
    Python objects (a field's column, or the records of a list or a nested
    record) written as text, when their values mix kinds the engine reads
    from text (``Decimal``, int and str amounts; ``date`` and str dates),
    which pyarrow refuses to put in one column; ``None`` when no column
    changes. Read as text, a value that is no amount or date is its own
    row's error record instead of the whole table's refusal. A float among
    amounts, or any other object, leaves its column as it is (to be refused:
    a float has already rounded the amount)."""
    texts: Dict[Any, List[Any]] = {}
    for column in frame.columns:
        kind = fields.get(column) if isinstance(column, str) else None
        if kind is None or frame[column].dtype != object or not _holds_amounts_or_dates(kind):
            continue
        column_texts = [_as_text(value, kind) for value in frame[column]]
        if not any(value is _LEFT for value in column_texts):
            texts[column] = column_texts
    if not texts:
        return None
    frame = frame.copy()
    for column, column_texts in texts.items():
        frame[column] = column_texts
    return frame


def _holds_amounts_or_dates(kind: Any) -> bool:
    if isinstance(kind, str):
        return kind.rstrip("?") in ("money", "decimal", "date")
    if isinstance(kind, list):
        return any(_holds_amounts_or_dates(k) for k in kind)
    if isinstance(kind, dict):
        return any(_holds_amounts_or_dates(k) for k in kind.values())
    return False


def _as_text(value: Any, kind: Any) -> Any:
    """``value`` of a field of ``kind`` with its amounts and dates as text;
    ``_LEFT`` when one of them is a value not to be written so."""
    if isinstance(kind, str):
        base = kind.rstrip("?")
        if base in ("money", "decimal"):
            return _amount_text(value)
        return _date_text(value) if base == "date" else value
    if isinstance(kind, list) and kind and isinstance(value, (list, tuple)):
        elements = [_as_text(element, kind[0]) for element in value]
        return _LEFT if any(e is _LEFT for e in elements) else elements
    if isinstance(kind, dict) and isinstance(value, dict):
        members = {key: _as_text(member, kind.get(key)) for key, member in value.items()}
        return _LEFT if any(m is _LEFT for m in members.values()) else members
    return value


#: What ``_amount_text`` and ``_date_text`` give for a value they do not write as text.
_LEFT = object()


def _amount_text(value: Any) -> Any:
    if _missing(value):
        return None
    value = _python_value(value)
    if isinstance(value, bool) or isinstance(value, float):
        return _LEFT
    if isinstance(value, int):
        return str(value)
    if isinstance(value, _decimal.Decimal):
        return format(value, "f") if value.is_finite() else str(value)
    return value if isinstance(value, str) else _LEFT


def _date_text(value: Any) -> Any:
    if _missing(value):
        return None
    value = _python_value(value)
    if isinstance(value, _dt.datetime):
        # A midnight without a zone is its day, as ``decide`` reads it; any
        # other time is written whole, for its row to be refused.
        midnight = value.tzinfo is None and value.time() == _dt.time(0)
        return value.date().isoformat() if midnight else value.isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    return value if isinstance(value, str) else _LEFT


def _not_converted(frame: Any, error: BaseException) -> ValueError:
    """Why ``frame`` could not be converted to Arrow, naming the column and
    the first row that differs from the column's first value."""
    if isinstance(error, OverflowError):
        return ValueError(_beyond_int64(frame) or f"the table could not be converted to Arrow: {error}")
    details = [str(a) for a in error.args]
    marker = "Conversion failed for column "
    named = [d.split(marker, 1)[1].split(" with type")[0] for d in details if marker in d]
    column = named[0] if named else None
    if column is None or column not in frame.columns:
        return ValueError(f"the table could not be converted to Arrow: {error}")
    # pandas' missing values (None, NaN, NA) are nulls to pyarrow, not a kind of value.
    # Rows by their index labels, as `df.loc` finds them (a filtered
    # frame's first row may be labelled 2,041).
    present = [(_python_value(label), v) for label, v in frame[column].items() if not _missing(v)]
    odd = next(((label, v) for label, v in present if type(v) is not type(present[0][1])), None)
    where = ""
    if odd is not None:
        (first_row, first), (row, value) = present[0], odd
        where = f": row {row!r} holds a {type(value).__name__} where row {first_row!r} holds a {type(first).__name__}"
    return ValueError(
        f"column `{column}` could not be converted to Arrow ({details[0]}){where}; a column of Python "
        "objects must hold one kind of value (for money: Decimals or strings, never floats)"
    )


def _beyond_int64(frame: Any) -> Optional[str]:
    """What names the first Python int of ``frame`` beyond 64 bits (which
    pyarrow cannot convert): its column and row label."""
    for column, values in frame.items():
        for label, value in values.items():
            if type(value) is int and not -(2**63) <= value < 2**63:
                return (
                    f"column `{column}` could not be converted to Arrow: row {_python_value(label)!r} holds "
                    f"{value}, beyond a 64-bit integer (for money, pass Decimals or strings)"
                )
    return None


def _all_missing_as_null(table: Any, pa: Any) -> Any:
    """``table`` with each float column that holds no value at all (pandas'
    all-``NaN`` column: a blank column of a CSV, an optional field nobody
    filled) as a column of type null, which fits any field: ``none`` in an
    optional one, as ``decide`` reads the same row's ``NaN``. Left as
    float64 it would refuse the whole table for a bool or text field."""
    rows = table.num_rows
    for i, column in enumerate(table.columns):
        if rows and pa.types.is_floating(column.type) and column.null_count == rows:
            table = table.set_column(i, table.schema.field(i).name, pa.nulls(rows))
    return table


def _missing(value: Any) -> bool:
    """None, pandas' NA and NaT, and a float NaN: what pandas calls missing."""
    value = _python_value(value)
    return value is None or (isinstance(value, float) and _math.isnan(value))


def _batches_as_declared(reader: Any, pa: Any, raised: List[BaseException]) -> Any:
    """``reader`` with each batch checked against the stream's schema.

    The Arrow C stream hands every batch over under the schema the stream
    declared, and the engine reads its buffers as that schema says. A reader
    made with ``pa.RecordBatchReader.from_batches`` does not check its
    batches, so a batch of other types (an int32 column in a stream declared
    int64, as when one file of a lake table was written differently) would be
    read as what it is not. Such a batch is refused here, by name.
    """
    schema = reader.schema

    def batches() -> Any:
        try:
            for number, batch in enumerate(reader, start=1):
                # Names and types: a column's nullability changes nothing in its buffers.
                if batch.schema.names != schema.names or batch.schema.types != schema.types:
                    raise ValueError(f"batch {number} of the stream {_schema_difference(schema, batch.schema)}")
                yield batch
        except GeneratorExit:
            raise  # the stream closed early: the engine's own error says why
        except BaseException as error:
            # Crossing the C stream turns it into a ValueError: kept, to be
            # raised as it is (a KeyboardInterrupt is no bad table).
            raised.append(error)
            raise

    return pa.RecordBatchReader.from_batches(schema, batches())


def _schema_difference(declared: Any, found: Any) -> str:
    """What sets a batch's schema apart from the stream's, in words."""
    if declared.names != found.names:
        return f"has the columns {found.names}, where the stream declares {declared.names}"
    for want, got in zip(declared, found):
        if want.type != got.type:
            return f"has column `{got.name}` as {got.type}, where the stream declares {want.type}"
    return "does not have the stream's schema"


def _files_of(policy: Policy) -> Tuple[str, Dict[str, bytes]]:
    """The policy file's name and the contents of every file the policy was
    loaded from, as the engine read them when it loaded it (what its
    fingerprint covers), by their paths relative to the policy's folder."""
    files = [_os.path.abspath(path) for path in policy._inner.files]
    base = _os.path.dirname(files[0])
    contents = {_os.path.relpath(path, base): text for path, text in zip(files, policy._inner.contents)}
    return _os.path.relpath(files[0], base), contents


def _from_contents(name: str, contents: Dict[str, bytes], fingerprint: Optional[str] = None) -> Policy:
    """Loads a policy from its files' contents (see ``_files_of``), written
    to a private folder that is removed once it is loaded (hooks and batches
    are read at load). ``fingerprint``: the one it must have."""
    import shutil
    import tempfile

    folder = tempfile.mkdtemp(prefix="verdict-policy-")
    try:
        # Files above the policy's folder (`../schema.yaml`) keep their place
        # under a nested root, so relative paths resolve as they did.
        depth = max((p.count(_os.pardir + _os.sep) for p in contents), default=0)
        root = _os.path.join(folder, *(["d"] * depth))
        for relative, data in contents.items():
            target = _os.path.normpath(_os.path.join(root, relative))
            _os.makedirs(_os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as f:
                f.write(data)
        policy = load(_os.path.join(root, name))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if fingerprint is not None and policy.fingerprint != fingerprint:
        raise ValueError(
            f"policy {policy.name!r}: its files changed on disk since it was loaded "
            f"({fingerprint} then, {policy.fingerprint} now); load it again"
        )
    policy._shipped = (name, contents)
    return policy


def load(path: Union[str, bytes, "_os.PathLike[str]", "_os.PathLike[bytes]"]) -> Policy:
    """Loads, checks and compiles a policy and every file it names.

    Raises ``PolicyError`` (with every diagnostic) when it does not compile.
    """
    if not isinstance(path, (str, bytes, _os.PathLike)):
        raise TypeError(f"load takes a path (str, bytes or os.PathLike), not {type(path).__name__}")
    try:
        # A bytes path as the file system decodes it (`os.fsdecode`), as `open` takes it.
        policy = Policy(_verdict.load(_os.fsdecode(path)))
    except ValueError as error:
        if len(error.args) == 2 and isinstance(error.args[1], list):
            raise PolicyError(error.args[0], error.args[1]) from None
        raise
    return policy
