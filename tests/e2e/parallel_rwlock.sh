#!/usr/bin/env bash
# parallel_rwlock.sh DEJA RWLOCK_WRITERS
#
# An rwlock that prefers writers keeps new readers out while a writer
# waits for it.  Under --strategy parallel a writer waits from the moment
# its thread gets to the call, which the timing decides, so a replay
# whose writer had come to its turn first kept out a reader the
# recording had let in ("the recorded thread cannot run at this event",
# half the replays), or refused a try the recording granted.  A parallel
# replay now refuses a read lock where the recording's was refused, and
# only there.  Four parallel recordings (readers taking and trying the
# lock beside a writer), each replayed three times.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: parallel_rwlock.sh DEJA RWLOCK_WRITERS"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

for run in 1 2 3 4; do
	rm -f r.deja
	rc=0
	timeout 60 "$deja" record -q -s parallel -o r.deja -- "$prog" >rec 2>err || rc=$?
	[ $rc -eq 0 ] || { dump rec err; fail "parallel recording $run exited $rc"; }
	replays_match "$deja" r.deja rec 3 60
done
note "parallel mode: a writer-preferring rwlock's readers are kept out where the recording's were (4 recordings x 3 identical replays)"
