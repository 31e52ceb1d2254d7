#!/usr/bin/env bash
# parallel_signals.sh DEJA PARALLEL_SIGNALS
#
# Under --strategy parallel a thread that waits in the kernel for input
# (read() of a pipe, poll() with no timeout) and is sent a signal by
# another thread (pthread_kill) never saw it: the runtime holds such a
# signal for the thread's next scheduling point, which a thread blocked
# in the kernel never reaches, and the recording hung.  Now it waits for
# its descriptor in slices, looking for a held signal between: read fails
# with EINTR (or, under SA_RESTART, goes on after the handler), poll fails
# with EINTR, as natively.  So does a poll with a timeout of its own (20
# s), at once, where it waited for its timeout to end; and a select with a
# timeout and no signal still times out, nothing left of its timeout.
# Each mode is recorded twice in parallel mode and once serialised, each
# recording replayed twice; the output is the native one.
#
# A select that its input ends early writes the time left into its
# timeval: a parallel recording's was what the kernel left of it in real
# time, and the replay's the virtual remainder, so a program printing it
# diverged ("differs in the bytes it sent"); both are virtual now.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: parallel_signals.sh DEJA PARALLEL_SIGNALS"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

for mode in eintr restart poll timed select; do
	"$prog" "$mode" >native
	for strategy in parallel parallel nonpreemptive; do
		rm -f s.deja
		rc=0
		timeout 30 "$deja" record -q -s "$strategy" -o s.deja -- "$prog" "$mode" >rec 2>err || rc=$?
		[ $rc -eq 0 ] || { dump rec err; fail "$mode under $strategy: record exited $rc (124: it hung)"; }
		cmp -s native rec || { diff native rec >&2 || true; fail "$mode under $strategy: other output"; }
		replays_match "$deja" s.deja rec 2 30
	done
	note "$mode: $(cat native)"
done

"$prog" ready >native
grep -Eq '^select: 1, 4\.[0-9]{6} s left$' native || { dump native; fail "ready, natively: not 1 ready with 4.x s left"; }
for strategy in parallel parallel parallel nonpreemptive; do
	rc=0
	timeout 30 "$deja" record -q -s "$strategy" -o r.deja -- "$prog" ready >rec 2>err || rc=$?
	[ $rc -eq 0 ] || { dump rec err; fail "ready under $strategy: record exited $rc"; }
	grep -Eq '^select: 1, 4\.[0-9]{6} s left$' rec || { dump rec; fail "ready under $strategy: not 1 ready with 4.x s left"; }
	replays_match "$deja" r.deja rec 2 30
done
note "ready: a select ended by its input leaves the same time in record and replay ($(cat rec))"
