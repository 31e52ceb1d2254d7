#!/usr/bin/env bash
# parallel_cancel.sh DEJA CANCEL_POINTS
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
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: parallel_cancel.sh DEJA CANCEL_POINTS"
deja=$(abspath "$1") points=$(abspath "$2")
require_file "$deja" "$points"
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
