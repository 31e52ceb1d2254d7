#!/usr/bin/env bash
# parallel_cancel.sh DEJA CANCEL_POINTS CANCEL_ORDER
#
# pthread_cancel under --strategy parallel, of threads waiting at the
# cancellation points the runtime answers (a condition wait, a join, a
# semaphore wait, a sleep, read() of a pipe, and after re-enabling).  The
# thread cancelled in read() waited in the kernel for ever, as glibc only
# marks a request in the thread, and the recording hung; it now looks for
# the request between its slices of waiting, as for a held signal, and
# the read fails with EINTR, where it acts on the request.  Recorded three
# times in parallel mode, each with the native output, each replayed
# twice identically.
#
# CANCEL_ORDER cancels each thread at once, so the request comes before
# the thread gets to its wait in some runs and during it in others.  A
# thread acted on glibc's mark of the request, made before the CANCEL
# event, and a thread that had its sem_wait interrupted in the recording
# was cancelled before the wait in its replay, or waited for ever there
# (diverged); a loop of pthread_testcancel() and usleep() likewise.  A
# managed thread now acts on a request whose event came before its own
# last one, and one that gets to a wait after the request is interrupted
# there, so the events decide.  Recorded four times, each replayed three
# times.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 3 ] || fail "usage: parallel_cancel.sh DEJA CANCEL_POINTS CANCEL_ORDER"
deja=$(abspath "$1") points=$(abspath "$2") order=$(abspath "$3")
require_file "$deja" "$points" "$order"
cd "$tmp"

timeout 20 "$points" >native || fail "cancel_points fails natively"
for run in 1 2 3; do
	rc=0
	timeout 60 "$deja" record -q -s parallel -o c.deja -- "$points" >rec 2>err || rc=$?
	[ $rc -ne 124 ] || fail "record $run hung: a cancelled thread never acted on the request"
	[ $rc -eq 0 ] || { dump err rec; fail "record $run exited $rc"; }
	cmp -s native rec || { diff native rec >&2 || true; fail "record $run printed otherwise than the native run"; }
	replays_match "$deja" c.deja rec 2
	rm -f c.deja
done
note "6 kinds of cancellation points, 3 parallel recordings, replayed"

timeout 20 "$order" >native || fail "cancel_order fails natively"
[ "$(grep -c 'cancelled, cleanup ran' native)" -eq 12 ] || { dump native; fail "natively, not every thread was cancelled"; }
for run in 1 2 3 4; do
	rc=0
	timeout 60 "$deja" record -q -s parallel -o o.deja -- "$order" >rec 2>err || rc=$?
	[ $rc -eq 0 ] || { dump err rec; fail "cancel_order: record $run exited $rc"; }
	cmp -s native rec || { diff native rec >&2 || true; fail "cancel_order: record $run printed otherwise"; }
	replays_match "$deja" o.deja rec 3
	rm -f o.deja
done
note "cancellation racing the way to 4 kinds of points: 4 parallel recordings, replayed"
