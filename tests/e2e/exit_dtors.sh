#!/usr/bin/env bash
# exit_dtors.sh DEJA EXIT_DTORS EXIT_UNWIND
#
# A thread's thread_local and pthread key destructors run in the model.
# glibc runs them after the thread's routine has returned, and the
# runtime recorded THREAD_EXIT there, before them: they ran unmanaged, so
# what they did to the model's objects went past it.  A
# std::notify_all_at_thread_exit, a thread_local's or a key's destructor
# that notifies a condition never woke its waiter, and every run ended as
# a deadlock; so did a key's of a cancelled thread.  The trampoline (its
# cleanup handler for a cancelled thread) now runs both lists before the
# thread leaves.
#
# So do a thread's cleanup handlers and C++ destructors run by
# pthread_exit's unwinding: the thread left the model before it, and a
# thread that exited holding a mutex its cleanup handler (or a
# std::unique_lock) unlocked held it in the model for ever: every run
# ended as a deadlock.  And glibc loads libgcc_s at the first pthread_exit
# of a C program, holding its loader lock: when the loader's syscalls
# were scheduling points, a thread being made meanwhile waited for the
# lock while its creator waited for it (run 4 of a random hunt of
# EXIT_UNWIND timed out); the runtime loads it first, in one piece.
#
# Each program recorded under the default strategy, seeded random and
# pct schedules and --strategy parallel prints what the native run does,
# and replays 3 times identically; EXIT_UNWIND is also hunted for 100
# random and 50 pct runs, none of which may fail.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 3 ] || fail "usage: exit_dtors.sh DEJA EXIT_DTORS EXIT_UNWIND"
deja=$(abspath "$1") prog=$(abspath "$2") unwind=$(abspath "$3")
require_file "$deja" "$prog" "$unwind"
cd "$tmp"

expected="notify 1 promise 7 thread_local 1 key 1 cancelled 1 exited 2"
[ "$("$prog")" = "$expected" ] || fail "the native run does not print: $expected"

records_print "$deja" "$prog" e.deja "$expected" "" "-s random --seed 1" "-s random --seed 2" "-s pct --seed 5" "-s parallel"
note "destructors run at a thread's exit reach the model: 5 recordings x 3 identical replays"

[ "$("$unwind")" = "exited 2" ] || fail "the native run of exit_unwind does not print: exited 2"
records_print "$deja" "$unwind" u.deja "exited 2" "" "-s random --seed 1" "-s pct --seed 5" "-s parallel"
for hunt in "random 100" "pct 50"; do
	set -- $hunt
	rc=0
	timeout 120 "$deja" hunt -s "$1" --seed 3 --runs "$2" --timeout 10 -o h.deja -- "$unwind" \
		>/dev/null 2>"$tmp/err" || rc=$?
	[ $rc -eq 0 ] && grep -q "no failure in $2 runs" "$tmp/err" ||
		{ dump "$tmp/err"; fail "a $1 hunt of exit_unwind exited $rc, or found a failure"; }
done
note "pthread_exit's cleanup handlers run in the model: 4 recordings x 3 replays, 150 hunted runs"
