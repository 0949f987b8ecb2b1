#!/usr/bin/env bash
# Runs the three builds of hot_loop.cpp under callgrind, counting only the
# instructions executed inside consist_zero_cost_loop, and checks:
#   bare == spans_off           (CONSIST_NO_TRACING: spans cost nothing)
#   spans_compiled_in != bare   (the comparison can see one branch)
# Usage: compare_instructions.sh <bare> <spans_off> <spans_compiled_in> <work dir>
# Exit 77 (ctest SKIP_RETURN_CODE) when valgrind is not installed.
set -euo pipefail

if [ $# -ne 4 ]; then
  echo "usage: $0 <bare> <spans_off> <spans_compiled_in> <work dir>" >&2
  exit 2
fi
valgrind=${CONSIST_VALGRIND:-$(command -v valgrind || true)}
if [ -z "$valgrind" ]; then
  echo "SKIPPED: valgrind is not installed, so the zero-cost claim of CONSIST_NO_TRACING is NOT verified;"
  echo "install it (Debian: apt-get install valgrind) or point CONSIST_VALGRIND at it."
  exit 77
fi

work=$4
mkdir -p "$work"
iterations=100000

instructions() {  # <executable> <label>: prints the collected instruction count
  local out="$work/callgrind.$2.out"
  rm -f "$out"
  "$valgrind" --tool=callgrind --collect-atstart=no --toggle-collect=consist_zero_cost_loop \
    --callgrind-out-file="$out" "$1" "$iterations" > "$work/callgrind.$2.log" 2>&1 || {
    echo "FAILED: callgrind could not run $1 (log: $work/callgrind.$2.log)" >&2
    cat "$work/callgrind.$2.log" >&2
    exit 1
  }
  local count
  count=$(sed -n 's/^totals: *\([0-9][0-9]*\).*/\1/p' "$out")
  [ -n "$count" ] || count=$(sed -n 's/^summary: *\([0-9][0-9]*\).*/\1/p' "$out")
  if [ -z "$count" ] || [ "$count" -eq 0 ]; then
    echo "FAILED: no instructions collected in consist_zero_cost_loop for $1 (see $out):" >&2
    echo "the function was renamed or inlined, so the comparison would prove nothing" >&2
    exit 1
  fi
  echo "$count"
}

bare=$(instructions "$1" bare)
off=$(instructions "$2" spans_off)
compiled_in=$(instructions "$3" spans_compiled_in)
echo "instructions in consist_zero_cost_loop over $iterations iterations:"
echo "  without spans:                          $bare"
echo "  with spans, CONSIST_NO_TRACING:         $off"
echo "  with spans compiled in, no collection:  $compiled_in"

status=0
if [ "$bare" -ne "$off" ]; then
  echo "FAILED: spans under CONSIST_NO_TRACING changed the loop by $((off - bare)) instructions"
  status=1
fi
if [ "$compiled_in" -eq "$bare" ]; then
  echo "FAILED: compiled-in spans cost no instruction either, so this check cannot tell a cost from none"
  status=1
fi
if [ "$status" -eq 0 ]; then
  echo "zero cost: identical instruction counts under CONSIST_NO_TRACING"
  echo "(compiled in and idle: $(( (compiled_in - bare) / iterations )) instructions per iteration)"
fi
exit "$status"
