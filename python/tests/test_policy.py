"""verdict.load, Policy.decide and PolicyError."""

import json
from pathlib import Path
from decimal import Decimal

import pytest

import verdict
from conftest import POLICY, ROOT, cli_decisions, parse_exact, portfolio_lines


def test_a_policy_loads_with_its_name_version_and_fingerprint():
    policy = verdict.load(POLICY)
    decision = cli_decisions(str(POLICY), str(ROOT / "policies" / "portfolio.jsonl"))[0]
    assert decision["policy"] == {"name": policy.name, "version": policy.version, "fingerprint": policy.fingerprint}
    assert policy.fingerprint.startswith("sha256:")


def test_decide_gives_exactly_the_cli_decisions_on_the_portfolio():
    policy = verdict.load(POLICY)
    expected = cli_decisions(str(POLICY), str(ROOT / "policies" / "portfolio.jsonl"))
    got = []
    for line, decision in zip(portfolio_lines(), expected):
        try:
            snapshot = parse_exact(line)
        except json.JSONDecodeError:
            continue  # the portfolio's deliberately broken JSON line: no dict to give
        got.append((policy.decide(snapshot), decision))
    assert len(got) >= 40
    for mine, cli in got:
        assert mine == cli


def test_decide_takes_decimals_and_dates_and_gives_exact_strings():
    policy = verdict.load(POLICY)
    snapshot = parse_exact(portfolio_lines()[0])
    snapshot["credit_limit"] = Decimal("10000.00")
    import datetime

    snapshot["opened_on"] = datetime.date(2024, 3, 15)
    decision = policy.decide(snapshot)
    assert decision == policy.decide(parse_exact(portfolio_lines()[0]))
    assert decision["limit"] is None or isinstance(decision["limit"], str)


def test_decide_takes_decimals_in_exponent_form_exactly():
    # str(Decimal) writes an exponent for some exact values: 1E+4, 1.5E-7.
    policy = verdict.load(POLICY)
    plain = parse_exact(portfolio_lines()[0])
    plain["credit_limit"], plain["balance"] = "10000", "0.00000015"
    exponent = dict(plain, credit_limit=Decimal("1E+4"), balance=Decimal("1.5E-7"))
    assert str(exponent["credit_limit"]) == "1E+4"
    decision = policy.decide(exponent)
    assert "error" not in decision, decision
    assert decision == policy.decide(plain)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_a_float_that_is_not_a_number_is_an_error_record_with_the_id(bad):
    policy = verdict.load(POLICY)
    snapshot = parse_exact(portfolio_lines()[0])
    snapshot["overdues"] = [{"due_on": "2026-10-01", "days": 3, "amount": bad}]
    decision = policy.decide(snapshot)
    assert decision["id"] == snapshot["id"]
    assert decision["error"]["kind"] == "snapshot"
    assert decision["error"]["message"].startswith("overdues[0].amount: expected money, found"), decision


def test_a_float_for_money_is_an_error_record_naming_the_field():
    # 0.1 + 0.2 is 0.30000000000000004: a float has already rounded the
    # amount, so it is refused as decide_table refuses a float column, with
    # whatever else is wrong with the snapshot; a Decimal or a string decides.
    policy = verdict.load(POLICY)
    snapshot = parse_exact(portfolio_lines()[0])
    expected = policy.decide(dict(snapshot, balance="1234.5"))
    assert "error" not in expected, expected
    assert policy.decide(dict(snapshot, balance=Decimal("1234.5"))) == expected
    refused = policy.decide(dict(snapshot, balance=1234.5))
    assert refused["id"] == snapshot["id"]
    assert refused["error"]["kind"] == "snapshot"
    assert refused["error"]["message"].startswith("balance: 1234.5 is a binary floating point number"), refused
    overdue = {"due_on": "2026-10-01", "days": 3, "amount": 0.1 + 0.2}
    both = policy.decide(dict(snapshot, overdues=[overdue], score=True))
    message = both["error"]["message"]
    assert message.startswith("overdues[0].amount: 0.30000000000000004 is a binary floating point"), both
    assert message.endswith("; score: expected int, found true"), both


def test_a_value_json_cannot_hold_is_an_error_record_naming_where():
    # A Parquet binary column read by pandas gives bytes: one row's record
    # says so, and a loop over the book goes on.
    policy = verdict.load(POLICY)
    snapshot = parse_exact(portfolio_lines()[0])
    refused = policy.decide(dict(snapshot, gender=b"f"))
    assert refused == {
        "id": snapshot["id"],
        "error": {"kind": "snapshot", "message": "gender: a value of type bytes has no place in a snapshot (decode it to a str)"},
    }
    nested = policy.decide(dict(snapshot, identity={"verified": True, "mismatch_fields": [object()]}))
    assert nested["error"]["message"].startswith("identity.mismatch_fields[0]: a value of type object"), nested
    whole = policy.decide(b"{}")
    assert whole["id"] is None and whole["error"]["kind"] == "snapshot", whole


def test_a_key_the_schema_does_not_name_is_ignored_whatever_it_holds():
    # As the JSON reader ignores it: a frame's extra column of bytes or
    # floats (a scanned document, a model's raw output) is not the record's
    # error, at the top or inside a nested record.
    policy = verdict.load(POLICY)
    snapshot = parse_exact(portfolio_lines()[0])
    expected = policy.decide(snapshot)
    assert "error" not in expected, expected
    extra = dict(snapshot, scan=b"\x89PNG", model_output=0.1 + 0.2, raw=object())
    extra["identity"] = dict(snapshot["identity"], selfie=b"\xff\xd8")
    assert policy.decide(extra) == expected


def test_a_datetime_is_its_day_only_at_midnight():
    import datetime

    policy = verdict.load(POLICY)
    snapshot = parse_exact(portfolio_lines()[0])
    expected = policy.decide(snapshot)
    day = datetime.date.fromisoformat(snapshot["opened_on"])
    midnight = datetime.datetime.combine(day, datetime.time(0))
    shanghai = datetime.timezone(datetime.timedelta(hours=8))
    utc_midnight = midnight.replace(tzinfo=datetime.timezone.utc)
    # A zoned datetime is its instant, as decide_table reads a zoned timestamp
    # column: midnight UTC, written in Shanghai's time (08:00), is the day.
    for same in (midnight, utc_midnight, utc_midnight.astimezone(shanghai)):
        assert policy.decide(dict(snapshot, opened_on=same)) == expected, same
    # Another time, or midnight elsewhere than UTC, is not cut to a day it may not mean.
    for other in (midnight.replace(hour=13, minute=45), midnight.replace(tzinfo=shanghai)):
        decision = policy.decide(dict(snapshot, opened_on=other))
        assert decision["id"] == snapshot["id"]
        assert decision["error"]["message"].startswith("opened_on: expected date"), decision


def test_a_pandas_timestamp_a_nanosecond_past_midnight_is_not_its_day():
    pd = pytest.importorskip("pandas")
    policy = verdict.load(POLICY)
    snapshot = parse_exact(portfolio_lines()[0])
    row = pd.DataFrame([snapshot])
    row["opened_on"] = pd.to_datetime([snapshot["opened_on"] + " 00:00:00.000000500"])
    for given in (row.iloc[0], row.iloc[0].to_dict(), dict(snapshot, opened_on=row["opened_on"].to_numpy()[0])):
        decision = policy.decide(given)
        assert decision["error"]["message"].startswith("opened_on: expected date"), decision
    table = policy.decide_table(row)
    assert table.column("error_message")[0].as_py().startswith("opened_on:"), table


def test_a_whole_float_is_an_int_and_nan_a_missing_optional_value():
    policy = verdict.load(POLICY)
    snapshot = parse_exact(portfolio_lines()[0])
    expected = policy.decide(dict(snapshot, score=640))
    assert policy.decide(dict(snapshot, score=640.0)) == expected
    fraction = policy.decide(dict(snapshot, score=640.5))
    assert fraction["error"]["message"] == "score: expected int, found 640.5", fraction
    # A Decimal (json.loads with parse_float=Decimal) the same, not quoted as text.
    assert policy.decide(dict(snapshot, score=Decimal("640.0"))) == expected
    assert policy.decide(dict(snapshot, score=Decimal("640.5"))) == fraction
    # NaN is pandas' missing value: absent in an optional field, refused in a required one.
    assert policy.decide(dict(snapshot, appeal_open=float("nan"))) == policy.decide(dict(snapshot, appeal_open=None))
    required = policy.decide(dict(snapshot, score=float("nan")))
    assert required["error"]["message"].startswith("score: expected int, found"), required


def test_a_set_of_mixed_types_is_an_error_record_not_an_exception():
    policy = verdict.load(POLICY)
    snapshot = dict(parse_exact(portfolio_lines()[0]), tags={"vip", 3})
    decision = policy.decide(snapshot)
    assert decision["id"] == snapshot["id"]
    assert "tags[" in decision["error"]["message"], decision


def test_a_bad_snapshot_is_an_error_record_not_an_exception():
    policy = verdict.load(POLICY)
    snapshot = parse_exact(portfolio_lines()[0])
    snapshot["score"] = "high"
    decision = policy.decide(snapshot)
    assert decision["id"] == snapshot["id"]
    assert decision["error"]["kind"] == "snapshot"
    assert "score" in decision["error"]["message"]


def test_a_policy_that_does_not_compile_raises_policy_error_with_every_diagnostic(tmp_path):
    (tmp_path / "account.schema.yaml").write_text((ROOT / "policies" / "account.schema.yaml").read_text())
    broken = tmp_path / "broken.policy"
    broken.write_text('policy "b" version "1"\nschema "account.schema.yaml"\n\nrule "r" {\n  when scor < 1\n  then freeze for 1 day\n}\n')
    with pytest.raises(verdict.PolicyError) as raised:
        verdict.load(broken)
    diagnostics = raised.value.diagnostics
    assert diagnostics, "no diagnostics"
    first = diagnostics[0]
    assert set(first) >= {"file", "line", "column", "code", "message", "help"}
    assert first["line"] == 5 and first["column"] == 8
    assert first["code"].startswith("E")
    assert "score" in (first["help"] or "")
    assert "broken.policy:5:8" in str(raised.value)


def test_a_missing_policy_file_raises_policy_error(tmp_path):
    with pytest.raises(verdict.PolicyError) as raised:
        verdict.load(tmp_path / "nowhere.policy")
    assert raised.value.diagnostics
    # Not "does not compile": there is no policy to compile.
    assert raised.value.args[0].startswith("the policy cannot be loaded: cannot read"), raised.value.args
    with pytest.raises(verdict.PolicyError) as raised:
        verdict.load(ROOT / "tests/testing/broken.policy")
    assert raised.value.args[0] == "the policy does not compile (1 error(s))"


def test_a_policy_is_loaded_by_load_not_by_its_constructor():
    with pytest.raises(TypeError, match=r"verdict\.load\("):
        verdict.Policy(str(POLICY))
    with pytest.raises(TypeError, match=r"verdict\.load\("):
        verdict.Policy(POLICY)


def test_as_of_is_a_date_or_its_text():
    import datetime

    import pyarrow as pa

    policy = verdict.load(POLICY)
    snapshot = parse_exact(portfolio_lines()[0])
    del snapshot["as_of"]
    by_text = policy.decide(snapshot, as_of="2026-11-01")
    assert "error" not in by_text and by_text["as_of"] == "2026-11-01"
    assert policy.decide(snapshot, as_of=datetime.date(2026, 11, 1)) == by_text
    assert policy.decide(snapshot, as_of=datetime.datetime(2026, 11, 1)) == by_text
    with pytest.raises(ValueError, match="is not a YYYY-MM-DD date"):
        policy.decide(snapshot, as_of=datetime.datetime(2026, 11, 1, 9, 30))
    with pytest.raises(TypeError, match="as_of is a YYYY-MM-DD string or a datetime.date, not int"):
        policy.decide(snapshot, as_of=20261101)
    table = pa.Table.from_pylist([snapshot])
    by_date = policy.decide_table(table, as_of=datetime.date(2026, 11, 1))
    assert by_date.equals(policy.decide_table(table, as_of="2026-11-01"))
    assert by_date.column("outcome").to_pylist() == [by_text["outcome"]]


def test_a_policy_pickles_by_its_files_and_leaves_no_folder_behind(tmp_path):
    import copy
    import glob
    import pickle
    import shutil
    import tempfile

    policy = verdict.load(POLICY)
    snapshot = parse_exact(portfolio_lines()[0])
    before = set(glob.glob(f"{tempfile.gettempdir()}/verdict-policy-*"))
    again = pickle.loads(pickle.dumps(policy))
    twice = pickle.loads(pickle.dumps(again))  # its folder is gone: its files travel on
    assert (again.fingerprint, twice.fingerprint) == (policy.fingerprint, policy.fingerprint)
    assert again.decide(snapshot) == twice.decide(snapshot) == copy.deepcopy(policy).decide(snapshot) == policy.decide(snapshot)
    assert set(glob.glob(f"{tempfile.gettempdir()}/verdict-policy-*")) == before
    # It ships the files as they were loaded: edited or deleted since, the
    # policy that arrives is the one that was loaded.
    folder = tmp_path / "policies"
    shutil.copytree(ROOT / "policies", folder)
    copied = verdict.load(folder / "lifecycle.policy")
    schema = folder / "account.schema.yaml"
    schema.write_text(schema.read_text() + "\n# edited\n")
    assert pickle.loads(pickle.dumps(copied)).fingerprint == copied.fingerprint
    shutil.rmtree(folder)
    shipped = pickle.loads(pickle.dumps(copied))
    assert shipped.fingerprint == copied.fingerprint
    assert shipped.decide(snapshot) == policy.decide(snapshot)


def test_decide_takes_a_pandas_row_as_its_dict():
    # `for _, row in df.iterrows(): policy.decide(row)` gave one id-less
    # error record per row ("a value of type Series has no place").
    pandas = pytest.importorskip("pandas")
    policy = verdict.load(POLICY)
    snapshot = parse_exact(portfolio_lines()[0])
    assert policy.decide(pandas.Series(snapshot)) == policy.decide(snapshot)
    frame = pandas.DataFrame([parse_exact(line) for line in portfolio_lines()[:5]])
    decided = [policy.decide(row) for _, row in frame.iterrows()]
    assert decided == [policy.decide(frame.iloc[i].to_dict()) for i in range(5)]


def test_a_whole_float_beyond_two_to_the_53_is_not_taken_for_an_int():
    policy = verdict.load(POLICY)
    snapshot = parse_exact(portfolio_lines()[0])
    assert "error" not in policy.decide(dict(snapshot, score=720.0))
    refused = policy.decide(dict(snapshot, score=2.0**53 + 2))
    assert refused["error"]["message"].startswith("score: expected int"), refused
    # NaN is pandas' missing value in a required field too, as in a table: null.
    missing = policy.decide(dict(snapshot, score=float("nan")))
    assert missing["error"]["message"] == "score: expected int, found null", missing


def test_a_field_given_flat_and_inside_its_record_is_refused():
    policy = verdict.load(POLICY)
    snapshot = parse_exact(portfolio_lines()[0])
    both = dict(snapshot, **{"identity.verified": False})
    refused = policy.decide(both)
    assert refused["id"] == snapshot["id"]
    assert refused["error"]["message"] == (
        "identity.verified: given twice, as `identity.verified` and inside `identity`"
    )


def test_a_snapshot_nested_too_deeply_or_with_a_lone_surrogate_is_an_error_record():
    # Neither may end a loop over a book with an exception (RecursionError)
    # or an error record without its id that speaks of JSON escapes.
    policy = verdict.load(POLICY)
    snapshot = parse_exact(portfolio_lines()[0])
    deep: list = []
    for _ in range(5000):
        deep = [deep]
    nested = policy.decide(dict(snapshot, tags=deep))
    assert nested["id"] == snapshot["id"]
    assert nested["error"]["message"] == "the snapshot is nested too deeply to read (or holds itself)"
    surrogate = policy.decide(dict(snapshot, tags=["vip", "\udcff"]))
    assert surrogate["id"] == snapshot["id"]
    assert surrogate["error"]["message"] == "tags[1]: text that is not Unicode (a lone surrogate, U+DCFF, at character 0)"
    assert policy.decide(dict(snapshot, id="客户-😀"))["id"] == "客户-😀"


def test_a_decimal_or_a_date_where_neither_is_taken_is_refused_by_field():
    import datetime

    policy = verdict.load(POLICY)
    snapshot = parse_exact(portfolio_lines()[0])
    # As `json.loads(line, parse_float=Decimal)` reads `"gender": 1.50`: the
    # JSON reader refuses a number for a string, so decide must not take
    # the Decimal's text for one.
    for field, value, shown in [
        ("gender", Decimal("1.50"), "gender: expected string, found 1.50 (a Decimal)"),
        ("id", datetime.date(2026, 1, 1), "id: expected string, found the date 2026-01-01 (a date)"),
        ("tags", [Decimal("2.0")], "tags[0]: expected string, found 2.0 (a Decimal)"),
    ]:
        decision = policy.decide({**snapshot, field: value})
        assert decision["error"] == {"kind": "snapshot", "message": shown}, decision
    # Where a Decimal or a date is the field's own type, it is taken exactly.
    taken = {**snapshot, "credit_limit": Decimal(snapshot["credit_limit"]), "opened_on": datetime.date.fromisoformat(snapshot["opened_on"])}
    assert policy.decide(taken) == policy.decide(snapshot)


def test_every_error_of_a_policy_is_said_at_once_with_its_hooks_in_file_order(tmp_path):
    import shutil

    folder = tmp_path / "policies"
    shutil.copytree(ROOT / "policies", folder)
    text = (folder / "lifecycle.policy").read_text()
    lines = text.splitlines(keepends=True)
    let_line = next(i for i, line in enumerate(lines) if line.startswith("let "))
    lines.insert(let_line + 1, "let oops = nope + 1\n")
    (folder / "lifecycle.policy").write_text("".join(lines))
    (folder / "batches" / "reg-2023-q3.txt").unlink()
    with (folder / "hooks" / "fraud_risk.rhai").open("a") as script:
        script.write("let x = ;\n")
    with pytest.raises(verdict.PolicyError) as raised:
        verdict.load(folder / "lifecycle.policy")
    found = [(d["code"], Path(d["file"]).name, d["line"]) for d in raised.value.diagnostics]
    batch_line = next(i for i, line in enumerate(lines, 1) if line.startswith("batch "))
    assert found == [
        ("E0108", "lifecycle.policy", batch_line),
        ("E0101", "lifecycle.policy", let_line + 2),
        ("E0310", "fraud_risk.rhai", found[2][2]),
    ], found


def test_load_takes_a_bytes_path_and_refuses_what_is_no_path():
    import os

    policy = verdict.load(os.fsencode(str(POLICY)))
    assert policy.fingerprint == verdict.load(POLICY).fingerprint
    with pytest.raises(TypeError, match="load takes a path"):
        verdict.load(42)


def test_a_policy_whose_file_name_is_not_utf8_pickles(tmp_path):
    import os
    import pickle
    import shutil

    folder = os.fsencode(str(tmp_path))
    for name in ("lifecycle.policy", "account.schema.yaml"):
        shutil.copy(ROOT / "policies" / name, tmp_path / name)
    shutil.copytree(ROOT / "policies" / "hooks", tmp_path / "hooks")
    shutil.copytree(ROOT / "policies" / "batches", tmp_path / "batches")
    latin = os.path.join(folder, b"caf\xe9.policy")
    os.rename(os.path.join(folder, b"lifecycle.policy"), latin)
    policy = verdict.load(latin)
    again = pickle.loads(pickle.dumps(policy))
    assert again.fingerprint == policy.fingerprint
