#!/usr/bin/env bash
# Issue 14's scale figures: a generated Parquet book of COUNT accounts
# (default 1,000,000) decided by the CLI, by `decide_table` and by Spark
# local[2], with RATIO lines against the CLI (benches/scale.py).
#
#   benches/scale.sh [COUNT]
#
# Uses the virtual environment scripts/test-all makes ($VERDICT_VENV, default
# target/venv-py, with the package, pyarrow and pyspark installed): run
# scripts/test-all once first. SPARK=0 leaves Spark out.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT="${1:-1000000}"
TARGET=${CARGO_TARGET_DIR:-target}
VENV=${VERDICT_VENV:-$TARGET/venv-py}
cargo build --release --quiet
BOOK="$TARGET/scale/book-$COUNT.parquet"
mkdir -p "$(dirname "$BOOK")"
if [ ! -s "$BOOK" ]; then
  "$TARGET/release/verdict" synth policies/account.schema.yaml --count "$COUNT" --seed 7 --format parquet -o "$BOOK"
fi
SPARK_FLAG=--spark
[ "${SPARK:-1}" = 0 ] && SPARK_FLAG=
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), load: $(cut -d' ' -f1-3 /proc/loadavg)"
VERDICT_BIN="$TARGET/release/verdict" "$VENV/bin/python" benches/scale.py "$BOOK" $SPARK_FLAG --runs "${RUNS:-3}"
