#!/usr/bin/env bash
# parallel_sleeps.sh DEJA PARALLEL_SLEEPS
#
# Under --strategy parallel other threads' events move the virtual clock
# on while a thread computes, by as much as the real timing lets them.
# A sleep's event recorded its distance to the deadline from the clock
# when the thread got there, and relative deadlines counted from there
# too, so a replay, whose thread got there at another clock, diverged
# ("differs in the argument", as CPython's time.sleep did in nearly every
# parallel replay).  They count from the clock after the thread's own
# last event now, which a replay has as recorded.  Three parallel
# recordings, each replayed three times.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: parallel_sleeps.sh DEJA PARALLEL_SLEEPS"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

"$prog" >native
for run in 1 2 3; do
	rc=0
	timeout 60 "$deja" record -q -s parallel -o s.deja -- "$prog" >rec 2>err || rc=$?
	[ $rc -eq 0 ] || { dump rec err; fail "recording $run exited $rc"; }
	cmp -s native rec || { diff native rec >&2 || true; fail "recording $run printed other output"; }
	sleeps=$(sqlite3 s.deja "SELECT count(*) FROM events WHERE op = 'sleep'")
	[ "$sleeps" -ge 40 ] || fail "recording $run has $sleeps sleep events, not 40"
	replays_match "$deja" s.deja rec 3 60
done
note "three parallel recordings of timed waits among busy threads replay exactly"
