"""Shared by the package's tests: the repository, the CLI binary, books."""

import json
import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
POLICY = ROOT / "policies" / "lifecycle.policy"
SCHEMA = ROOT / "policies" / "account.schema.yaml"


def verdict_bin() -> str:
    """The CLI to compare with: $VERDICT_BIN (set by scripts/test-all), else target/{release,debug}/verdict."""
    if os.environ.get("VERDICT_BIN"):
        return os.environ["VERDICT_BIN"]
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    for profile in ("release", "debug"):
        candidate = target / profile / "verdict"
        if candidate.exists():
            return str(candidate)
    found = shutil.which("verdict")
    if found is None:
        pytest.fail("no verdict binary: run `cargo build` or set VERDICT_BIN")
    return found


def cli(*args: str) -> str:
    done = subprocess.run([verdict_bin(), *args], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode in (0, 1), done.stderr
    return done.stdout


def cli_decisions(*args: str):
    return [json.loads(line) for line in cli("eval", *args).splitlines()]


def portfolio_lines():
    text = (ROOT / "policies" / "portfolio.jsonl").read_text()
    return [line for line in text.splitlines() if line.strip()]


def parse_exact(line: str):
    return json.loads(line, parse_float=Decimal)


@pytest.fixture(scope="session")
def generated(tmp_path_factory):
    """A generated book of 4,000 accounts as Parquet and JSON Lines (same seed)."""
    folder = tmp_path_factory.mktemp("book")
    parquet, jsonl = folder / "book.parquet", folder / "book.jsonl"
    for fmt, path in (("parquet", parquet), ("jsonl", jsonl)):
        cli("synth", str(SCHEMA), "-n", "4000", "--seed", "11", "--format", fmt, "--output", str(path))
    return parquet, jsonl
