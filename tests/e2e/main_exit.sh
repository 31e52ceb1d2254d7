#!/usr/bin/env bash
# main_exit.sh DEJA MAIN_EXIT
#
# A main thread that ends in pthread_exit while a worker goes on.  It
# leaves the model at the call, and glibc's unwinding of it (which loads
# libgcc_s, allocating under malloc's arena lock) ran beside the worker:
# the worker's first printf found the lock taken in a recording and free
# in its replay, which diverged at a futex wait (3 replays in 4 of a pct
# seed-2 recording).  The runtime now loads libgcc_s before the thread
# leaves, and the thread after it waits for the first thread's exit path
# as for any thread's, until the kernel keeps it as a zombie.  Recorded
# under the default strategy, six pct and two random seeds and
# --strategy parallel, each printing what the native run does and
# replayed 3 times identically.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: main_exit.sh DEJA MAIN_EXIT"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

expected="worker counted 100"
[ "$("$prog")" = "$expected" ] || fail "the native run does not print: $expected"
records_print "$deja" "$prog" m.deja "$expected" "" "-s pct --seed 1" "-s pct --seed 2" \
	"-s pct --seed 3" "-s pct --seed 4" "-s pct --seed 5" "-s pct --seed 6" \
	"-s random --seed 1" "-s random --seed 2" "-s parallel"
note "a main thread ending in pthread_exit: 10 recordings x 3 identical replays"
