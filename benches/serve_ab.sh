#!/usr/bin/env bash
# Two builds of `verdict serve` alternated under the same load, so that a
# change is measured against the binary before it in one run, on one
# machine: per round and binary, JSON Lines bodies of 1,000 snapshots
# (4 connections, 10 s) and single snapshots (32 connections, 5 s), with
# the shipped lifecycle policy (its rhai hook included).
#
#   benches/serve_ab.sh OLD_BINARY NEW_BINARY [ROUNDS]     (default 4 rounds)
#
# Build each binary with `cargo build --release` at its commit and copy it
# aside first. Needs wrk (apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
OLD="$1"
NEW="$2"
ROUNDS="${3:-4}"
command -v wrk > /dev/null || { echo "serve_ab.sh: wrk is needed (apt-get install wrk)" >&2; exit 1; }
WORK="${SERVE_DIR:-target/serve-ab}"
rm -rf "$WORK" && mkdir -p "$WORK"
cp -r policies "$WORK/policies"
BOOK="$WORK/book.jsonl"
"$NEW" synth policies/account.schema.yaml --count 1000 --seed 7 --output "$BOOK"
for round in $(seq "$ROUNDS"); do
  for which in old new; do
    if [ "$which" = old ]; then BIN="$OLD"; else BIN="$NEW"; fi
    "$BIN" serve "$WORK/policies/lifecycle.policy" --addr 127.0.0.1:0 2> "$WORK/serve.log" &
    PID=$!
    for _ in $(seq 100); do
      grep -q "listening on" "$WORK/serve.log" && break
      sleep 0.1
    done
    URL="http://$(sed -n 's/.*listening on http:\/\///p' "$WORK/serve.log")/v1/decide"
    lines=$(BOOK="$BOOK" wrk -t2 -c4 -d10s -s benches/serve/lines.lua "$URL" | sed -n 's/Requests\/sec: *//p')
    single=$(BOOK="$BOOK" wrk -t2 -c32 -d5s -s benches/serve/single.lua "$URL" | sed -n 's/Requests\/sec: *//p')
    echo "round $round $which: JSON Lines $lines requests/s (x 1,000 decisions), single $single requests/s"
    kill "$PID"
    wait "$PID" 2> /dev/null || true
  done
done
