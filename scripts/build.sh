#!/usr/bin/env bash
# Set-up, configure and build into ./build (or $CONSIST_BUILD_DIR).
# Extra arguments go to the build (e.g. a target name).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${CONSIST_BUILD_DIR:-$root/build}

bash "$root/scripts/setup.sh"
# RelWithDebInfo with line tables only (-g1): a backtrace still names file
# and line, and the build does not spend a fifth of its time writing the
# full debug information of every template.
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=${CONSIST_BUILD_TYPE:-RelWithDebInfo} \
      -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" -DCONSIST_WERROR=ON ${CONSIST_CMAKE_ARGS:-} >/dev/null
cmake --build "$build" --parallel "$(nproc)" "$@"
