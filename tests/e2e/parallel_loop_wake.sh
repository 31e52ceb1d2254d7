#!/usr/bin/env bash
# parallel_loop_wake.sh DEJA PY_LOOP_WAKE_SCRIPT
#
# A parallel recording of an asyncio loop in a thread, fed by the main
# thread with run_coroutine_threadsafe(...).result(timeout=10): the loop's
# epoll_wait waits in the kernel, so its thread counts as at its point,
# and when the main thread began its timed wait nobody ran and the
# timeout fired at once, the clock jumping 10 s, although the byte that
# wakes the loop was already in its socketpair (37 calls of 40 timed
# out; a sweep's asyncio program then hung in its final join).  Settling
# now waits for a thread whose descriptors are ready, and for one whose
# call's own timeout (the loop's 0.1 s timer) ends before the model's
# first timeout; such a call that timed out in the kernel ends at its
# virtual deadline (the clock had moved only by ticks, and the loop
# polled for its timer for ever).  Three parallel recordings print what
# the native run prints, no call timed out and the loop's timer fired
# before the caller's timeout, and each replays twice identically.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: parallel_loop_wake.sh DEJA PY_LOOP_WAKE_SCRIPT"
deja=$(abspath "$1") script=$(abspath "$2")
require_file "$deja" "$script" /usr/bin/python3
cd "$tmp"

expected="calls timed out: 0
loop timer: fired"
[ "$(/usr/bin/python3 "$script")" = "$expected" ] || fail "the native run does not print: $expected"

for run in 1 2 3; do
	rc=0
	timeout 60 "$deja" record -q -s parallel -o w$run.deja -- /usr/bin/python3 "$script" \
		>rec 2>err || rc=$?
	[ $rc -eq 0 ] || { dump rec err; fail "recording $run exited $rc"; }
	[ "$(cat rec)" = "$expected" ] || { dump rec; fail "recording $run: calls timed out while the loop had its wake-up, or its timer came late"; }
	replays_match "$deja" w$run.deja rec 2 120
done
note "a loop woken, or timing out, before its caller's timed wait answers in time: 3 parallel recordings x 2 identical replays"
