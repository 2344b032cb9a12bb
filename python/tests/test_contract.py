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


class _CapsuleOnly:
    """An object that is no pyarrow, pandas or polars type: only the Arrow PyCapsule interface."""

    def __init__(self, table):
        self._table = table

    def __arrow_c_stream__(self, requested_schema=None):
        return self._table.__arrow_c_stream__(requested_schema)


def test_any_object_with_the_arrow_pycapsule_interface_is_taken():
    policy = verdict.load(ADMISSION)
    table = applications_table()
    assert policy.decide_table(_CapsuleOnly(table)).equals(policy.decide_table(table))


def test_a_pandas_category_column_is_read_as_its_strings():
    pandas = pytest.importorskip("pandas")
    policy = verdict.load(ADMISSION)
    frame = pandas.DataFrame(applications())
    expected = policy.decide_table(frame)
    for column in ("purpose", "housing", "id"):
        frame[column] = frame[column].astype("category")
    assert policy.decide_table(frame).equals(expected)


def test_a_column_of_nulls_is_none_for_an_optional_field(tmp_path):
    # No row has a note: pyarrow types the column `null`.
    (tmp_path / "s.schema.yaml").write_text("entity: account\nkey: id\nfields:\n  id: string\n  score: int\n  note: string?\n")
    (tmp_path / "p.policy").write_text(
        'policy "p" version "1"\nschema "s.schema.yaml"\n\nrule "noted" {\n  when note != none or score < 2\n  then tag "look"\n}\n'
    )
    policy = verdict.load(tmp_path / "p.policy")
    rows = [{"id": "A", "score": 1, "note": None}, {"id": "B", "score": 5, "note": None}]
    table = pa.Table.from_pylist(rows)
    assert table.schema.field("note").type == pa.null()
    decided = policy.decide_table(table, as_of="2026-11-01").to_pylist()
    assert [row["error_kind"] for row in decided] == [None, None]
    assert [row["fired"] for row in decided] == [["noted"], []]


def test_policy_error_lists_every_diagnostic(tmp_path):
    (tmp_path / "account.schema.yaml").write_text((ROOT / "policies" / "account.schema.yaml").read_text())
    broken = tmp_path / "broken.policy"
    broken.write_text(
        'policy "b" version "1"\nschema "account.schema.yaml"\n\n'
        'rule "one" {\n  when scor < 1\n  then freeze for 1 day\n}\n\n'
        'rule "two" {\n  when balanse > 1\n  then freeze for 1 day\n}\n'
    )
    with pytest.raises(verdict.PolicyError) as raised:
        verdict.load(broken)
    errors = [d for d in raised.value.diagnostics if d.get("severity", "error") == "error"]
    assert [(d["line"], d["column"]) for d in errors] == [(5, 8), (10, 8)]
    for d in errors:
        assert set(d) >= {"file", "line", "column", "code", "message", "help"}
        assert d["file"].endswith("broken.policy")
        assert isinstance(d["code"], str) and isinstance(d["message"], str)
