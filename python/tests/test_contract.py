"""The Python package as the contract words it, read by an outside suite:
``decide_table``'s columns and their types, ``scores`` and ``arms`` as the
JSON decision gives them, any object with the Arrow PyCapsule interface, and
the column encodings pandas and pyarrow write (categories, columns of nulls)."""

import json

import pyarrow as pa
import pytest

import verdict
from conftest import ROOT, cli_decisions

ADMISSION = ROOT / "policies" / "admission.policy"
APPLICATIONS = ROOT / "policies" / "applications.jsonl"
COLUMNS = ["id", "outcome", "until", "limit", "reasons", "actions", "fired", "scores", "arms", "error_kind", "error_message"]


def applications():
    return [json.loads(line) for line in APPLICATIONS.read_text().splitlines() if line.strip()]


def applications_table():
    return pa.Table.from_pylist(applications())


def split_policy(tmp_path):
    """The admission policy with a split: decisions carry `scores` and `arms`."""
    for name in ("application.schema.yaml",):
        (tmp_path / name).write_text((ROOT / "policies" / name).read_text())
    text = ADMISSION.read_text().replace(
        "# A run that declines",
        'split pricing by id salt "2026-q4" {\n  champion 60%\n  challenger 40%\n}\n\n# A run that declines',
    )
    path = tmp_path / "admission.policy"
    path.write_text(text)
    return path


def test_decide_table_columns_are_in_the_contracts_order_with_their_types():
    table = verdict.load(ADMISSION).decide_table(applications_table())
    assert table.column_names == COLUMNS
    schema = table.schema
    assert schema.field("limit").type == pa.string()
    for name in ("reasons", "actions", "fired"):
        assert pa.types.is_list(schema.field(name).type), name
    for name in ("scores", "arms"):
        assert pa.types.is_map(schema.field(name).type), name
    for name in ("id", "outcome", "error_kind", "error_message"):
        assert schema.field(name).type == pa.string(), name


def test_scores_and_arms_are_the_json_decisions_maps(tmp_path):
    policy_path = split_policy(tmp_path)
    policy = verdict.load(policy_path)
    table = policy.decide_table(applications_table())
    expected = cli_decisions(str(policy_path), str(APPLICATIONS))
    assert table.num_rows == len(expected)
    arms_seen = set()
    for row, decision in zip(table.to_pylist(), expected):
        assert row["id"] == decision["id"]
        # A map column comes back from pyarrow as a list of (key, value) pairs, in order.
        assert row["scores"] == list(decision["scores"].items())
        assert row["arms"] == list(decision["arms"].items())
        assert row["limit"] == decision["limit"]
        arms_seen.add(decision["arms"]["pricing"])
    assert arms_seen == {"champion", "challenger"}
    # And decide() gives the same maps for one snapshot.
    first = applications()[0]
    assert policy.decide(first)["scores"] == expected[0]["scores"]
    assert policy.decide(first)["arms"] == expected[0]["arms"]
