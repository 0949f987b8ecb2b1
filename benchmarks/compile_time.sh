#!/usr/bin/env bash
# Compile-time cost of using consist: a translation unit that includes
# <consist.hpp> and computes the schema hash and the digest of a 20-field
# config struct, beside one that includes <boost/json.hpp> alone. Best of N
# runs each (default 5), -O0 -c, the same flags for all. Target: ratio < 2.0.
# A third unit does the same with only the encoding headers (consist/encode/),
# to tell the reflection and encoding cost from the rest of the library.
#   usage: benchmarks/compile_time.sh [--check] [runs]
#   CXX=clang++ benchmarks/compile_time.sh     (default g++)
# With --check the exit status is 1 when the <consist.hpp> ratio misses the target.
set -euo pipefail

check=0
if [[ "${1:-}" == "--check" ]]; then
  check=1
  shift
fi
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

best_of() {  # prints the fastest of $runs compiles of $1, in seconds
  local src=$1 best="" start end t
  for ((i = 0; i < runs; ++i)); do
    start=$(date +%s%N)
    "$cxx" -std=c++20 -O0 -I"$root/include" -c "$src" -o "$work/out.o"
    end=$(date +%s%N)
    t=$(((end - start) / 1000000))
    if [[ -z "$best" || $t -lt $best ]]; then best=$t; fi
  done
  awk -v ms="$best" 'BEGIN { printf "%.3f", ms / 1000 }'
}

json_s=$(best_of "$work/json_only.cpp")
consist_s=$(best_of "$work/with_consist.cpp")
encode_s=$(best_of "$work/encode_only.cpp")
ratio=$(awk -v a="$consist_s" -v b="$json_s" 'BEGIN { printf "%.2f", a / b }')
encode_ratio=$(awk -v a="$encode_s" -v b="$json_s" 'BEGIN { printf "%.2f", a / b }')

echo "compiler: $cxx ($("$cxx" --version | head -n 1)), -O0 -c, best of $runs"
echo "<boost/json.hpp> alone:                        ${json_s} s"
echo "<consist.hpp> + 20-field schema_hash + digest: ${consist_s} s  ratio ${ratio} (target < 2.0)"
echo "consist/encode/* only, same struct:            ${encode_s} s  ratio ${encode_ratio}"
if ((check)) && awk -v r="$ratio" 'BEGIN { exit !(r >= 2.0) }'; then
  echo "compile-time ratio misses the target" >&2
  exit 1
fi
