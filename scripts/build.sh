#!/usr/bin/env bash
# Set-up, configure and build into ./build (or $CONSIST_BUILD_DIR).
# Extra arguments go to the build (e.g. a target name).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${CONSIST_BUILD_DIR:-$root/build}

bash "$root/scripts/setup.sh"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=${CONSIST_BUILD_TYPE:-RelWithDebInfo} \
      -DCONSIST_WERROR=ON ${CONSIST_CMAKE_ARGS:-} >/dev/null
cmake --build "$build" --parallel "$(nproc)" "$@"
