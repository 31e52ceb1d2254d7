#!/usr/bin/env bash
# parallel_spins.sh DEJA SPIN_WAITS
#
# How often a thread calls sched_yield() or sleeps while it waits, and in
# which loop, depends on how the threads ran: libstdc++'s std::latch,
# std::barrier, std::counting_semaphore and atomic::wait spin with
# sched_yield() before they wait in a futex, and hand-made loops yield or
# sleep until a flag is set.  Under --strategy parallel every replay of
# such a program diverged ("expected yield(), got mutex_lock", a yield in
# another loop than recorded, "expected sleep(0ns), got mutex_lock").  A
# parallel replay now makes each thread's recorded yields and sleeps in
# their places whatever it spins (runtime/baton.c).  Five parallel
# recordings, each replayed three times; the output is the native one;
# the recordings did yield and sleep.  The serialised modes, where one
# thread runs at a time, replay the program too.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: parallel_spins.sh DEJA SPIN_WAITS"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

"$prog" >native
yields=0 sleeps=0
for run in 1 2 3 4 5; do
	rm -f p.deja
	rc=0
	timeout 60 "$deja" record -q -s parallel -o p.deja -- "$prog" >rec 2>err || rc=$?
	[ $rc -eq 0 ] || { dump rec err; fail "parallel recording $run exited $rc"; }
	cmp -s native rec || { diff native rec >&2 || true; fail "parallel recording $run printed other bytes"; }
	n=$(sqlite3 p.deja "SELECT count(*) FROM events WHERE op = 'yield'")
	yields=$((yields + n))
	n=$(sqlite3 p.deja "SELECT count(*) FROM events WHERE op = 'sleep'")
	sleeps=$((sleeps + n))
	replays_match "$deja" p.deja rec 3 60
done
[ "$yields" -gt 0 ] && [ "$sleeps" -gt 0 ] ||
	fail "the parallel recordings had $yields yields and $sleeps sleeps: the test proves nothing here"

for seed in none 3; do
	rm -f s.deja
	rc=0
	# shellcheck disable=SC2046 # the options are words on purpose
	timeout 60 "$deja" record -q $(schedule_of $seed) -o s.deja -- "$prog" >rec 2>err || rc=$?
	[ $rc -eq 0 ] || { dump rec err; fail "recording (seed $seed) exited $rc"; }
	cmp -s native rec || fail "recording (seed $seed) printed other bytes"
	replays_match "$deja" s.deja rec 2 60
done
note "parallel mode: spin and polling loops replay wherever the threads spin ($yields yields and $sleeps sleeps in 5 recordings, 15 replays identical)"
