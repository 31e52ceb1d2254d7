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
#
# With `wait`, each thread then waits on a semaphore nobody posts: the
# run ends in a deadlock whose wait-for graph numbers those semaphores
# (they had no event), and its replay, which reached the end of the
# recording with every thread waiting, called that a divergence ("the
# replay went on past the end of the recording") where the serialised
# mode's replay ends in the recorded deadlock.  Now it does too.
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

rc=0
timeout 60 "$deja" record -q -s parallel -o w.deja -- "$prog" wait >rec 2>err || rc=$?
[ $rc -eq 1 ] || { dump rec err; fail "the deadlocking record exited $rc"; }
[ "$(outcome_of "$deja" w.deja)" = deadlock ] || fail "the run did not end in a deadlock"
"$deja" show w.deja >show
[ "$(grep -c 'waits in sem_wait(sem#[0-9]' show)" -eq 8 ] || { dump show; fail "the wait-for graph lacks the semaphores"; }
[ "$(grep -o 'sem_wait(sem#[0-9]*)' show | sort -u | wc -l)" -eq 8 ] || { dump show; fail "the semaphores are not numbered apart"; }
replays_match "$deja" w.deja rec 5 30
note "objects first used by threads running in parallel: 3 recordings x 5 identical replays; a deadlock on never-used semaphores replays too"
