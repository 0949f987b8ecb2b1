#!/usr/bin/env bash
# The README's first command: set up, build, and run the main demo.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${CONSIST_BUILD_DIR:-$root/build}
bash "$root/scripts/build.sh" --target example_demo
mkdir -p "$root/demo-run"
cd "$root/demo-run"
"$build/examples/example_demo"
