#!/usr/bin/env bash
# The simulation core's speed in the browser beside its native speed (a bench, not a test; run
# by `make bench-browser`): the workload of sim/benches/hops.rs natively, then compiled to
# WebAssembly and run in headless Chromium (tests/core_bench.rs, a wasm-bindgen-test of the core
# alone, so nothing is added to the page); the best of each side per case, and the ratio
# wasm / native.
#
# Native and browser runs take turns, CORE_WASM_ROUNDS rounds (default 5), as the machine's load
# comes and goes. A round's two sides are seconds apart (a browser starts between them), too far
# for a ratio per round: the ratio is of the best runs.
#
# The WebAssembly is built twice: with the release profile, the page's settings (opt-level "z",
# full LTO), and with the bench profile, the native bench's settings (opt-level 3, thin LTO),
# so the ratio can be read as what the page gets and as what WebAssembly itself costs.
# CORE_WASM_PROFILES picks which (default "release bench").
#
#   CHROMEDRIVER=/usr/bin/chromedriver tests/bench/core-wasm.sh
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
PROFILES=${CORE_WASM_PROFILES:-release bench}
tags=
RUNS=10 # as tests/core_bench.rs
ROUNDS=${CORE_WASM_ROUNDS:-5}
REPORT_DIR=$ROOT/target/bench
mkdir -p "$REPORT_DIR"
LOG=$REPORT_DIR/core-wasm.log
: >"$LOG"
export CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver}

echo "core-wasm: building the native bench..." >&2
native_exe=$(cargo bench -p fanout-sim --bench hops --no-run --message-format=json-render-diagnostics 2>>"$LOG" |
  grep -F '"kind":["bench"]' | grep -F '"name":"hops"' | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -n 1) || true
[ -x "$native_exe" ] || { echo "core-wasm: the native hops bench did not build (see $LOG)" >&2; exit 1; }
native() { FANOUT_HOPS_PLAIN=$RUNS FANOUT_HOPS_TAG=native "$native_exe"; }
native_replay_exe=$(cargo bench -p fanout-sim --bench replay --no-run --message-format=json-render-diagnostics 2>>"$LOG" |
  grep -F '"kind":["bench"]' | grep -F '"name":"replay"' | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -n 1) || true
[ -x "$native_replay_exe" ] || { echo "core-wasm: the native replay bench did not build (see $LOG)" >&2; exit 1; }
out_all=

# Built first, so that the rounds below only run.
wasm_test() {
  WASM_BINDGEN_TEST_TIMEOUT=600 cargo test -p fanout --profile "$1" --target wasm32-unknown-unknown --test core_bench "${@:2}"
}
built=
for profile in $PROFILES; do
  echo "core-wasm: building the core for WebAssembly ($profile profile)..." >&2
  if wasm_test "$profile" --no-run >>"$LOG" 2>&1; then
    built+=" $profile"
  else
    echo "core-wasm: the WebAssembly bench did not build with the $profile profile; the last lines of $LOG:" >&2
    tail -n 20 "$LOG" >&2
  fi
done

# Rounds of native, then each WebAssembly build in headless Chromium; the best of each side.
lines=
for r in $(seq 1 "$ROUNDS"); do
  out_all=
  echo "core-wasm: round $r of $ROUNDS: native, then in headless Chromium:$built..." >&2
  lines+=$'\n'"round $r"$'\n'$(native)
  for profile in $built; do
    if out=$(wasm_test "$profile" -- --include-ignored --nocapture 2>>"$LOG"); then
      printf '%s\n' "$out" >>"$LOG"
      lines+=$'\n'$(printf '%s\n' "$out" | sed -n "s/^.*plain wasm /plain wasm-$profile /p")
      out_all+=$'\n'$(printf '%s\n' "$out" | sed -n "s/^.*replay wasm /replay wasm-$profile /p")
      out_all+=$'\n'$(printf '%s\n' "$out" | sed -n "s/^.*waterfall wasm /waterfall wasm-$profile /p")
    else
      printf '%s\n' "$out" >>"$LOG"
      echo "core-wasm: the WebAssembly bench failed in the browser ($profile profile); see $LOG" >&2
    fi
  done
done
lines+=$'\n'$(native)
printf '%s\n' "$lines" >>"$LOG"

echo
echo "Simulation core in headless Chromium against natively (flash-sale, 5,000 orders/s, 2 simulated s;"
echo "best of $ROUNDS rounds of $RUNS plain runs per case, native and in the browser by turns)"
labels=native
for profile in $PROFILES; do tags+=" wasm-$profile"; labels+="|wasm $profile"; done
printf '%s\n' "$lines" | awk -v tags="native$tags" -v labels="$labels" -v rounds=0 -f "$ROOT/tests/bench/ratios.awk" |
  tee "$REPORT_DIR/core-wasm.txt"
echo "(M/s: million hops per second; ratio: wasm / native, of the best runs; release: the page's"
echo " profile, opt-level z; bench: the native bench's profile, opt-level 3)"
# The replay of an event store of more than 100,000 events (budget: 100 ms in the page), from
# the last round: native beside each WebAssembly build.
echo
echo "Rebuilding a read model of an event store of 100,000+ events (best of $RUNS, last round):"
{
  "$native_replay_exe"
  printf '%s\n' "$out_all" | sed -n 's/^.*\(replay wasm \)/\1/p'
} | tee -a "$REPORT_DIR/core-wasm.txt"
echo
echo "A waterfall of 500 spans in the page (budget: one frame, 16.7 ms; best of $RUNS, last round):"
printf '%s\n' "$out_all" | sed -n 's/^.*\(waterfall wasm\)/\1/p' | tee -a "$REPORT_DIR/core-wasm.txt"
echo "(wrote target/bench/core-wasm.txt; the runs and build output are in target/bench/core-wasm.log)"
