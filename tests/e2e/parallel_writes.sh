#!/usr/bin/env bash
# parallel_writes.sh DEJA PARALLEL_WRITES
#
# Under --strategy parallel a write into a full pipe waited in the kernel
# counted as a running thread: the main thread's 2 ms sleep, after which
# it was to read the pipe, never came due, and the recording hung; a
# signal (pthread_kill) or a cancellation request never reached the
# writer either.  Such a write is now a wait for the world: it waits for
# room in slices, with held signals and cancellation requests in view, as
# a read waits for input.  The write ends once main has read (sleep),
# fails with EINTR (eintr), goes on after an SA_RESTART handler (restart),
# or ends cancelled (cancel), as natively.  Each mode is recorded twice in
# parallel mode and once serialised, each recording replayed twice; the
# output is the native one.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: parallel_writes.sh DEJA PARALLEL_WRITES"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

for mode in sleep eintr restart cancel; do
	timeout 20 "$prog" "$mode" >native || fail "$mode fails natively"
	for strategy in parallel parallel nonpreemptive; do
		rm -f w.deja
		rc=0
		timeout 30 "$deja" record -q -s "$strategy" -o w.deja -- "$prog" "$mode" >rec 2>err || rc=$?
		[ $rc -eq 0 ] || { dump rec err; fail "$mode under $strategy: record exited $rc (124: it hung)"; }
		cmp -s native rec || { diff native rec >&2 || true; fail "$mode under $strategy: other output"; }
		replays_match "$deja" w.deja rec 2 30
	done
	note "$mode: $(head -n 1 native)"
done
