#!/usr/bin/env bash
# thread_limit.sh DEJA PROG
#
# A run can make at most 1024 threads in all (the model does not use the
# number of an ended thread again). Past that, pthread_create fails with
# EAGAIN, which the program sees as its own failure, and deja says why on
# stderr, once; the recording replays.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: thread_limit.sh DEJA PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

"$prog" | grep -qx '1500 threads' || fail "the program does not make its 1500 threads natively"
rc=0
timeout 120 "$deja" record -q -o t.deja -- "$prog" >out 2>err || rc=$?
[ $rc -eq 1 ] || { dump out err; fail "record exited $rc, expected the program's own 1"; }
grep -qx 'thread 1023: pthread_create: Resource temporarily unavailable' out ||
	{ dump out; fail "the 1024th thread's creation did not fail with EAGAIN"; }
[ "$(grep -c 'the most deja follows in one run' err)" -eq 1 ] ||
	{ dump err; fail "deja did not say once why thread creation failed"; }
replays_match "$deja" t.deja out 1 120
note "past 1024 threads: EAGAIN, and deja says why once"
