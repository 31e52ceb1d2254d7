#!/usr/bin/env bash
# parallel_waits.sh DEJA PARALLEL_WAITS
#
# Under --strategy parallel a thread that waits in the kernel for input
# (read() of a pipe another thread writes after a usleep(), read() of a
# timerfd) counted as running program code, and the virtual clock moves
# to a sleep's or a timer's deadline only when no thread runs: the sleep
# never ended, the timer never fired, and the recording hung.  Now such a
# thread stands at a point while it waits in the kernel.  Recorded three
# times, each replayed three times; the output is the native one.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: parallel_waits.sh DEJA PARALLEL_WAITS"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

"$prog" >native
for run in 1 2 3; do
	rm -f w.deja
	rc=0
	timeout 30 "$deja" record -q -s parallel -o w.deja -- "$prog" >rec 2>err || rc=$?
	[ $rc -eq 0 ] || { dump rec err; fail "record $run exited $rc (124: it hung)"; }
	cmp -s native rec || { diff native rec >&2 || true; fail "record $run printed other bytes"; }
	replays_match "$deja" w.deja rec 3 30
done
note "parallel mode: reads waiting in the kernel let other threads' sleeps and timers come due; 3 recordings x 3 identical replays"
