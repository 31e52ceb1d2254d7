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
#
# A lock held through another open file of the same process is the
# process's own: the thread waits in the model (file_lock_wait) until a
# lock of the process changes or a descriptor that took one closes, so a
# close lets it in, and a cycle of such waits with a mutex, or of OFD
# byte-range locks, ends as a deadlock naming the holders (it retried for
# ever before), and replays as one.
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
grep -q "syscall flock() = held here (fd [0-9]*)" show ||
	{ dump show; fail "no flock attempt found the lock held through another open file"; }
grep -q "file_lock_wait(file_lock#[0-9]*) held by thread [0-9]" show ||
	{ dump show; fail "no thread waited in the model for the process's own lock"; }
rm locked.txt
replays_match "$deja" l.deja rec 2 30

for seed in none 1 2 3; do
	# shellcheck disable=SC2046
	timeout 30 "$deja" record -q $(schedule_of $seed) -o c.deja -- "$prog" "$tmp/closed.txt" close \
		>crec 2>cerr || { dump crec cerr; fail "close (schedule $seed): record failed or hung"; }
	[ "$(cat crec)" = "waiter: flock 0" ] || { dump crec; fail "close (schedule $seed): the waiter did not get the lock"; }
	"$deja" show c.deja >cshow
	grep -q "file_lock_wait" cshow || { dump cshow; fail "close (schedule $seed): the waiter did not wait in the model"; }
	replays_match "$deja" c.deja crec 2 30
done

# deadlock_cycle MODE SEED WHERE: the run deadlocks, and record's report
# and show's name the file lock waits, their holders and a cycle.
deadlock_cycle() {
	local mode=$1 seed=$2 where=$3 rc=0
	# shellcheck disable=SC2046
	timeout 30 "$deja" record $(schedule_of "$seed") -o d.deja -- "$prog" "$tmp/cycle.txt" "$mode" \
		>drec 2>derr || rc=$?
	[ $rc -eq 1 ] || { dump drec derr; fail "$mode (schedule $seed): record exited $rc, not 1 (deadlock)"; }
	[ "$(outcome_of "$deja" d.deja)" = deadlock ] || fail "$mode (schedule $seed): the outcome is not a deadlock"
	"$deja" show d.deja >dshow
	for f in derr dshow; do
		grep -Eq "waits in file_lock_wait\(file_lock#[0-9]+\) at $where, held by thread [0-9]" $f ||
			{ dump $f; fail "$mode (schedule $seed): no file lock wait at $where with its holder in $f"; }
		grep -Eq '^ *cycle: thread [0-9] -> thread [0-9] -> thread [0-9]' $f ||
			{ dump $f; fail "$mode (schedule $seed): no cycle in $f"; }
	done
	replays_match "$deja" d.deja drec 2 30
}
for seed in none 1 2 3; do
	deadlock_cycle cycle $seed 'mutex_then_flock \(file_locks\.c:[0-9]+\)'
	deadlock_cycle ranges $seed 'lock_byte \(file_locks\.c:[0-9]+\)'
done

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
