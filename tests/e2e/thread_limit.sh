#!/usr/bin/env bash
# thread_limit.sh DEJA PROG
#
# The model has 1024 thread numbers. Once they are used, a new thread takes
# the number of one that has ended and been joined: 1500 threads made and
# joined one after the other all run (before, the 1024th creation failed),
# and the recording replays, each thread shown the kernel id its own
# recorded thread had (not the last one's with its number). 1100 threads alive at once cannot all have a
# number: the 1024th creation fails with EAGAIN, which the program sees as
# its own failure, and deja says why on stderr, once; that recording
# replays too.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: thread_limit.sh DEJA PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

"$prog" joined | grep -qx '1500 threads' || fail "the program does not make its 1500 threads natively"
rc=0
timeout 120 "$deja" record -q -o j.deja -- "$prog" joined >out 2>err || rc=$?
[ $rc -eq 0 ] || { dump out err; fail "record of 1500 joined threads exited $rc"; }
grep -qx '1500 threads' out || { dump out; fail "not all 1500 joined threads were made"; }
[ "$(sqlite3 j.deja "SELECT count(*) FROM events WHERE op = 'thread_start'")" -eq 1501 ] ||
	fail "the trace does not have 1501 thread starts"
replays_match "$deja" j.deja out 2 120
note "1500 threads made and joined: numbers of joined threads serve again"

rc=0
timeout 120 "$deja" record -q -o a.deja -- "$prog" alive >out 2>err || rc=$?
[ $rc -eq 0 ] || { dump out err; fail "record of 1100 threads alive at once exited $rc"; }
grep -qx 'thread 1023: pthread_create: Resource temporarily unavailable' out ||
	{ dump out; fail "the 1024th thread alive at once did not fail with EAGAIN"; }
grep -qx '1023 threads alive at once' out || { dump out; fail "the program did not go on after EAGAIN"; }
[ "$(grep -c 'the most deja follows at once' err)" -eq 1 ] ||
	{ dump err; fail "deja did not say once why thread creation failed"; }
replays_match "$deja" a.deja out 1 120
note "past 1024 threads alive at once: EAGAIN, and deja says why once"
