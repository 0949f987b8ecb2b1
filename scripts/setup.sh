#!/usr/bin/env bash
# Installs what building and testing consist needs on Debian 12, and only what
# is missing. Idempotent; works as root or through sudo.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config git
  libboost1.81-dev libboost-json1.81-dev   # the versioned names: the unversioned ones conflict
  liblmdb-dev lmdb-utils
  doctest-dev libbenchmark-dev libhighwayhash-dev
  python3-lmdb python3-jsonschema valgrind doxygen
  openmpi-bin libopenmpi-dev   # consist/mpi.hpp, its tests and example
  gnuplot-nox python3-joblib   # benchmark report: the plot and the joblib.Memory peer
  clang libclang-rt-14-dev   # sanitizer and fuzz jobs (scripts/ci_sanitizers.sh)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "setup: missing packages: ${missing[*]}" >&2
  echo "setup: not root and no sudo; install them as root, then run this again" >&2
  exit 1
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
