"""Deciding a Spark DataFrame on every executor.

``decide(df, policy_path)`` ships the policy's files (the policy, its schema,
hooks and batch files: every file its fingerprint covers) to the executors
by their contents, in the closure of a ``mapInArrow`` function. Each executor
process loads the policy once from them (written to a private folder, removed
once the policy is loaded), then
decides each Arrow batch of its partitions with the same engine as the CLI.
"""

from __future__ import annotations

import datetime
import os
from typing import Dict, Union

import verdict

# One loaded policy per executor process, by the fingerprint of its files.
_LOADED: Dict[str, "verdict.Policy"] = {}


def _load_shipped(key: str, policy_name: str, contents: Dict[str, bytes]) -> "verdict.Policy":
    policy = _LOADED.get(key)
    if policy is None:
        policy = verdict._from_contents(policy_name, contents, key)
        _LOADED[key] = policy
    return policy


def decide(df, policy_path, as_of: Union[str, datetime.date, None] = None):
    """Decides every row of the Spark DataFrame ``df`` with the policy at ``policy_path``.

    Returns a Spark DataFrame of the ``decide_table`` columns, one row per
    input row (within each partition, in order). The policy is loaded on the
    driver first, so a policy that does not compile raises ``PolicyError``
    before any job starts, and a DataFrame whose columns cannot hold the
    schema raises ``ValueError`` there too. Only the columns the schema reads
    are handed to the executors' Python workers.
    """
    import pyarrow as pa

    policy_path = os.fspath(policy_path)
    driver_policy = verdict.load(policy_path)
    _check_columns(driver_policy, df, as_of)
    df = _read_columns(driver_policy, df)
    names = df.columns
    # `mapInArrow` cannot resolve a column whose name holds a dot (a nested
    # field written flat, `identity.verified`, as the reference allows): the
    # workers get the columns by position and give them their names back.
    dotted = any("." in name for name in names)
    if dotted:
        df = df.toDF(*[f"_verdict_{index}" for index in range(len(names))])
    key = driver_policy.fingerprint
    policy_name, contents = verdict._files_of(driver_policy)
    schema = _spark_schema()

    def decide_batches(batches):
        policy = _load_shipped(key, policy_name, contents)
        for batch in batches:
            table = pa.Table.from_batches([batch], batch.schema)
            if dotted:
                table = table.rename_columns(names)
            table = _session_local(table)
            table = policy.decide_table(table, as_of)
            for out in table.to_batches():
                yield out

    return df.mapInArrow(decide_batches, schema)


# Zones whose wall clock is UTC's: a timestamp in one of them is read as it is.
_UTC_ZONES = frozenset({"UTC", "Etc/UTC", "Z", "+00:00", "GMT", "Etc/GMT", "Universal", "Zulu"})


def _session_local(table):
    """The table with its zoned timestamps as the session's wall clock.

    A Spark ``TimestampType`` is an instant shown in the session's time zone:
    a date kept as a timestamp there is that zone's midnight
    (``to_timestamp("2026-11-01")`` in an ``Asia/Shanghai`` session is
    2026-10-31T16:00Z). The executors receive such a column zoned in the
    session's zone; read as the wall clock of that zone (``2026-11-01
    00:00``), it is the date Spark shows. A time other than midnight is still
    that row's error, never a date with its time dropped. Timestamps inside
    structs and lists (a list of records' dates) are read the same way.
    """
    for index, field in enumerate(table.schema):
        column = table.column(index)
        local = _local_chunks(column)
        if local is not column:
            table = table.set_column(index, field.name, local)
    return table


def _local_chunks(column):
    """``column`` (chunked) with its zoned timestamps, at any depth, as wall clocks; itself if it has none."""
    import pyarrow as pa

    old = column.chunks
    chunks = [_local(chunk) for chunk in old]
    if all(new is was for new, was in zip(chunks, old)):
        return column
    return pa.chunked_array(chunks, type=chunks[0].type)


def _local(array):
    """One array with its zoned timestamps, at any depth, as wall clocks; itself if it has none."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = array.type
    if pa.types.is_timestamp(kind):
        return array if kind.tz is None or kind.tz in _UTC_ZONES else pc.local_timestamp(array)
    if pa.types.is_struct(kind):
        # flatten() applies the array's slice and its nulls to each child.
        children = array.flatten()
        local = [_local(child) for child in children]
        if all(new is old for new, old in zip(local, children)):
            return array
        fields = [pa.field(kind.field(i).name, child.type, kind.field(i).nullable) for i, child in enumerate(local)]
        return pa.StructArray.from_arrays(local, fields=fields, mask=array.is_null())
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        # The offsets of a slice index the whole child array: rebased on this slice's values.
        offsets = array.offsets
        first = offsets[0].as_py() if len(offsets) else 0
        child = array.values.slice(first, offsets[-1].as_py() - first if len(offsets) else 0)
        values = _local(child)
        if values is child:
            return array
        make = pa.LargeListArray if pa.types.is_large_list(kind) else pa.ListArray
        return make.from_arrays(pc.subtract(offsets, first), values, mask=array.is_null())
    return array


def _check_columns(policy: "verdict.Policy", df, as_of: Union[str, datetime.date, None]) -> None:
    """Raises, on the driver, the error the CLI gives for a book whose columns
    cannot hold the schema (a missing required field, a float for money),
    instead of failing every task on the executors."""
    import pyarrow as pa

    try:
        from pyspark.sql.pandas.types import to_arrow_schema
    except ImportError:
        return
    # Timestamps reach the executors zoned in the session's time zone, and
    # PySpark 4 will not describe a timestamp column without one.
    zone = df.sparkSession.conf.get("spark.sql.session.timeZone", "UTC")
    try:
        try:
            arrow_schema = to_arrow_schema(df.schema, timezone=zone)
        except TypeError:  # PySpark 3: no time zone parameter
            arrow_schema = to_arrow_schema(df.schema)
    except Exception:  # noqa: BLE001 — a column Arrow cannot describe: the executors will say
        return
    policy.decide_table(pa.RecordBatch.from_pylist([], schema=arrow_schema), as_of)


def _read_columns(policy: "verdict.Policy", df):
    """``df`` with only the columns the policy's schema reads: a lake table is
    often much wider than the schema, and every column handed to the Python
    workers is copied twice through Arrow (the columns dropped are ones the
    engine never looks at, so no decision changes)."""
    names = set(policy._inner.columns)
    keep = [c for c in df.columns if c.split(".", 1)[0] in names]
    if len(keep) == len(df.columns):
        return df
    from pyspark.sql.functions import col

    return df.select(*[col("`" + c.replace("`", "``") + "`") for c in keep])


def _spark_schema():
    from pyspark.sql.types import (
        ArrayType,
        DateType,
        MapType,
        StringType,
        StructField,
        StructType,
    )

    s = StringType()
    reason = StructType([StructField("code", s, False), StructField("text", s, True), StructField("rule", s, False)])
    action = StructType(
        [StructField(name, s, name != "rule") for name in ("notify", "template", "escalate", "review", "tag", "rule")]
    )
    return StructType(
        [
            StructField("id", s, True),
            StructField("outcome", s, True),
            StructField("until", DateType(), True),
            StructField("limit", s, True),
            StructField("reasons", ArrayType(reason, False), True),
            StructField("actions", ArrayType(action, False), True),
            StructField("fired", ArrayType(s, True), True),
            StructField("scores", MapType(s, s, True), True),
            StructField("arms", MapType(s, s, True), True),
            StructField("error_kind", s, True),
            StructField("error_message", s, True),
        ]
    )
