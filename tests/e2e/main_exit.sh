#!/usr/bin/env bash
# main_exit.sh DEJA MAIN_EXIT
#
# A main thread that ends in pthread_exit while a worker goes on.  It
# left the model at the call, and glibc's unwinding of it (which loads
# libgcc_s, allocating under malloc's arena lock) ran beside the worker:
# the worker's first printf found the lock taken in a recording and free
# in its replay, which diverged at a futex wait (3 replays in 4 of a pct
# seed-2 recording).  The runtime now loads libgcc_s first, and the
# thread after it waits for the first thread's exit path as for any
# thread's, until the kernel keeps it as a zombie.  The main thread also
# exits holding the worker's mutex, which its cleanup handler unlocks,
# and with a pthread key whose destructor the worker waits for: run
# outside the model, the unlock left the mutex held there and every run
# of this correct program ended as a deadlock.  The thread now stays in
# the model until glibc's raw exit of it.  Recorded under the default
# strategy and six pct and two random seeds, each printing what the
# native run does and replayed 3 times identically.  In parallel mode the
# main thread still leaves the model at the call (which thread glibc
# counts last would differ from run to run): its plain variant, with no
# cleanup handler, is recorded there too.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: main_exit.sh DEJA MAIN_EXIT"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

expected="worker counted 100 after main's key destructor"
[ "$("$prog")" = "$expected" ] || fail "the native run does not print: $expected"
records_print "$deja" "$prog" m.deja "$expected" "" "-s pct --seed 1" "-s pct --seed 2" \
	"-s pct --seed 3" "-s pct --seed 4" "-s pct --seed 5" "-s pct --seed 6" \
	"-s random --seed 1" "-s random --seed 2"
printf '#!/bin/sh\nexec "%s" plain\n' "$prog" >plain
chmod +x plain
[ "$(./plain)" = "worker counted 100" ] || fail "the native plain run does not print: worker counted 100"
records_print "$deja" ./plain p.deja "worker counted 100" "" "-s pct --seed 2" "-s parallel"
note "a main thread ending in pthread_exit: 12 recordings x 3 identical replays"
