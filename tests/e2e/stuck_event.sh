#!/usr/bin/env bash
# stuck_event.sh DEJA YIELD_RACE
#
# A replay whose recorded thread cannot make its next event says which
# event that was.  The runtime ends such a replay with "the recorded
# thread cannot run at this event" and nothing more: a parallel replay
# of Rust's thread::park_timeout, whose token another thread had set at
# another moment than recorded, said only that, without the event or the
# note that parallel mode cannot steer locks in memory that every other
# futex divergence carries.  The recorded event is now printed, and in a
# parallel recording a futex event gets that note.  Shown on a recording
# of yield_race whose event 10 is given to the main thread, blocked then
# in its join (and, for the note, made a futex wait of a parallel run).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: stuck_event.sh DEJA YIELD_RACE"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

rc=0
"$deja" record -q -o t.deja -- "$prog" >/dev/null 2>&1 || rc=$?
[ $rc = 1 ] || fail "the recording exited $rc, not 1"
[ "$(sqlite3 t.deja 'SELECT thread, op FROM events WHERE seq = 10')" = "1|mutex_lock" ] ||
	fail "event 10 is not thread 1's mutex_lock: $(sqlite3 t.deja 'SELECT thread, op FROM events WHERE seq = 10')"
cp t.deja serial.deja
sqlite3 serial.deja "UPDATE events SET thread = 0 WHERE seq = 10"
rc=0
timeout 60 "$deja" replay serial.deja >out 2>err || rc=$?
[ $rc = 1 ] || { dump err; fail "the altered replay exited $rc, not 1"; }
grep -q 'event 10: the recorded thread cannot run at this event' err || { dump err; fail "no divergence at event 10"; }
grep -q '^  expected: thread 0 mutex_lock(mutex#1) = 0 at worker (yield_race.c:23)$' err ||
	{ dump err; fail "the divergence does not name the recorded event"; }
cp t.deja parallel.deja
sqlite3 parallel.deja "UPDATE events SET thread = 0, op = 'futex_wait' WHERE seq = 10;
	UPDATE run SET strategy = 'parallel'"
rc=0
timeout 60 "$deja" replay parallel.deja >out 2>err || rc=$?
[ $rc = 1 ] || { dump err; fail "the altered parallel replay exited $rc, not 1"; }
grep -q '^  expected: thread 0 futex_wait(futex#1)' err || { dump err; fail "the parallel divergence does not name the recorded event"; }
grep -q 'parallel mode cannot steer what threads share in memory' err ||
	{ dump err; fail "the parallel divergence at a futex event lacks the note"; }
note "a replay stuck at an event names the event, and in parallel mode why"
