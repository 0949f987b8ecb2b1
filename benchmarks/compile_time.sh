#!/usr/bin/env bash
# Compile-time cost of using consist: a translation unit that includes
# <consist.hpp> and computes the schema hash and the digest of a 20-field
# config struct, beside one that includes <boost/json.hpp> alone. N runs each
# (default 5), -O0 -c, the same flags for all, timed in CPU seconds (user +
# system) of the compiler; the ratio is of the medians.
# Target: ratio < 2.0.
# The <consist.hpp> unit is measured twice: header-only (the default) and
# separately compiled (-DCONSIST_SEPARATE_COMPILATION: the headers declare the
# library's non-template functions, whose bodies one other unit compiles once,
# see <consist/src.hpp>). A further unit does the same with only the encoding
# headers (consist/encode/), to tell the reflection and encoding cost from the
# rest of the library. And the separately compiled unit once more with
# <consist.hpp> precompiled (g++ .gch, clang -include-pch), as a build that
# precompiles it (target_precompile_headers) compiles each of its units; the
# header is precompiled once, before the runs, and that time is reported apart.
#   usage: benchmarks/compile_time.sh [--check] [--json FILE] [runs]
#   CXX=clang++ benchmarks/compile_time.sh     (default g++)
# With --check the exit status is 1 when the separately compiled ratio misses
# the target.
# With --json every sample (seconds) and the medians are also written to FILE.
set -euo pipefail

check=0
json_out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --check) check=1; shift ;;
    --json) json_out=$2; shift 2 ;;
    *) break ;;
  esac
done
runs=${1:-5}
cxx=${CXX:-g++}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

config_tu() {  # $1: the consist includes; prints the translation unit
  printf '%s\n' "$1"
  cat <<'TU'
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sim {
enum class scheme : std::uint8_t { upwind, central };
struct config20 {
  BOOST_HANA_DEFINE_STRUCT(config20, (std::string, model), (std::int32_t, year), (std::int32_t, iteration),
                           (double, dt), (double, t_end), (double, tolerance), (std::int64_t, seed),
                           (bool, adaptive), (scheme, advection), (std::uint32_t, threads),
                           (std::string, scenario), (std::filesystem::path, input_dir), (double, cfl),
                           (std::int32_t, max_steps), (std::optional<double>, relax),
                           (std::map<std::string, double>, rates), (std::vector<double>, zone_weights),
                           (std::vector<std::int32_t>, zone_ids), (float, damping), (std::uint16_t, output_every));
};
}  // namespace sim

static_assert(consist::schema_hash<sim::config20>() != 0);
consist::digest128 identity_of(const sim::config20& c) { return consist::digest(c); }
TU
}

encode_headers='#include <consist/encode/json.hpp>
#include <consist/encode/reflect.hpp>
#include <consist/encode/serialize.hpp>
#include <consist/encode/to_json.hpp>'
# The encoding headers are named as well, in case <consist.hpp> lacks them.
config_tu "#include <consist.hpp>
$encode_headers" >"$work/with_consist.cpp"
config_tu "$encode_headers" >"$work/encode_only.cpp"
printf '#include <boost/json.hpp>\n' >"$work/json_only.cpp"

compile_s() {  # prints the CPU time of one compile of $1 (further arguments: flags; output: $out), in seconds
  # User + system time of the compiler's processes, not the wall clock: on a
  # shared machine the wall clock also counts the time other work held the CPU.
  local unit=$1 times TIMEFORMAT='%3U %3S'
  shift
  if ! times=$({ time "$cxx" -std=c++20 -O0 -I"$root/include" "$@" -c "$unit" -o "${out:-$work/out.o}" 2>"$work/err"; } 2>&1); then
    cat "$work/err" >&2
    return 1
  fi
  awk '{ printf "%.3f\n", $1 + $2 }' <<<"$times"
}
median() { sort -g | awk '{ v[NR] = $1 } END { printf "%.3f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
best() { sort -g | head -n 1; }

# The precompiled <consist.hpp>. For g++ the header's text is then replaced by
# an #error, so a unit that does not use the .gch fails instead of being
# timed as if it had; clang++ is told the file (-include-pch), which fails
# when it cannot be used (and checks the header it was built from, which
# therefore stays as it is).
mkdir "$work/pch"
printf '#include <consist.hpp>\n' >"$work/pch/consist_pch.hpp"
if [[ $("$cxx" --version | head -n 1) == *clang* ]]; then
  pch_file="$work/pch/consist_pch.hpp.pch"
  pch_use=(-include-pch "$pch_file")
else
  pch_file="$work/pch/consist_pch.hpp.gch"
  pch_use=(-include "$work/pch/consist_pch.hpp" -Winvalid-pch)
fi
pch_build_s=$(out=$pch_file compile_s "$work/pch/consist_pch.hpp" -DCONSIST_SEPARATE_COMPILATION -x c++-header)
if [[ $pch_file == *.gch ]]; then
  printf '#error "the precompiled <consist.hpp> was not used"\n' >"$work/pch/consist_pch.hpp"
fi

# The units take turns, so a change in the machine's load falls on all of them.
json_samples="" consist_samples="" separate_samples="" encode_samples="" pch_samples=""
for ((i = 0; i < runs; ++i)); do
  json_samples+="$(compile_s "$work/json_only.cpp")"$'\n'
  consist_samples+="$(compile_s "$work/with_consist.cpp")"$'\n'
  separate_samples+="$(compile_s "$work/with_consist.cpp" -DCONSIST_SEPARATE_COMPILATION)"$'\n'
  encode_samples+="$(compile_s "$work/encode_only.cpp")"$'\n'
  pch_samples+="$(compile_s "$work/with_consist.cpp" -DCONSIST_SEPARATE_COMPILATION "${pch_use[@]}")"$'\n'
done
json_samples=${json_samples%$'\n'} consist_samples=${consist_samples%$'\n'}
separate_samples=${separate_samples%$'\n'} encode_samples=${encode_samples%$'\n'} pch_samples=${pch_samples%$'\n'}
json_s=$(median <<<"$json_samples")
consist_s=$(median <<<"$consist_samples")
separate_s=$(median <<<"$separate_samples")
encode_s=$(median <<<"$encode_samples")
pch_s=$(median <<<"$pch_samples")
ratio=$(awk -v a="$consist_s" -v b="$json_s" 'BEGIN { printf "%.2f", a / b }')
separate_ratio=$(awk -v a="$separate_s" -v b="$json_s" 'BEGIN { printf "%.2f", a / b }')
encode_ratio=$(awk -v a="$encode_s" -v b="$json_s" 'BEGIN { printf "%.2f", a / b }')
pch_ratio=$(awk -v a="$pch_s" -v b="$json_s" 'BEGIN { printf "%.2f", a / b }')
version=$("$cxx" --version | head -n 1)

echo "compiler: $cxx ($version), -O0 -c, median of $runs (best in brackets)"
echo "<boost/json.hpp> alone:                        ${json_s} s ($(best <<<"$json_samples") s)"
echo "<consist.hpp> + 20-field schema_hash + digest: ${consist_s} s ($(best <<<"$consist_samples") s)  ratio ${ratio} (header-only)"
echo "the same, separately compiled:                 ${separate_s} s ($(best <<<"$separate_samples") s)  ratio ${separate_ratio} (target < 2.0)"
echo "consist/encode/* only, same struct:            ${encode_s} s ($(best <<<"$encode_samples") s)  ratio ${encode_ratio}"
echo "separately compiled, <consist.hpp> precompiled: ${pch_s} s ($(best <<<"$pch_samples") s)  ratio ${pch_ratio}" \
     "(precompiling it, once: ${pch_build_s} s)"

if [[ -n "$json_out" ]]; then
  list() { paste -sd, - <<<"$1"; }
  cat >"$json_out" <<JSON
{
  "compiler": "$cxx",
  "version": "${version//\"/\\\"}",
  "flags": "-std=c++20 -O0 -c",
  "runs": $runs,
  "samples_s": {
    "json_only": [$(list "$json_samples")],
    "with_consist": [$(list "$consist_samples")],
    "with_consist_separate": [$(list "$separate_samples")],
    "encode_only": [$(list "$encode_samples")],
    "with_consist_separate_pch": [$(list "$pch_samples")]
  },
  "pch_build_s": $pch_build_s,
  "median_s": {"json_only": $json_s, "with_consist": $consist_s, "with_consist_separate": $separate_s,
               "encode_only": $encode_s, "with_consist_separate_pch": $pch_s}
}
JSON
fi

if ((check)) && awk -v r="$separate_ratio" 'BEGIN { exit !(r >= 2.0) }'; then
  echo "compile-time ratio misses the target" >&2
  exit 1
fi
