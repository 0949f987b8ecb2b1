#!/usr/bin/env bash
# The README's first command: set up, build, and run the main demo in
# ./demo-run (its store and run folder are demo-run/.consist). The demo ends
# by showing that store through the `consist` tool built beside it.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${CONSIST_BUILD_DIR:-$root/build}
bash "$root/scripts/build.sh" --target consist_cli example_demo
mkdir -p "$root/demo-run"
cd "$root/demo-run"
"$build/examples/example_demo"
