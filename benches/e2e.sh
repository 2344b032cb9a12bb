#!/usr/bin/env bash
# End-to-end: `verdict eval` of the lifecycle policy over 1 million generated
# snapshots, JSON Lines in and out, with --jobs 1 and --jobs 2. Prints the
# throughput of each and the speed-up of 2 jobs over 1 (a RATIO line).
#
# Issue 12's target is for the hook-free policy: the script runs a copy of
# policies/lifecycle.policy without its rhai hook (the `fraud_risk` declaration
# and the conditions of `limit-raise` and `limit-raise-challenger` that call
# it, each on a line of its own), written to $WORK with the
# schema and batch paths made absolute. POLICY=policies/lifecycle.policy runs
# the shipped policy, hook included.
#
#   benches/e2e.sh [COUNT]          (default 1000000)
#
# Uses hyperfine when installed (apt-get install hyperfine), else plain timing.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT="${1:-1000000}"
RUNS="${RUNS:-5}"
WORK="${E2E_DIR:-target/e2e}"
mkdir -p "$WORK"
cargo build --release --quiet
BIN=target/release/verdict
INPUT="$WORK/portfolio-$COUNT.jsonl"
if [ ! -s "$INPUT" ]; then
  "$BIN" synth policies/account.schema.yaml --count "$COUNT" --seed 1 --output "$INPUT"
fi
OUT="$WORK/decisions.jsonl"
POLICY="${POLICY:-$WORK/lifecycle-hook-free.policy}"
if [ "$POLICY" = "$WORK/lifecycle-hook-free.policy" ]; then
  DIR="$(pwd)/policies"
  sed -e '/^hook fraud_risk(/d' -e '/and fraud_risk(score, utilization) < 0.2$/d' \
    -e "s#^schema \"#schema \"$DIR/#" -e "s#from \"batches/#from \"$DIR/batches/#" \
    policies/lifecycle.policy > "$POLICY"
  if grep -q fraud_risk "$POLICY"; then
    echo "e2e.sh: could not take the hook out of lifecycle.policy" >&2
    exit 1
  fi
  "$BIN" check "$POLICY" > /dev/null 2>&1 || "$BIN" check "$POLICY"
fi
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p')"
echo "policy: $POLICY"
echo "input: $INPUT ($(du -hL "$INPUT" | cut -f1), $COUNT snapshots)"

declare -A SECONDS_FOR
if command -v hyperfine > /dev/null; then
  # -i: the generated book may breach a guard (exit 3); the run is still complete.
  hyperfine -i --warmup 1 --runs "$RUNS" --export-json "$WORK/e2e.json" \
    -n "jobs 1" "$BIN eval $POLICY $INPUT --jobs 1 > $OUT 2> /dev/null" \
    -n "jobs 2" "$BIN eval $POLICY $INPUT --jobs 2 > $OUT 2> /dev/null"
  for j in 1 2; do
    SECONDS_FOR[$j]=$(python3 -c "import json,sys; r=json.load(open('$WORK/e2e.json'))['results']; print([x for x in r if x['command']=='jobs $j'][0]['median'])")
  done
else
  for j in 1 2; do
    best=""
    for _ in $(seq "$RUNS"); do
      start=$(date +%s.%N)
      "$BIN" eval "$POLICY" "$INPUT" --jobs "$j" > "$OUT" 2> /dev/null || true
      end=$(date +%s.%N)
      t=$(python3 -c "print($end - $start)")
      best=$(python3 -c "print(min(float('$t'), float('${best:-inf}')))")
    done
    SECONDS_FOR[$j]=$best
  done
fi
python3 - "$COUNT" "${SECONDS_FOR[1]}" "${SECONDS_FOR[2]}" <<'PY'
import sys
n, t1, t2 = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
print(f"jobs 1: {t1:.2f} s, {n / t1:,.0f} snapshots/s")
print(f"jobs 2: {t2:.2f} s, {n / t2:,.0f} snapshots/s (target >= 1,000,000/s)")
print(f"RATIO end-to-end (target >= 1.8x): jobs 2 is {t1 / t2:.2f}x as fast as jobs 1")
PY
