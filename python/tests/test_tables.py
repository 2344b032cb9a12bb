"""Policy.decide_table over pyarrow, pandas and polars: the CLI's decisions, row for row."""

import json
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import verdict
from conftest import POLICY, cli_decisions

COLUMNS = ["id", "outcome", "until", "limit", "reasons", "actions", "fired", "scores", "arms", "error_kind", "error_message"]


def rows_as_json_keys():
    """The members of a JSON decision that the decision table's rows hold."""
    return ("id", "outcome", "until", "limit", "reasons", "actions", "fired", "error")


def rows_as_json(table: pa.Table):
    """The decision table's rows in the shape of the JSON decisions, for comparison."""
    return dicts_as_json(table.to_pylist())


def dicts_as_json(rows):
    out = []
    for row in rows:
        if row["error_kind"] is not None:
            out.append({"id": row["id"], "error": {"kind": row["error_kind"], "message": row["error_message"]}})
            continue
        out.append(
            {
                "id": row["id"],
                "outcome": row["outcome"],
                "until": row["until"].isoformat() if row["until"] else None,
                "limit": row["limit"],
                "reasons": row["reasons"],
                "actions": [{k: v for k, v in a.items() if v is not None} for a in row["actions"]],
                "fired": row["fired"],
            }
        )
    return out


def cli_as_rows(decisions):
    out = []
    for d in decisions:
        if "error" in d:
            out.append({"id": d.get("id"), "error": d["error"]})
        else:
            out.append({k: d[k] for k in ("id", "outcome", "until", "limit", "reasons", "actions", "fired")})
    return out


def test_decide_table_gives_the_cli_decisions_for_a_generated_book(generated):
    parquet, jsonl = generated
    policy = verdict.load(POLICY)
    table = pq.read_table(parquet)
    decided = policy.decide_table(table)
    assert decided.column_names == COLUMNS
    assert decided.num_rows == table.num_rows
    assert decided.schema.field("limit").type == pa.string()
    assert rows_as_json(decided) == cli_as_rows(cli_decisions(str(POLICY), str(jsonl)))
    # The policy that decided travels with the table, as with `eval --format parquet`.
    metadata = decided.schema.metadata
    assert metadata[b"verdict.policy.fingerprint"] == policy.fingerprint.encode()
    assert metadata[b"verdict.policy.name"] == policy.name.encode()
    assert metadata[b"verdict.policy.version"] == policy.version.encode()


def test_a_pandas_row_decides_as_its_table_does(generated):
    # `policy.decide(df.iloc[i].to_dict())`: numpy arrays for lists and sets,
    # numpy scalars, float64 for an optional int with gaps, NaN for missing.
    pandas = pytest.importorskip("pandas")
    policy = verdict.load(POLICY)
    table = pq.read_table(generated[0]).slice(0, 300)
    frame = table.to_pandas()
    assert frame["birth_year"].dtype == "float64" and frame["birth_year"].isna().any()
    rows = [frame.iloc[i].to_dict() for i in range(len(frame))]
    assert any(not isinstance(r["overdues"], list) for r in rows), "lists come as numpy arrays"
    decided = [policy.decide(row) for row in rows]
    assert [d for d in decided if "error" in d] == []
    assert cli_as_rows(decided) == rows_as_json(policy.decide_table(frame))


def test_a_pandas_row_with_dotted_columns_decides_as_its_table_does(generated):
    # A nested record written flat, in columns named by its dotted path: the
    # table reads them, and so does each of its rows.
    pytest.importorskip("pandas")
    policy = verdict.load(POLICY)
    table = pq.read_table(generated[0]).slice(0, 200)
    identity = table.column("identity").combine_chunks()
    flat = table.drop_columns(["identity"])
    flat = flat.append_column("identity.verified", identity.field("verified"))
    flat = flat.append_column("identity.mismatch_fields", identity.field("mismatch_fields"))
    frame = flat.to_pandas()
    expected = rows_as_json(policy.decide_table(table))
    assert rows_as_json(policy.decide_table(frame)) == expected
    rows = [frame.iloc[i].to_dict() for i in range(len(frame))]
    assert "identity.verified" in rows[0] and "identity" not in rows[0]
    assert cli_as_rows([policy.decide(row) for row in rows]) == expected
    # Given partly inside the record and partly flat, the flat fields fill it
    # in (a field given both ways is refused, as a table with both columns is).
    part = {k: v for k, v in rows[0].items() if k != "identity.verified"}
    part["identity"] = {"verified": rows[0]["identity.verified"]}
    assert policy.decide(part) == policy.decide(rows[0])


def test_a_stream_of_tiny_batches_is_decided_as_one_table(generated):
    # A producer yielding a row at a time: its batches are gathered into
    # tasks of about 2,048 rows (each tiny batch was decided, dispatched and
    # written as a batch of its own, about 100 times slower), with the same
    # rows in the same order.
    parquet, _ = generated
    policy = verdict.load(POLICY)
    table = pq.read_table(parquet).combine_chunks()
    expected = policy.decide_table(table)
    for rows in (1, 7):
        tiny = pa.Table.from_batches(table.to_batches(max_chunksize=rows))
        assert tiny.column(0).num_chunks == -(-table.num_rows // rows)
        decided = policy.decide_table(tiny)
        assert decided.equals(expected)
        assert decided.column(0).num_chunks <= 3, decided.column(0).num_chunks
    # A large batch after small ones first fills the open task: no task
    # grows past 2,048 rows (a whole slice once joined a task of one row).
    mixed = pa.Table.from_batches(table.slice(0, 3).to_batches(max_chunksize=1) + table.slice(3).to_batches())
    decided = policy.decide_table(mixed)
    assert decided.equals(expected)
    assert max(len(chunk) for chunk in decided.column(0).chunks) <= 2048


def test_record_batches_pandas_and_polars_give_the_same_table(generated):
    parquet, _ = generated
    policy = verdict.load(POLICY)
    table = pq.read_table(parquet).slice(0, 1500)
    expected = policy.decide_table(table)
    assert policy.decide_table(table.to_batches()[0]).num_rows == table.to_batches()[0].num_rows
    assert policy.decide_table(table.combine_chunks().to_batches()[0]).equals(expected)
    pandas = pytest.importorskip("pandas")
    frame = table.to_pandas()
    assert isinstance(frame, pandas.DataFrame)
    assert policy.decide_table(frame).equals(expected)
    # The key kept as the index, where analysts often keep it, is read as its column.
    assert policy.decide_table(frame.set_index("id")).equals(expected)
    assert policy.decide_table(frame.set_index("id", drop=False)).equals(expected)
    polars = pytest.importorskip("polars")
    assert policy.decide_table(polars.from_arrow(table)).equals(expected)


def test_a_polars_column_of_nulls_is_read_like_pyarrows(generated):
    # polars gives an all-None column its own Null type, and exports it with
    # a buffer the C data interface does not have.
    polars = pytest.importorskip("polars")
    parquet, _ = generated
    policy = verdict.load(POLICY)
    table = pq.read_table(parquet).slice(0, 50)
    optional = "appeal_open"
    nulls = table.set_column(table.schema.get_field_index(optional), optional, pa.nulls(table.num_rows))
    nulls = nulls.append_column("unused", pa.nulls(table.num_rows))
    expected = policy.decide_table(nulls)
    frame = polars.from_arrow(nulls)
    assert frame.schema[optional] == polars.Null
    assert policy.decide_table(frame).equals(expected)


def test_broken_rows_are_error_records_in_place_like_the_cli(generated, tmp_path):
    parquet, _ = generated
    policy = verdict.load(POLICY)
    table = pq.read_table(parquet).slice(0, 50)
    # Break rows 3 and 40: a required score missing, a status that is no member.
    score = table.column("score").to_pylist()
    score[3] = None
    status = table.column("status").to_pylist()
    status[40] = "dormant"
    table = table.set_column(table.schema.get_field_index("score"), "score", pa.array(score, pa.int64()))
    table = table.set_column(table.schema.get_field_index("status"), "status", pa.array(status, pa.string()))
    decided = policy.decide_table(table)
    kinds = decided.column("error_kind").to_pylist()
    assert [i for i, k in enumerate(kinds) if k is not None] == [3, 40]
    assert "score" in decided.column("error_message")[3].as_py()
    path = tmp_path / "broken.parquet"
    pq.write_table(table, path)
    assert rows_as_json(decided) == cli_as_rows(cli_decisions(str(POLICY), str(path)))


def test_float_money_is_refused(generated):
    policy = verdict.load(POLICY)
    table = pq.read_table(generated[0]).slice(0, 10)
    index = table.schema.get_field_index("credit_limit")
    table = table.set_column(index, "credit_limit", table.column("credit_limit").cast(pa.float64()))
    with pytest.raises(ValueError, match="floating point"):
        policy.decide_table(table)


def test_columns_are_checked_even_without_rows(generated):
    # The CLI refuses a file without a required column before reading a row;
    # so does decide_table, also for an empty table.
    policy = verdict.load(POLICY)
    table = pq.read_table(generated[0]).slice(0, 0)
    table = table.rename_columns(["scor" if name == "score" else name for name in table.column_names])
    with pytest.raises(ValueError, match=r"no column for the required field `score`.*scor"):
        policy.decide_table(table)
    assert policy.decide_table(pq.read_table(generated[0]).slice(0, 0)).num_rows == 0


def test_an_empty_pandas_frame_decides_to_no_rows(generated):
    # A filter that matches nothing: pandas' struct column then holds no
    # value to tell its type (Arrow's `null`), which reads as null records.
    policy = verdict.load(POLICY)
    frame = pq.read_table(generated[0]).to_pandas()
    empty = frame[frame["score"] > 10_000]
    assert len(empty) == 0
    decided = policy.decide_table(empty)
    assert decided.num_rows == 0 and decided.column_names == COLUMNS


def test_a_polars_lazy_frame_is_collected_and_decided(generated):
    polars = pytest.importorskip("polars")
    policy = verdict.load(POLICY)
    table = pq.read_table(generated[0]).slice(0, 100)
    lazy = polars.from_arrow(table).lazy().filter(polars.col("score") > 0)
    assert policy.decide_table(lazy).equals(policy.decide_table(table))


def test_a_float_among_the_decimals_of_a_pandas_column_is_named_with_its_row(generated):
    from decimal import Decimal

    policy = verdict.load(POLICY)
    whole = pq.read_table(generated[0]).slice(0, 20).to_pandas()
    frame = whole[whole.index >= 10].copy()  # filtered: its rows are labelled 10 to 19
    frame["balance"] = [Decimal("1"), None, Decimal("2"), 2.5] + [Decimal("3")] * 6
    with pytest.raises(ValueError) as raised:
        policy.decide_table(frame)
    message = str(raised.value)
    assert message.startswith("column `balance` could not be converted to Arrow"), message
    # Named by the labels `frame.loc` finds them by, not by position.
    assert "row 13 holds a float where row 10 holds a Decimal" in message, message


def test_decide_table_refuses_what_is_not_a_table():
    with pytest.raises(TypeError):
        verdict.load(POLICY).decide_table([1, 2, 3])


def test_the_columns_read_name_each_field_once_whatever_the_keys_place(tmp_path):
    # The key is the last field here: it must not be listed twice.
    (tmp_path / "s.schema.yaml").write_text(
        "entity: account\nkey: id\nfields:\n  score: int\n  limits:\n    line: money\n  id: string\n"
    )
    (tmp_path / "p.policy").write_text(
        'policy "p" version "1"\nschema "s.schema.yaml"\n\nrule "low" {\n  when score < 500\n  then close reason "S" "low"\n}\n'
    )
    policy = verdict.load(str(tmp_path / "p.policy"))
    assert policy._inner.columns == ["id", "score", "limits", "as_of"]


def top_level_date_columns(table: pa.Table):
    return [f.name for f in table.schema if pa.types.is_date32(f.type)]


def with_dates_as(table: pa.Table, timestamp: pa.DataType) -> pa.Table:
    """The table with every top-level date column stored as midnights of `timestamp`."""
    for name in top_level_date_columns(table):
        naive = table.column(name).cast(pa.timestamp(timestamp.unit))
        table = table.set_column(table.schema.get_field_index(name), name, naive.cast(timestamp))
    return table


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
@pytest.mark.parametrize("tz", [None, "UTC", "Asia/Shanghai"])
def test_dates_stored_as_timestamps_of_midnight_decide_as_dates(generated, unit, tz):
    # Spark and pandas write dates as timestamps; a midnight (UTC when zoned) is that day.
    policy = verdict.load(POLICY)
    table = pq.read_table(generated[0]).slice(0, 300)
    assert {"opened_on", "as_of"} <= set(top_level_date_columns(table))
    expected = policy.decide_table(table)
    assert policy.decide_table(with_dates_as(table, pa.timestamp(unit, tz=tz))).equals(expected)


def test_pandas_datetime_columns_of_midnights_decide_as_dates(generated):
    pandas = pytest.importorskip("pandas")
    policy = verdict.load(POLICY)
    table = pq.read_table(generated[0]).slice(0, 300)
    expected = policy.decide_table(table)
    frame = table.to_pandas()
    for name in top_level_date_columns(table):
        frame[name] = pandas.to_datetime(frame[name])
    assert str(frame["opened_on"].dtype).startswith("datetime64")
    assert policy.decide_table(frame).equals(expected)
    for name in top_level_date_columns(table):
        frame[name] = frame[name].dt.tz_localize("UTC")
    assert policy.decide_table(frame).equals(expected)


def test_a_timestamp_that_is_not_midnight_is_that_rows_error_naming_column_and_value(generated):
    pandas = pytest.importorskip("pandas")
    policy = verdict.load(POLICY)
    table = pq.read_table(generated[0]).slice(0, 20)
    frame = table.to_pandas()
    frame["opened_on"] = pandas.to_datetime(frame["opened_on"])
    opened = frame.loc[5, "opened_on"]
    frame.loc[5, "opened_on"] = opened + pandas.Timedelta(hours=13, minutes=45)
    decided = policy.decide_table(frame)
    kinds = decided.column("error_kind").to_pylist()
    assert [i for i, k in enumerate(kinds) if k is not None] == [5]
    assert kinds[5] == "snapshot"
    message = decided.column("error_message")[5].as_py()
    assert message.startswith(f"opened_on: expected date (YYYY-MM-DD), found the timestamp {opened.date()}T13:45:00, ")
    assert "not midnight" in message
    # Every other row decides as with the date column.
    expected = policy.decide_table(table)
    assert decided.slice(0, 5).equals(expected.slice(0, 5))
    assert decided.slice(6).equals(expected.slice(6))


def test_column_errors_name_the_column_not_a_file_format(generated):
    # decide_table's input came from memory: no "Parquet column".
    policy = verdict.load(POLICY)
    table = pq.read_table(generated[0]).slice(0, 10)
    as_text = table.set_column(
        table.schema.get_field_index("score"), "score", table.column("score").cast(pa.string())
    )
    frames = [as_text]
    pandas = pytest.importorskip("pandas")
    frames.append(as_text.to_pandas())
    polars = pytest.importorskip("polars")
    frames.append(polars.from_arrow(as_text))
    for data in frames:
        with pytest.raises(ValueError) as raised:
            policy.decide_table(data)
        message = str(raised.value)
        assert "column `score` is " in message and "the field needs an integer column" in message, message
        assert "Parquet" not in message, message
    floats = table.set_column(
        table.schema.get_field_index("credit_limit"), "credit_limit", table.column("credit_limit").cast(pa.float64())
    )
    with pytest.raises(ValueError) as raised:
        policy.decide_table(floats)
    assert str(raised.value).startswith("column `credit_limit` holds binary floating point (Float64)")
    missing = table.drop_columns(["score"])
    with pytest.raises(ValueError, match=r"^the table has no column for the required field `score`"):
        policy.decide_table(missing)
    # Every column problem at once, each in the table's terms, in field order.
    both = floats.drop_columns(["score"])
    with pytest.raises(ValueError) as raised:
        policy.decide_table(both)
    problems = str(raised.value).splitlines()
    assert problems[0].startswith("column `credit_limit` holds binary floating point (Float64)"), problems
    assert problems[1].startswith("the table has no column for the required field `score`"), problems


def test_the_gil_is_released_while_deciding(generated):
    # A Python thread stamps the clock every millisecond. Had decide_table
    # held the GIL, no stamp could fall inside the call, whatever its length;
    # released, the thread stamps all through it. Only the middle half of the
    # call is looked at, so a thread switch at either end cannot pass for it.
    import threading
    import time

    policy = verdict.load(POLICY)
    book = pq.read_table(generated[0])
    stamps, stop = [], threading.Event()

    def stamp():
        while not stop.is_set():
            stamps.append(time.perf_counter())
            time.sleep(0.001)

    thread = threading.Thread(target=stamp)
    thread.start()
    try:
        while True:
            start = time.perf_counter()
            decided = policy.decide_table(book)
            end = time.perf_counter()
            if end - start >= 0.2 or book.num_rows >= 4_000 * 64:
                break
            book = pa.concat_tables([book, book])
    finally:
        stop.set()
        thread.join()
    assert decided.num_rows == book.num_rows
    quarter = (end - start) / 4
    during = [t for t in stamps if start + quarter < t < end - quarter]
    assert end - start >= 0.05, f"the call took {end - start:.3f}s: too short to tell"
    assert len(during) >= 3, f"{len(during)} stamps in the middle of a {end - start:.3f}s call"


def _stream(*batches):
    return pa.RecordBatchReader.from_batches(batches[0].schema, iter(batches))


def test_a_stream_batch_unlike_the_streams_schema_is_refused_by_name(generated):
    # The C stream hands each batch over under the stream's schema: a batch
    # of other types would be read as what it is not (an int32 column as
    # int64 past its buffer's end, a large_string's offsets as a string's).
    policy = verdict.load(POLICY)
    table = pq.read_table(generated[0]).slice(0, 20).combine_chunks()
    good = table.to_batches()[0]
    expected = policy.decide_table(pa.Table.from_batches([good, good]))
    assert policy.decide_table(_stream(good, good)).equals(expected)
    # Nullability alone changes no buffer: such a batch decides as the others.
    fields = [pa.field(f.name, f.type, nullable=False) if f.name == "id" else f for f in good.schema]
    strict = pa.RecordBatch.from_arrays(good.columns, schema=pa.schema(fields))
    assert policy.decide_table(_stream(good, strict)).equals(expected)
    at = good.schema.get_field_index
    narrow = good.set_column(at("score"), "score", good.column("score").cast(pa.int32()))
    with pytest.raises(ValueError, match=r"batch 2 of the stream has column `score` as int32, where the stream declares int64"):
        policy.decide_table(_stream(good, narrow))
    large = good.set_column(at("id"), "id", good.column("id").cast(pa.large_string()))
    with pytest.raises(ValueError, match=r"batch 3 of the stream has column `id` as large_string, where the stream declares string"):
        policy.decide_table(_stream(good, good, large))
    fewer = good.drop_columns(["tags"])
    with pytest.raises(ValueError, match=r"batch 2 of the stream has the columns \[.*\], where the stream declares"):
        policy.decide_table(_stream(good, fewer))


def test_an_exception_of_the_code_feeding_a_stream_reaches_the_caller_as_it_is(generated):
    # A generator reading a lake's files fails (a missing file, a bad key):
    # the caller catches that exception, not the C stream's ValueError around it.
    policy = verdict.load(POLICY)
    good = pq.read_table(generated[0]).slice(0, 5).combine_chunks().to_batches()[0]

    def failing():
        yield good
        raise KeyError("customer_ref")

    with pytest.raises(KeyError, match="customer_ref"):
        policy.decide_table(pa.RecordBatchReader.from_batches(good.schema, failing()))
    # And one the stream's schema check raises is the same ValueError, without the C stream's wording.
    narrow = good.set_column(good.schema.get_field_index("score"), "score", good.column("score").cast(pa.int32()))
    with pytest.raises(ValueError) as raised:
        policy.decide_table(_stream(good, narrow))
    assert str(raised.value).startswith("batch 2 of the stream"), raised.value
    # A Ctrl-C or an exit in the feeding code is no bad table: not a ValueError.
    for stop in (KeyboardInterrupt(), SystemExit(3)):

        def stopped(stop=stop):
            yield good
            raise stop

        with pytest.raises(type(stop)):
            policy.decide_table(pa.RecordBatchReader.from_batches(good.schema, stopped()))


def test_ctrl_c_stops_a_table_between_batches(generated, tmp_path):
    # A dataset of many files is read by Arrow alone, running no Python code:
    # the signal's handler runs between batches, not once the whole table
    # is decided. The handler here records when it ran and raises nothing,
    # so the whole table is decided all the same and the two times compare.
    import signal
    import time

    import pyarrow.dataset as ds

    policy = verdict.load(POLICY)
    files = [str(generated[0])] * 400  # 1.6 million rows, 4,000 a batch
    ran = []
    previous = signal.signal(signal.SIGALRM, lambda *_: ran.append(time.monotonic()))
    try:
        start = time.monotonic()
        signal.setitimer(signal.ITIMER_REAL, 0.2)
        decided = policy.decide_table(ds.dataset(files))
        took = time.monotonic() - start
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert decided.num_rows == 1_600_000
    assert ran, "the handler ran"
    # Within a few batches of the signal, where the whole table took seconds.
    assert ran[0] - start < 0.2 + took / 4, (ran[0] - start, took)


def test_list_columns_that_are_empty_in_every_row_decide(generated):
    # pyarrow, pandas and polars type a list column with no item in any row
    # `list<null>`: a set, or a list of records, empty in every row.
    pandas = pytest.importorskip("pandas")
    policy = verdict.load(POLICY)
    rows = [json.loads(line) for line in open(generated[1])][:200]
    calm = [r for r in rows if not r["overdues"] and not r["identity"]["mismatch_fields"]][:5]
    assert len(calm) >= 2
    # Every row with every key: `from_pylist` takes its columns from the first row alone.
    keys = list(dict.fromkeys(k for r in calm for k in r))
    calm = [{k: r.get(k) for k in keys} for r in calm]
    table = pa.Table.from_pylist(calm)
    assert table.schema.field("overdues").type == pa.list_(pa.null())
    expected = [policy.decide(r) for r in calm]
    assert [d for d in expected if "error" in d] == []
    assert rows_as_json(policy.decide_table(table)) == cli_as_rows(expected)
    assert rows_as_json(policy.decide_table(pandas.DataFrame(calm))) == cli_as_rows(expected)
    polars = pytest.importorskip("polars")
    assert rows_as_json(policy.decide_table(polars.DataFrame(calm))) == cli_as_rows(expected)


def test_a_field_given_by_two_columns_is_refused(generated):
    policy = verdict.load(POLICY)
    table = pq.read_table(generated[0]).slice(0, 10)
    twice = table.append_column("score", table.column("score"))
    with pytest.raises(ValueError, match=r"the table gives the field `score` in 2 columns"):
        policy.decide_table(twice)
    identity = table.column("identity").combine_chunks()
    flat_too = table.append_column("identity.verified", identity.field("verified"))
    with pytest.raises(ValueError, match=r"the field `identity.verified` in 2 columns"):
        policy.decide_table(flat_too)


def test_a_dataset_scanner_is_decided_as_its_rows(generated):
    import pyarrow.dataset as ds

    policy = verdict.load(POLICY)
    dataset = ds.dataset([str(generated[0])])
    scanner = dataset.scanner(filter=ds.field("score") > 700)
    expected = policy.decide_table(dataset.to_table(filter=ds.field("score") > 700))
    assert policy.decide_table(scanner).equals(expected)
    assert 0 < expected.num_rows < 4000


def test_a_field_given_by_two_columns_of_a_pandas_frame_is_refused(generated):
    pandas = pytest.importorskip("pandas")
    policy = verdict.load(POLICY)
    frame = pq.read_table(generated[0]).slice(0, 5).to_pandas()
    with pytest.raises(ValueError, match=r"the table gives the field `score` in 2 columns"):
        policy.decide_table(pandas.concat([frame, frame[["score"]]], axis=1))
    # A column no field reads may come twice: it is never read.
    scratch = pandas.concat([frame, frame[["score"]].rename(columns={"score": "note"})], axis=1)
    twice = pandas.concat([scratch, scratch[["note"]]], axis=1)
    assert policy.decide_table(twice).num_rows == 5


def test_a_parquet_category_of_decimals_or_booleans_decides_as_in_memory(generated, tmp_path):
    # pandas stores a `category` column as a dictionary of its values'
    # type; the Parquet decoders only build dictionaries of text.
    pandas = pytest.importorskip("pandas")
    policy = verdict.load(POLICY)
    frame = pq.read_table(generated[0]).slice(0, 40).to_pandas()
    for column in ("credit_limit", "status", "appeal_open", "score"):
        frame[column] = pandas.Categorical(frame[column])
    path = tmp_path / "categories.parquet"
    frame.to_parquet(path)
    in_memory = rows_as_json(policy.decide_table(frame))
    assert [r for r in in_memory if "error" in r] == []
    assert cli_as_rows(cli_decisions(str(POLICY), str(path))) == in_memory


def test_an_optional_column_pandas_holds_as_all_nan_is_none(generated):
    pandas = pytest.importorskip("pandas")
    policy = verdict.load(POLICY)
    frame = pq.read_table(generated[0]).slice(0, 200).to_pandas()
    frame["appeal_open"] = float("nan")  # what read_csv makes of a blank column
    decided = rows_as_json(policy.decide_table(frame))
    assert [r for r in decided if "error" in r] == []
    rows = [frame.iloc[i].to_dict() for i in range(len(frame))]
    assert cli_as_rows([policy.decide(row) for row in rows]) == decided
    without = rows_as_json(policy.decide_table(frame.drop(columns=["appeal_open"])))
    assert decided == without


def test_a_pyarrow_dataset_of_files_decides_in_file_order(generated, tmp_path):
    import pyarrow.dataset as ds

    policy = verdict.load(POLICY)
    table = pq.read_table(generated[0])
    folder = tmp_path / "lake"
    folder.mkdir()
    for part, start in enumerate(range(0, 600, 200)):
        pq.write_table(table.slice(start, 200), folder / f"part-{part}.parquet")
    decided = policy.decide_table(ds.dataset(folder, format="parquet"))
    assert decided.num_rows == 600
    assert rows_as_json(decided) == rows_as_json(policy.decide_table(table.slice(0, 600)))
    pandas = pytest.importorskip("pandas")
    with pytest.raises(TypeError, match="not a pandas Series: decide one row with decide"):
        policy.decide_table(pandas.Series([1, 2]))
    # One column of a table is no table either; a struct column is read as one.
    for column in (table.column("id"), table.column("id").combine_chunks()):
        with pytest.raises(TypeError, match="not one column .* pass the pyarrow Table or RecordBatch"):
            policy.decide_table(column)
    polars = pytest.importorskip("polars")
    with pytest.raises(TypeError, match=r"not one column \(Series\): pass the pyarrow Table"):
        policy.decide_table(polars.Series("id", ["A-1"]))


def test_zoned_timestamps_in_lists_of_records_are_read_as_the_zones_wall_clock():
    """What verdict.spark does to a batch before deciding it, without Spark:
    sliced arrays, null records and null lists keep their place."""
    import datetime as dt

    import pyarrow as pa

    from verdict.spark import _session_local

    zone = "Asia/Shanghai"
    stamp = pa.timestamp("us", tz=zone)
    record = pa.struct([("scored_on", stamp), ("value", pa.int64())])
    midnight_utc = lambda day: dt.datetime(*day, tzinfo=dt.timezone.utc) - dt.timedelta(hours=8)  # noqa: E731
    history = pa.array(
        [
            [{"scored_on": midnight_utc((2026, 1, 2)), "value": 1}],
            None,
            [{"scored_on": midnight_utc((2026, 3, 4)), "value": 2}, None],
            [],
        ],
        type=pa.list_(record),
    )
    table = pa.table({"id": ["a", "b", "c", "d"], "history": history}).slice(1)
    local = _session_local(table)
    kind = local.schema.field("history").type
    assert kind.value_type.field("scored_on").type == pa.timestamp("us")
    assert local.column("history").to_pylist() == [
        None,
        [{"scored_on": dt.datetime(2026, 3, 4), "value": 2}, None],
        [],
    ]
    # A table without zoned timestamps is handed back as it was.
    plain = pa.table({"id": ["a"], "on": pa.array([dt.date(2026, 1, 1)])})
    assert _session_local(plain) is plain


def test_a_pandas_column_the_schema_does_not_name_never_stops_the_table(generated):
    policy = verdict.load(POLICY)
    frame = pq.read_table(generated[0]).slice(0, 20).to_pandas()
    expected = rows_as_json(policy.decide_table(frame))
    # A scratch column pyarrow cannot convert (mixed kinds), and two
    # unrelated columns of one name: neither is read, neither may refuse.
    scratch = frame.assign(branch=["001", 2] * 10)
    assert rows_as_json(policy.decide_table(scratch)) == expected
    doubled = frame.assign(note_a=1, note_b=2)
    doubled.columns = [*frame.columns, "note", "note"]
    assert rows_as_json(policy.decide_table(doubled)) == expected
    # A column the schema reads still refuses the table, by name.
    with pytest.raises(ValueError, match="column `balance` could not be converted"):
        policy.decide_table(scratch.assign(balance=[Decimal("1"), 2.5] * 10))


def test_a_pandas_int_beyond_64_bits_is_named_with_its_column_and_row(generated):
    import pandas as pd

    policy = verdict.load(POLICY)
    frame = pq.read_table(generated[0]).slice(0, 4).to_pandas()
    ints = frame.copy()
    ints["score"] = pd.Series([700, 10**20, 1, 2], dtype=object)
    with pytest.raises(ValueError) as raised:
        policy.decide_table(ints)
    message = str(raised.value)
    assert "column `score`" in message and "row 1 holds 100000000000000000000" in message, message
    # An amount that large is money all the same: read exactly, as `decide` reads it.
    frame["credit_limit"] = pd.Series([5000, 10**20, 1, 2], dtype=object)
    decided = policy.decide_table(frame).to_pylist()
    assert decided[1]["error_kind"] is None, decided[1]
    assert rows_as_json(policy.decide_table(frame)) == [
        {k: v for k, v in policy.decide(frame.iloc[i].to_dict()).items() if k in rows_as_json_keys()}
        for i in range(4)
    ]


def _outcomes(policy, table):
    return policy.decide_table(table).column("outcome").to_pylist()


def test_a_forked_process_decides_tables_after_its_parent_has(generated):
    """``multiprocessing`` and ``concurrent.futures`` fork by default on
    Linux: a child of a process that had decided a table inherits no
    deciding threads, and must start its own rather than wait forever."""
    import concurrent.futures
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("no fork on this platform")
    policy = verdict.load(POLICY)
    table = pq.read_table(generated[0])  # 4,000 rows: more than one task of 2,048
    expected = _outcomes(policy, table)
    context = multiprocessing.get_context("fork")
    pool = concurrent.futures.ProcessPoolExecutor(1, mp_context=context)
    try:
        decided = pool.submit(_outcomes, policy, table).result(timeout=120)
    except BaseException:
        # A child that hangs must fail the test, not hold it: it is killed.
        for process in list(getattr(pool, "_processes", {}).values()):
            process.kill()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    assert decided == expected


def test_a_pandas_column_of_amounts_or_dates_of_mixed_kinds_is_read_row_by_row():
    """Money may be Decimals, ints or strings, dates ``date``s or strings,
    in one column of Python objects (pyarrow refuses such a column whole):
    each value is read as the engine reads text, and one that is no amount
    or date is its own row's error record, as ``decide`` gives it."""
    import datetime

    pandas = pytest.importorskip("pandas")
    from conftest import parse_exact, portfolio_lines

    policy = verdict.load(POLICY)
    rows = [parse_exact(line) for line in portfolio_lines()[:6]]
    amounts = [Decimal("1000"), 2000, "3000.50", "abc", None, Decimal("12.5")]
    dates = ["2020-01-01", datetime.date(2021, 2, 3), datetime.datetime(2019, 5, 6), "2020-13-01", None, "2018-07-08"]
    for row, amount, day in zip(rows, amounts, dates):
        row["credit_limit"], row["opened_on"] = amount, day
    table = policy.decide_table(pandas.DataFrame(rows), as_of="2026-11-01")
    decided = [policy.decide(row, as_of="2026-11-01") for row in rows]
    assert rows_as_json(table) == [{k: v for k, v in d.items() if k in rows_as_json_keys()} for d in decided]
    errors = table.column("error_message").to_pylist()
    assert [e is not None for e in errors] == [False, False, False, True, True, False], errors
    assert "credit_limit" in errors[3] and "opened_on" in errors[3], errors[3]
    # A float among amounts has already rounded one: the column is still refused whole.
    rows[0]["credit_limit"] = 0.1
    with pytest.raises(ValueError, match="credit_limit"):
        policy.decide_table(pandas.DataFrame(rows), as_of="2026-11-01")


def test_a_column_like_an_absent_optional_field_is_warned_of(generated):
    # A lake column renamed upstream (`Appeal_Open`) reads the schema's
    # optional `appeal_open` as none in every row: said as a UserWarning,
    # as `verdict eval` says it on standard error; nothing said otherwise.
    import warnings

    policy = verdict.load(POLICY)
    table = pq.read_table(generated[0]).slice(0, 10)
    assert "appeal_open" in table.column_names
    renamed = table.rename_columns(["Appeal_Open" if n == "appeal_open" else n for n in table.column_names])
    with pytest.warns(UserWarning, match=r"column `Appeal_Open` is no field of the schema: is it `appeal_open`"):
        policy.decide_table(renamed)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        policy.decide_table(table)
