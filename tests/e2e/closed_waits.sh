#!/usr/bin/env bash
# closed_waits.sh DEJA CLOSED_WAITS
#
# A wait for input that only the program itself could end, with no
# thread left to end it, is a deadlock.  closed_waits joins a worker that
# waits in epoll_wait on an eventfd, or reads a socketpair's end or a
# pipe, that nobody writes: natively a hang.  deja waited for the world (the
# descriptor might have been filled from outside) until --timeout ended
# the run as a timeout, and a hunt spent its whole per-run limit on every
# such schedule.  The runtime now knows the descriptors the program made
# for itself (pipe, eventfd, socketpair) and still holds alone: a wait on
# those only, with no thread able to run, ends the run at once as a
# deadlock, with its wait-for graph, and replays as one.  Where something
# outside could still end the wait it waits as before (ended here by
# --timeout): a handler for SIGUSR1 that would write the eventfd, or a
# fork whose child held copies of the descriptors.  A worker woken by
# thread 0's write after a sleep ends normally.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: closed_waits.sh DEJA CLOSED_WAITS"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

# recorded MODE EXPECTED_RC EXPECTED_OUTCOME: record MODE (a 3 s --timeout)
# and check how it ended, then replay it three times identically.
recorded() {
	local rc=0
	timeout 60 "$deja" record --timeout 3 -o "$1.deja" -- "$prog" "$1" >"$1.out" 2>"$1.err" || rc=$?
	[ $rc -eq "$2" ] || { dump "$1.err"; fail "$1: deja record exited $rc, expected $2"; }
	[ "$(outcome_of "$deja" "$1.deja")" = "$3" ] || { dump "$1.err"; fail "$1: outcome is not $3"; }
	replays_match "$deja" "$1.deja" "$1.out" 3
}

recorded eventfd 1 deadlock
recorded socketpair 1 deadlock
recorded pipe 1 deadlock
for mode in eventfd socketpair pipe; do
	grep -q "only this process holds" "$mode.err" || { dump "$mode.err"; fail "$mode: the message does not say why"; }
done
grep -q "thread 1 waits in epoll_wait at worker (closed_waits.c:[0-9]*), for input" eventfd.err ||
	{ dump eventfd.err; fail "eventfd: no wait-for graph naming the epoll_wait"; }
grep -q "thread 1 waits in read at worker (closed_waits.c:[0-9]*), for input" socketpair.err ||
	{ dump socketpair.err; fail "socketpair: no wait-for graph naming the read"; }
grep -q "thread 1 waits in read at worker (closed_waits.c:[0-9]*), for input" pipe.err ||
	{ dump pipe.err; fail "pipe: no wait-for graph naming the read"; }
recorded written 0 "exit 0"
grep -q "woken 1" written.out || fail "written: the worker was not woken"
recorded handler 1 timeout
recorded forked 1 timeout

# A hunt gets the verdict in its first run, not after its per-run limit.
rc=0
timeout 60 "$deja" hunt -q -n 5 --timeout 30 -o h.deja -- "$prog" eventfd >/dev/null 2>herr || rc=$?
[ $rc -eq 1 ] || { dump herr; fail "deja hunt exited $rc, expected 1 (a run failed)"; }
grep -q "run 1 .*failed: deadlock" herr || { dump herr; fail "the hunt's first run was not the deadlock"; }
note "closed waits are deadlocks (eventfd, socketpair, pipe); a handler or a fork leaves them to the world"
