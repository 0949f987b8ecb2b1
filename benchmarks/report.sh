#!/usr/bin/env bash
# The benchmark report, in one command:
#   bash benchmarks/report.sh
# 1. builds the benchmark programs and the consist tool in their own Release
#    build (build-bench/, or $CONSIST_BENCH_BUILD_DIR) through scripts/build.sh,
#    which first installs any missing package (scripts/setup.sh);
# 2. runs every benchmarks/*_bench program with repetitions (JSON into
#    build-bench/report/), compile_time.sh with g++ and clang++, and the
#    joblib.Memory peer (benchmarks/report/joblib_peer.py);
# 3. regenerates benchmarks/README.md, benchmarks/report/hit_latency.png and
#    the table between the bench markers of README.md from those measurements
#    (benchmarks/report/generate.py).
# About 15-20 minutes on 2 cores, build included. CONSIST_REPORT_REPETITIONS
# (default 5) sets the repetitions of every program, for a quicker, noisier run. Exits non-zero when a
# program failed or a row of the report could not be measured; the report is
# written all the same, with those rows marked.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${CONSIST_BENCH_BUILD_DIR:-$root/build-bench}
out=$build/report
python=/usr/bin/python3  # Debian's joblib and lmdb modules load only here
started=$(date +%s)
failed=()

elapsed() { echo $(($(date +%s) - $1)); }

# ---- 1. build ------------------------------------------------------------------
programs=()
for src in "$root"/benchmarks/*_bench.cpp; do
  programs+=("$(basename "$src" .cpp)")
done
echo "report: building ${programs[*]} consist_cli in $build"
# Warnings are the test build's to enforce (scripts/build.sh, CI); a warning
# must not cost a report its measurements.
CONSIST_BUILD_DIR=$build CONSIST_BUILD_TYPE=Release \
  CONSIST_CMAKE_ARGS="-DCONSIST_BUILD_TESTS=OFF -DCONSIST_BUILD_EXAMPLES=OFF -DCONSIST_WERROR=OFF ${CONSIST_CMAKE_ARGS:-}" \
  bash "$root/scripts/build.sh" --target "${programs[@]}" consist_cli
build_s=$(elapsed "$started")
echo "report: built in ${build_s} s"

# ---- 2. measure ------------------------------------------------------------------
rm -rf "$out"
mkdir -p "$out"
# The programs' stores stay until the end (see the template: deleting them
# between programs would slow the next one's file operations).
scratch=$(mktemp -d "${TMPDIR:-/tmp}/consist_report.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
"$python" "$root/benchmarks/report/generate.py" machine "$out/machine.json"
measure_started=$(date +%s)
steps=()

# name, repetitions, extra flags: one program, its JSON in $out/<name>.json.
run_program() {
  local name=$1 reps=$2
  shift 2
  local t0
  t0=$(date +%s)
  printf 'report: %-12s %d repetitions ... ' "$name" "$reps"
  if TMPDIR=$scratch CONSIST_BENCH_KEEP_SCRATCH=1 "$build/benchmarks/${name}_bench" --benchmark_repetitions="$reps" \
      --benchmark_display_aggregates_only=true \
      --benchmark_out="$out/$name.json" --benchmark_out_format=json "$@" >"$out/$name.log" 2>&1; then
    echo "$(elapsed "$t0") s"
  else
    echo "FAILED after $(elapsed "$t0") s (see $out/$name.log)"
    failed+=("$name")
  fi
  steps+=("\"$name\": $(elapsed "$t0")")
}

reps=${CONSIST_REPORT_REPETITIONS:-5}
quick=(--benchmark_min_time=0.2)
# Where ours and the reference are separate benchmarks, their repetitions take
# turns in a random order, so a drift of the machine's load falls on both; the
# paired benchmarks (store, lineage, run) alternate inside each iteration.
mixed=(--benchmark_enable_random_interleaving=true)
run_program siphash "$reps" "${quick[@]}" "${mixed[@]}"
run_program encode "$reps" "${quick[@]}" "${mixed[@]}"
run_program spans "$reps" "${quick[@]}" "${mixed[@]}"
run_program fingerprint "$reps" "${mixed[@]}"
run_program store "$reps"
run_program lineage "$reps" "${quick[@]}"
run_program cli "$reps" "${quick[@]}" "${mixed[@]}"
run_program run "$reps"

# Any other *_bench program is run too (its rows are not in the report).
for p in "${programs[@]}"; do
  case "$p" in
    siphash_bench | encode_bench | spans_bench | fingerprint_bench | store_bench | lineage_bench | cli_bench | run_bench) ;;
    *) run_program "${p%_bench}" "$reps" "${quick[@]}" ;;
  esac
done

compile_time() {  # name, compiler, runs
  local t0
  t0=$(date +%s)
  printf 'report: %-12s %s, %d runs ... ' "compile time" "$2" "$3"
  if ! command -v "$2" >/dev/null; then
    echo "skipped: $2 is not installed"
    failed+=("compile_$1")
    return
  fi
  if CXX=$2 bash "$root/benchmarks/compile_time.sh" --json "$out/compile_$1.json" "$3" >"$out/compile_$1.log" 2>&1; then
    echo "$(elapsed "$t0") s"
  else
    echo "FAILED (see $out/compile_$1.log)"
    failed+=("compile_$1")
  fi
  steps+=("\"compile_$1\": $(elapsed "$t0")")
}
compile_time gcc g++ "$reps"
compile_time clang clang++ $((reps < 3 ? reps : 3))  # the same claim with a second compiler: fewer runs

# The peer's lmdb values are as long as run_bench's cache entries.
entry_bytes=$("$python" -c '
import json, sys
try:
    runs = json.load(open(sys.argv[1]))["benchmarks"]
    print(int(next(b["entry_bytes"] for b in runs if "entry_bytes" in b)))
except Exception:
    print(64)' "$out/run.json")
t0=$(date +%s)
printf 'report: %-12s ... ' "joblib peer"
if "$python" "$root/benchmarks/report/joblib_peer.py" --value-bytes "$entry_bytes" \
    --out "$out/joblib.json" >"$out/joblib.log" 2>&1; then
  echo "$(elapsed "$t0") s"
else
  echo "FAILED (see $out/joblib.log)"
  failed+=("joblib")
fi
steps+=("\"joblib peer\": $(elapsed "$t0")")

measure_s=$(elapsed "$measure_started")
{
  echo "{\"build_s\": $build_s, \"measure_s\": $measure_s, \"steps\": {"
  (IFS=,; echo "${steps[*]}")
  echo "}}"
} >"$out/timing.json"

# ---- 3. the report ------------------------------------------------------------
render_status=0
"$python" "$root/benchmarks/report/generate.py" render --results "$out" --top-readme "$root/README.md" ||
  render_status=$?

total=$(elapsed "$started")
printf 'report: done in %d min %02d s (build %d s, measurements %d s); JSON and logs in %s\n' \
  $((total / 60)) $((total % 60)) "$build_s" "$measure_s" "$out"
if ((${#failed[@]})); then
  echo "report: failed: ${failed[*]}" >&2
  exit 1
fi
if ((render_status != 0)); then
  echo "report: some rows could not be measured (see above)" >&2
  exit 1
fi
