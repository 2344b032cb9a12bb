"""verdict.spark.decide on a real local Spark: the CLI's decisions, row for row."""

import os
import shutil

import pyarrow.parquet as pq
import pytest

from conftest import POLICY, ROOT, cli_decisions
from test_tables import cli_as_rows, dicts_as_json

# CI has Java and PySpark installed by .ci/run: there a missing one is a failure, not a skip.
if os.environ.get("CI") != "true":
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("no Java for Spark", allow_module_level=True)


@pytest.fixture(scope="module")
def spark():
    import sys

    from pyspark.sql import SparkSession

    # The Python workers run this interpreter, where verdict and pyarrow are installed.
    os.environ["PYSPARK_PYTHON"] = sys.executable

    session = (
        SparkSession.builder.master("local[2]")
        .appName("verdict-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    yield session
    session.stop()


def test_spark_decides_a_book_as_the_cli_does(spark, generated):
    import verdict.spark

    parquet, jsonl = generated
    frame = spark.read.parquet(str(parquet)).repartition(3)
    decided = verdict.spark.decide(frame, str(POLICY))
    assert decided.columns == ["id", "outcome", "until", "limit", "reasons", "actions", "fired", "scores", "arms", "error_kind", "error_message"]
    expected = {row["id"]: row for row in cli_as_rows(cli_decisions(str(POLICY), str(jsonl)))}
    rows = dicts_as_json([row.asDict(recursive=True) for row in decided.collect()])
    assert len(rows) == len(expected)
    for row in rows:
        assert row == expected[row["id"]]

    # A policy with a scorecard: each row's `scores` map is the CLI decision's.
    admission, applications = str(ROOT / "policies" / "admission.policy"), str(ROOT / "policies" / "applications.jsonl")
    scored = verdict.spark.decide(spark.read.json(applications), admission).collect()
    cli_scores = {d["id"]: d["scores"] for d in cli_decisions(admission, applications)}
    assert len(scored) == len(cli_scores)
    for row in scored:
        assert row["scores"] == cli_scores[row["id"]], row["id"]
        assert row["arms"] == {}


def test_spark_ships_the_policy_files_to_the_executors(spark, generated, tmp_path):
    import verdict.spark

    # A copy of the policy in a folder the executors' working directory knows nothing of.
    parquet, jsonl = generated
    frame = spark.read.parquet(str(parquet)).limit(100)
    decided = verdict.spark.decide(frame, str(POLICY)).collect()
    assert len(decided) == 100
    assert all(row["error_kind"] is None for row in decided)


def test_spark_hands_the_workers_only_the_columns_the_schema_reads(spark, generated):
    import pyspark.sql.functions as F

    import verdict
    import verdict.spark

    parquet, jsonl = generated
    book = spark.read.parquet(str(parquet))
    # A lake table is wider than the schema: two columns the engine never reads.
    wide = book.withColumn("marketing_segment", F.lit("b2")).withColumn("odd.name", F.lit(1))
    projected = verdict.spark._read_columns(verdict.load(str(POLICY)), wide)
    assert projected.columns == book.columns
    decided = verdict.spark.decide(wide.limit(200), str(POLICY))
    expected = {row["id"]: row for row in cli_as_rows(cli_decisions(str(POLICY), str(jsonl)))}
    rows = dicts_as_json([row.asDict(recursive=True) for row in decided.collect()])
    assert len(rows) == 200
    for row in rows:
        assert row == expected[row["id"]]


def test_nested_fields_in_dotted_columns_decide_as_in_structs(spark, generated):
    # A nested record may come as columns named by its dotted path, as in the
    # shipped CSV book; Spark's `mapInArrow` cannot resolve such a name itself.
    import pyspark.sql.functions as F

    import verdict.spark

    parquet, jsonl = generated
    book = spark.read.parquet(str(parquet)).limit(300)
    flat = book.select(
        *[F.col(c) for c in book.columns if c != "identity"],
        F.col("identity.verified").alias("identity.verified"),
        F.col("identity.mismatch_fields").alias("identity.mismatch_fields"),
    )
    assert "identity.verified" in flat.columns
    rows = dicts_as_json([row.asDict(recursive=True) for row in verdict.spark.decide(flat, str(POLICY)).collect()])
    expected = {row["id"]: row for row in cli_as_rows(cli_decisions(str(POLICY), str(jsonl)))}
    assert len(rows) == 300
    for row in rows:
        assert row == expected[row["id"]]


def test_a_book_without_a_required_column_fails_on_the_driver(spark, generated):
    import verdict.spark

    book = spark.read.parquet(str(generated[0])).withColumnRenamed("score", "scor")
    # Raised by decide itself, before any job: the CLI's message, with its suggestion.
    with pytest.raises(ValueError, match=r"no column for the required field `score`.*scor"):
        verdict.spark.decide(book, str(POLICY))


@pytest.mark.parametrize("zone", ["UTC", "Asia/Shanghai", "America/New_York"])
def test_dates_stored_as_timestamps_of_midnight_are_decided(spark, generated, zone):
    import pyspark.sql.functions as F

    import verdict.spark

    parquet, jsonl = generated
    previous = spark.conf.get("spark.sql.session.timeZone")
    spark.conf.set("spark.sql.session.timeZone", zone)
    try:
        book = spark.read.parquet(str(parquet)).limit(50)
        # A lake often keeps dates as timestamps: midnights, in the session's
        # zone (in Shanghai, 2026-11-01 is 2026-10-31T16:00Z).
        stamped = book.withColumn("opened_on", F.to_timestamp(F.col("opened_on").cast("string")))
        # And inside a list of records, as the score history's dates.
        as_stamp = lambda e: e.withField("scored_on", F.to_timestamp(e["scored_on"].cast("string")))  # noqa: E731
        stamped = stamped.withColumn("score_history", F.transform("score_history", as_stamp))
        assert dict(stamped.dtypes)["opened_on"] == "timestamp"
        assert "scored_on:timestamp" in dict(stamped.dtypes)["score_history"]
        expected = {row["id"]: row for row in cli_as_rows(cli_decisions(str(POLICY), str(jsonl)))}
        decided = verdict.spark.decide(stamped, str(POLICY)).collect()
        rows = dicts_as_json([row.asDict(recursive=True) for row in decided])
        assert len(rows) == 50
        for row in rows:
            assert row == expected[row["id"]]
        # Half past nine in the session's zone is no date: that row's error.
        late = stamped.withColumn("opened_on", F.col("opened_on") + F.expr("INTERVAL 9 HOURS 30 MINUTES"))
        errors = [r for r in verdict.spark.decide(late, str(POLICY)).collect() if r["error_kind"] is not None]
        assert len(errors) == 50
        assert all("opened_on" in r["error_message"] and "09:30:00" in r["error_message"] for r in errors)
    finally:
        spark.conf.set("spark.sql.session.timeZone", previous)
