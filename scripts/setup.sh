#!/usr/bin/env bash
# setup.sh: make a fresh Debian 12 machine ready for deja, build it, and
# run deja's main job on a bundled bug: record a lock-order deadlock from
# corpora/ and show it, ending with the wait-for graph.
#
#   scripts/setup.sh [BUILD_DIR]        (default: build)
#
# Installs only what is missing, with apt-get (run as root, or with sudo
# available).  Safe to run again.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}

packages=(gcc g++ libc6-dev make cmake pkg-config libseccomp-dev libxxhash-dev libsqlite3-dev
          libcmocka-dev libdw-dev libiberty-dev sqlite3 python3 gdb libglib2.0-dev)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

echo "setup: building in $build"
cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "$(nproc)" >/dev/null

deja=$build/bin/deja
demo=$build/demo-lock_order.deja
echo "setup: recording corpora/lock_order under seeded random schedules until it deadlocks"
for seed in $(seq 1 200); do
  rm -f "$demo"
  if "$deja" record -q --strategy random --seed "$seed" -o "$demo" -- "$build/corpora/lock_order" >/dev/null; then
    continue
  fi
  echo "setup: seed $seed deadlocks; the trace is $demo"
  echo "\$ deja show $demo"
  "$deja" show "$demo"
  exit 0
done
echo "setup: no seed under 200 made lock_order fail" >&2
exit 1
