#!/usr/bin/env bash
# file_locks.sh DEJA FILE_LOCKS_PROG
#
# A thread that asks for a file lock another thread holds (flock on its
# own open of the file, F_OFD_SETLKW) must not wait in the kernel, where
# it would hold the right to run and the holder could never unlock (the
# run hung); lockf between a parent and its child waits too.  Whether a
# lock is granted is an input: recorded under every schedule, the lines
# each locker writes stay together, and a replay gives the recorded
# answers, also with the file gone.  A lock held outside the run, by
# util-linux's flock(1), is waited for with attempts spaced out as the
# wait goes on (a few dozen in half a second), and the wait replays at
# once.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: file_locks.sh DEJA FILE_LOCKS_PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

for seed in none 1 2 3 4 5; do
	# shellcheck disable=SC2046
	timeout 60 "$deja" record -q $(schedule_of $seed) -o l.deja -- "$prog" "$tmp/locked.txt" >rec 2>err ||
		{ dump rec err; fail "record (schedule $seed) failed or hung"; }
	[ "$(cat rec)" = "15 pairs of lines, 0 split" ] || { dump rec; fail "schedule $seed: the locks did not keep the lines together"; }
	replays_match "$deja" l.deja rec 1 30
done
"$deja" show l.deja >show
grep -q "syscall flock() = -11" show || grep -q "syscall fcntl() = -11" show ||
	{ dump show; fail "no attempt found the lock held"; }
rm locked.txt
replays_match "$deja" l.deja rec 2 30

if command -v flock >/dev/null; then
	: >held.txt
	flock held.txt sleep 0.5 &
	holder=$!
	until ! flock -n held.txt true; do sleep 0.01; done
	timeout 60 "$deja" record -q -o h.deja -- "$prog" "$tmp/held.txt" wait >hrec 2>herr ||
		{ dump herr; fail "record with the lock held outside failed"; }
	wait $holder
	[ "$(cat hrec)" = "flock: 0" ] || { dump hrec; fail "the flock held outside was not waited for"; }
	"$deja" show h.deja >hshow
	grep -q "syscall flock() = -11" hshow || { dump hshow; fail "the wait for the outside lock recorded no attempt"; }
	# Half a second of waiting is a few dozen attempts, spaced out as
	# the wait goes on (it was thousands, 0.1 ms apart).
	attempts=$(sqlite3 h.deja "SELECT count(*) FROM events WHERE op = 'syscall' AND result = -11")
	[ "$attempts" -le 200 ] || fail "$attempts attempts at the lock held outside for 0.5 s"
	note "a lock held outside for 0.5 s: $attempts attempts"
	exec 9<held.txt
	flock 9 # held by this shell now: the replay does not wait for it
	replays_match "$deja" h.deja hrec 1 4
	exec 9<&-
fi
note "file locks between threads and processes are waited for as attempts and replay as recorded"
