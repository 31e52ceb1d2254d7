#!/usr/bin/env bash
# cancel.sh DEJA PROG
#
# pthread_cancel reaches threads waiting at the cancellation points the
# runtime answers itself (a condition wait, a join, a semaphore wait, a
# sleep, read()) and one with cancellation disabled for a while: each ends
# cancelled with its cleanup handler run, the condition wait's with the
# mutex held, as natively. Before, a thread cancelled in a condition wait
# or a join waited on for ever (glibc marks a deferred request in the
# thread and signals nothing). Recorded under the default schedule and
# five random ones; each recording replays.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: cancel.sh DEJA PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

timeout 20 "$prog" >native || fail "the program fails natively"
[ "$(grep -c 'cancelled, cleanup ran' native)" -eq 6 ] || { dump native; fail "natively, not every thread was cancelled"; }
for seed in none 1 2 3 4 5; do
	rc=0
	timeout 60 "$deja" record -q $(schedule_of $seed) -o c.deja -- "$prog" >rec 2>err || rc=$?
	[ $rc -ne 124 ] || fail "record ($seed) hung: a cancelled thread never acted on the request"
	[ $rc -eq 0 ] || { dump err rec; fail "record ($seed) exited $rc"; }
	if [ $seed = none ]; then
		cmp -s native rec || { dump native rec; fail "the recording printed otherwise than the native run"; }
	else
		# A random schedule may run the thread that disables cancellation
		# to its end before the request comes (its sleep may end first,
		# as it may natively under load); the five others end cancelled.
		[ "$(head -n 5 rec | grep -c 'cancelled, cleanup ran')" -eq 5 ] ||
			{ dump rec; fail "the recording ($seed) has a waiting thread that was not cancelled"; }
	fi
	replays_match "$deja" c.deja rec 2
	rm -f c.deja
done
note "cancellation at 5 kinds of waits and after re-enabling; 6 schedules, replayed"
