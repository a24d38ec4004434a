#!/usr/bin/env bash
# Old core against new, natively, in one run (a bench, not a test; run by `make bench-native`).
#
# Builds the hops bench twice: against the core of BENCH_BASE (a commit, checked out in a
# temporary git worktree) and against the working tree's core, both with the working tree's
# sim/benches/ (so the same workload, written against the public API both cores share), then
# runs the two binaries by turns, BENCH_ROUNDS short rounds of BENCH_RUNS plain timed runs per
# case, and prints the best of each: case, base hops/s, new hops/s, new / base, and the median
# of the rounds' own ratios. On a noisy machine only ratios of figures taken side by side mean
# much.
#
# If the base cannot be checked out or built, it says so and reports the new core alone.
#
#   BENCH_BASE=<commit> BENCH_ROUNDS=20 BENCH_RUNS=3 tests/bench/compare-core.sh
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BASE=${BENCH_BASE:-c411120}
ROUNDS=${BENCH_ROUNDS:-20}
RUNS=${BENCH_RUNS:-3}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
REPORT_DIR=$ROOT/target/bench
mkdir -p "$REPORT_DIR"
LOG=$REPORT_DIR/compare-core.log
: >"$LOG"

# The path of the hops bench binary built from the tree $1 into the target directory $2.
bench_exe() {
  (cd "$1" && CARGO_TARGET_DIR=$2 cargo bench -p fanout-sim --bench hops --no-run \
      --message-format=json-render-diagnostics 2>>"$LOG") |
    grep -F '"kind":["bench"]' | grep -F '"name":"hops"' | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -n 1
}

echo "compare-core: building the working tree's core..." >&2
new_exe=$(bench_exe "$ROOT" "$TARGET") || true
if [ -z "$new_exe" ] || [ ! -x "$new_exe" ]; then
  echo "compare-core: the working tree's hops bench did not build; the last lines of $LOG:" >&2
  tail -n 20 "$LOG" >&2
  exit 1
fi

base_exe=
base_desc=
if ! base_rev=$(git -C "$ROOT" rev-parse --verify -q "$BASE^{commit}"); then
  echo "compare-core: no commit $BASE in this repository; reporting the new core alone" >&2
else
  base_desc=$(git -C "$ROOT" log -1 --format='%h %s' "$base_rev")
  wt=$(mktemp -d "${TMPDIR:-/tmp}/fanout-bench-base.XXXXXX")
  cleanup() {
    git -C "$ROOT" worktree remove --force "$wt" >/dev/null 2>&1 || rm -rf "$wt"
    git -C "$ROOT" worktree prune
  }
  trap cleanup EXIT
  if git -C "$ROOT" worktree add --quiet --detach "$wt" "$base_rev" >>"$LOG" 2>&1; then
    # The working tree's workload, built against the base's core. Its own target directory:
    # two checkouts of one workspace in one target directory would pass for each other.
    rm -rf "$wt/sim/benches"
    cp -R "$ROOT/sim/benches" "$wt/sim/benches"
    echo "compare-core: building the core of $base_desc..." >&2
    base_exe=$(bench_exe "$wt" "$TARGET/bench-base") || true
    if [ -z "$base_exe" ] || [ ! -x "$base_exe" ]; then
      echo "compare-core: the hops bench did not build against $base_desc (see $LOG); reporting the new core alone" >&2
      tail -n 20 "$LOG" >&2
      base_exe=
    fi
  else
    echo "compare-core: could not check out $BASE (see $LOG); reporting the new core alone" >&2
  fi
fi

run() { FANOUT_HOPS_PLAIN=$RUNS FANOUT_HOPS_TAG=$1 "$2" || echo "compare-core: the $1 core's run failed" >&2; }

echo "compare-core: $ROUNDS rounds of $RUNS timed runs per case, the two cores by turns..." >&2
lines=$(
  for r in $(seq 1 "$ROUNDS"); do
    echo "round $r"
    if [ -z "$base_exe" ]; then
      run new "$new_exe"
    elif [ $((r % 2)) = 1 ]; then
      run base "$base_exe"; run new "$new_exe"
    else
      run new "$new_exe"; run base "$base_exe"
    fi
  done
)
printf '%s\n' "$lines" >>"$LOG"

echo
echo "Simulation core, natively, old against new (flash-sale, 5,000 orders/s, 2 simulated s;"
echo "best of $ROUNDS rounds x $RUNS plain runs per case, the two cores by turns; ratio: new / base,"
echo "of the best runs and, in brackets, the median of the rounds' ratios)"
echo "base: ${base_desc:-(none)}"
echo "new:  the working tree ($(git -C "$ROOT" log -1 --format='%h' HEAD)$(git -C "$ROOT" diff --quiet HEAD -- sim/src 2>/dev/null || echo ', with changes to sim/src'))"
if [ -n "$base_exe" ]; then tags="base new" labels="base|new"; else tags=new labels=new; fi
printf '%s\n' "$lines" | awk -v tags="$tags" -v labels="$labels" -f "$ROOT/tests/bench/ratios.awk" |
  tee "$REPORT_DIR/compare-core.txt"
echo "(wrote target/bench/compare-core.txt; the runs and build output are in target/bench/compare-core.log)"
