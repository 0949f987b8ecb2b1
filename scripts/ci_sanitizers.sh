#!/usr/bin/env bash
# CI jobs beyond scripts/test.sh, each in its own build directory:
#   asan: the test suite built with clang and ASan+UBSan, run with ctest
#         (without the examples, whose paths the unit tests cover, without
#         the tests that only compile, link or configure code, and
#         without the 1e5-run volume test, which gains nothing from ASan, and
#         without MPI, whose runtime is not built with the sanitizers); only
#         the programs those tests run are built;
#   tsan: the multi-threaded and multi-process tests built with TSan;
#   fuzz: every libFuzzer target for CONSIST_FUZZ_SECONDS (default 45) seconds,
#         seeded from tests/fuzz/corpus (new inputs go to a scratch folder).
# Usage: scripts/ci_sanitizers.sh [asan] [tsan] [fuzz]   (no argument: all three)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jobs=${CONSIST_JOBS:-$(nproc)}
seconds=${CONSIST_FUZZ_SECONDS:-45}
stages=("$@")
[ ${#stages[@]} -eq 0 ] && stages=(asan tsan fuzz)

# Tests that compile, configure or install code rather than run it.
# header_only.two_units checks a link; the header-only form runs under ASan in
# the reliability tests.
not_runtime='^(compile_fail|header|header_only|header_separate|consumer|docs|code_identity|spans)\.|^reliability\.capacity$'
concurrent='^(reliability\.(concurrency|crash)|unit\.(store|start_run|lmdb|tracker|spans|trace|scenario))$'

configure() {  # configure DIR EXTRA-CMAKE-ARGS...
  local dir=$1
  shift
  # -O1 with line tables only: sanitizer reports keep file:line, and the
  # build spends its time on the code rather than on full debug information.
  cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=None \
    -DCONSIST_WERROR=ON -DCONSIST_BUILD_BENCHMARKS=OFF -DCMAKE_DISABLE_FIND_PACKAGE_MPI=ON "$@" >/dev/null
}

timed() {  # timed NAME COMMAND...: runs it, prints how long it took
  local name=$1 start=$SECONDS
  shift
  "$@"
  echo "ci_sanitizers: $name took $((SECONDS - start)) s"
}

build_tested() {  # build_tested DIR CTEST-SELECTION...: builds what the selected tests start
  local dir=$1
  shift
  # The executables the tests start, as build outputs (ninja builds what each
  # depends on, the helper programs and the tool included). Before the build
  # ctest names each as one it could not find.
  local programs
  mapfile -t programs < <(cd "$dir" && ctest -N -V "$@" 2>&1 |
    sed -n -e "s|^Could not find executable $dir/\(.*\)\$|\1|p" \
           -e "s|^[0-9]*: Test command: $dir/\([^ ]*\).*|\1|p" | sort -u)
  ((${#programs[@]} > 0)) || { echo "ci_sanitizers: no test selected in $dir" >&2; return 1; }
  cmake --build "$dir" -j "$jobs" --target "${programs[@]}"
}

asan() {
  local dir=${CONSIST_ASAN_BUILD_DIR:-$root/build-ci-asan}
  local flags="-O1 -gline-tables-only -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
  configure "$dir" -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
    -DCONSIST_BUILD_EXAMPLES=OFF
  local selection=(-E "$not_runtime" -LE "^mpi$")
  build_tested "$dir" "${selection[@]}"
  (cd "$dir" && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
     ctest --output-on-failure --parallel "$jobs" "${selection[@]}")
}

tsan() {
  local dir=${CONSIST_TSAN_BUILD_DIR:-$root/build-ci-tsan}
  configure "$dir" -DCMAKE_CXX_FLAGS="-O1 -gline-tables-only -fsanitize=thread" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread" \
    -DCONSIST_BUILD_EXAMPLES=OFF -DCONSIST_BUILD_TOOLS=OFF
  build_tested "$dir" -R "$concurrent"
  (cd "$dir" && TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
     ctest --output-on-failure --parallel "$jobs" -R "$concurrent")
}

fuzz_one() {  # fuzz_one DIR TARGET: runs one target; fails on a finding
  local dir=$1 t=$2
  local found="$dir/tests/fuzz/found_$t"
  rm -rf "$found" && mkdir -p "$found"
  "$dir/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$found/" \
    "$found" "$root/tests/fuzz/corpus/$t" 2>&1 | grep -E '^(stat::number_of_executed_units|==|SUMMARY)' |
    sed "s/^/fuzz $t: /" || true
  echo "ci_sanitizers: fuzzed $t for $seconds s"
  if ls "$found"/crash-* "$found"/leak-* "$found"/timeout-* "$found"/oom-* >/dev/null 2>&1; then
    echo "ci_sanitizers: fuzz target $t found an input that fails: see $found" >&2
    return 1
  fi
}

wait_all() {  # waits for every pid; fails when any failed
  local failed=0 p
  for p in "$@"; do wait "$p" || failed=1; done
  return $failed
}

fuzz() {
  local dir=${CONSIST_FUZZ_BUILD_DIR:-$root/build-ci-fuzz}
  configure "$dir" -DCMAKE_CXX_FLAGS="-O1 -gline-tables-only" -DCONSIST_FUZZ=ON -DCONSIST_BUILD_EXAMPLES=OFF \
    -DCONSIST_BUILD_TOOLS=OFF
  local targets=()
  for src in "$root"/tests/fuzz/*_fuzz.cpp; do
    local name
    name=$(basename "$src" _fuzz.cpp)
    targets+=("$name")
  done
  cmake --build "$dir" -j "$jobs" --target "${targets[@]/#/fuzz_}"
  # One target per core at a time, each for the full time.
  local pids=() t
  for t in "${targets[@]}"; do
    fuzz_one "$dir" "$t" &
    pids+=($!)
    if ((${#pids[@]} == jobs)); then
      wait_all "${pids[@]}"
      pids=()
    fi
  done
  ((${#pids[@]} == 0)) || wait_all "${pids[@]}"
}

for s in "${stages[@]}"; do
  case $s in
    asan | tsan | fuzz) timed "$s" "$s" ;;
    *) echo "ci_sanitizers: unknown stage '$s' (asan, tsan, fuzz)" >&2; exit 2 ;;
  esac
done
