#!/usr/bin/env bash
# parallel_objects.sh DEJA FRESH_OBJECTS
#
# Under --strategy parallel, threads that start together each use objects
# no thread has used before.  An object took its number (mutex#N,
# once#N, part of each event's digest) when a thread first reached it,
# and in a replay a thread reaches its operation before its turn and
# waits there: the threads reached their objects in another order than
# the recording's, the numbers differed, and the replay diverged ("event
# N differs in the object") nearly every time.  Now, in parallel mode,
# an object is numbered at its first event, which the replay puts in the
# recorded order.  Recorded three times, each replayed five times.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: parallel_objects.sh DEJA FRESH_OBJECTS"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

"$prog" >native
for run in 1 2 3; do
	rm -f p.deja
	rc=0
	timeout 60 "$deja" record -q -s parallel -o p.deja -- "$prog" >rec 2>err || rc=$?
	[ $rc -eq 0 ] || { dump rec err; fail "record $run exited $rc"; }
	cmp -s native rec || { diff native rec >&2 || true; fail "record $run printed other bytes"; }
	replays_match "$deja" p.deja rec 5 30
done
note "objects first used by threads running in parallel: 3 recordings x 5 identical replays"
