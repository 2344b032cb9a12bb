#!/usr/bin/env bash
# `verdict serve` under real HTTP load generators, against the shipped
# lifecycle policy (its rhai hook included), client and server on this
# machine. Issue 15's targets:
#   1. single snapshots over keep-alive (wrk): >= 30,000 decisions/s
#   2. p99 latency at half that rate, 15,000 requests/s (hey, rate-limited): <= 2 ms
#   3. JSON Lines of 1,000 snapshots (wrk): >= 400,000 decisions/s
#   4. 100 reloads, alternating two policy versions, during a load run (wrk
#      checks every response's fingerprint): zero failed requests
#   5. resident memory sampled over a long run (MEMORY_SECONDS, default 600)
#
#   benches/serve.sh [STEPS]     (default "1 2 3 4 5")
#
# Needs wrk and hey (apt-get install wrk hey) and curl. DURATION (default
# 20s) is each throughput run's length; CONNECTIONS (default 32) wrk's.
set -euo pipefail
cd "$(dirname "$0")/.."
STEPS="${1:-1 2 3 4 5}"
DURATION="${DURATION:-20s}"
CONNECTIONS="${CONNECTIONS:-32}"
MEMORY_SECONDS="${MEMORY_SECONDS:-600}"
WORK="${SERVE_DIR:-target/serve-bench}"
for tool in wrk hey curl; do
  command -v "$tool" > /dev/null || { echo "serve.sh: $tool is needed (apt-get install $tool)" >&2; exit 1; }
done
cargo build --release --quiet
BIN=target/release/verdict
rm -rf "$WORK" && mkdir -p "$WORK"
cp -r policies "$WORK/policies"
POLICY="$WORK/policies/lifecycle.policy"
BOOK="$WORK/book.jsonl"
"$BIN" synth policies/account.schema.yaml --count 1000 --seed 7 --output "$BOOK"
# For hey's fixed body: the first snapshot of the book whose decision is a
# limit raise (a rule that calls the hook, its last condition).
SNAPSHOT="$WORK/snapshot.json"
n="$("$BIN" eval "$POLICY" "$BOOK" 2> /dev/null | grep -n '"fired":\[[^]]*"limit-raise"' | head -1 | cut -d: -f1 || true)"
[ -n "$n" ] && sed -n "${n}p" "$BOOK" > "$SNAPSHOT"
[ -s "$SNAPSHOT" ] || head -1 "$BOOK" > "$SNAPSHOT"

"$BIN" serve "$POLICY" --addr 127.0.0.1:0 2> "$WORK/serve.log" &
PID=$!
trap 'kill $PID 2> /dev/null || true' EXIT
for _ in $(seq 100); do
  grep -q "listening on" "$WORK/serve.log" && break
  sleep 0.1
done
ADDR="$(sed -n 's/.*listening on http:\/\///p' "$WORK/serve.log")"
URL="http://$ADDR/v1/decide"
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'); load: $(uptime | sed 's/.*load average: //')"
echo "server: $ADDR (pid $PID), book: $BOOK (1,000 generated snapshots)"
rss() { ps -o rss= -p "$PID" | tr -d ' '; }
echo "RSS at start: $(rss) KiB"

for step in $STEPS; do
  case "$step" in
  1)
    echo "== 1. single snapshots, keep-alive, $CONNECTIONS connections, $DURATION"
    BOOK="$BOOK" wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s benches/serve/single.lua "$URL"
    ;;
  2)
    # hey paces each worker with a ticker that cannot tick much faster than
    # once a millisecond: 10 workers asked for 1,500/s each sent 8,250/s in
    # all. 30 workers at 500/s each reach the rate.
    echo "== 2. latency at 15,000 requests/s (hey: 30 workers x 500/s), $DURATION"
    hey -z "$DURATION" -c 30 -q 500 -m POST -T application/json -D "$SNAPSHOT" "$URL" \
      | sed -n '/Summary/,/Status code distribution/p;/\[2[0-9][0-9]\]/p;/Error distribution/,$p'
    ;;
  3)
    echo "== 3. JSON Lines of 1,000 snapshots, 4 connections, $DURATION (decisions/s = requests/s x 1,000)"
    BOOK="$BOOK" wrk -t2 -c4 -d"$DURATION" --latency -s benches/serve/lines.lua "$URL"
    ;;
  4)
    echo "== 4. 100 reloads during a load run"
    V1="$WORK/policies/lifecycle.policy.v1"
    cp "$POLICY" "$V1"
    FP_A="$(curl -s "http://$ADDR/v1/policy" | sed 's/.*"fingerprint":"\([^"]*\)".*/\1/')"
    cp "$WORK/policies/lifecycle-v2.policy" "$POLICY"
    FP_B="$("$BIN" eval "$POLICY" "$SNAPSHOT" 2> /dev/null | sed 's/.*"fingerprint":"\([^"]*\)".*/\1/')"
    cp "$V1" "$POLICY"
    BOOK="$BOOK" FP_A="$FP_A" FP_B="$FP_B" wrk -t2 -c"$CONNECTIONS" -d30s -s benches/serve/single.lua "$URL" \
      > "$WORK/reload-wrk.txt" &
    WRK=$!
    sleep 2
    ok=0
    for i in $(seq 100); do
      if [ $((i % 2)) = 1 ]; then cp "$WORK/policies/lifecycle-v2.policy" "$POLICY"; else cp "$V1" "$POLICY"; fi
      code="$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://$ADDR/v1/reload")"
      [ "$code" = 200 ] && ok=$((ok + 1))
      sleep 0.25
    done
    wait "$WRK"
    cat "$WORK/reload-wrk.txt"
    echo "reloads answered 200: $ok of 100"
    ;;
  5)
    echo "== 5. memory over ${MEMORY_SECONDS}s of single-snapshot and JSON Lines load"
    BOOK="$BOOK" wrk -t1 -c16 -d"${MEMORY_SECONDS}s" -s benches/serve/single.lua "$URL" > "$WORK/memory-single.txt" &
    W1=$!
    BOOK="$BOOK" wrk -t1 -c2 -d"${MEMORY_SECONDS}s" -s benches/serve/lines.lua "$URL" > "$WORK/memory-lines.txt" &
    W2=$!
    for s in $(seq 0 30 "$MEMORY_SECONDS"); do
      echo "t=${s}s RSS $(rss) KiB"
      sleep 30
    done
    wait "$W1" "$W2"
    grep -h "Requests/sec\|Non-2xx\|Socket errors" "$WORK/memory-single.txt" "$WORK/memory-lines.txt" || true
    ;;
  esac
done
echo "RSS at end: $(rss) KiB; load: $(uptime | sed 's/.*load average: //')"
curl -s "http://$ADDR/metrics" | grep -E '^verdict_(decisions|errors)_total|decide_duration_seconds_count' || true
