#!/usr/bin/env bash
# parallel_paths.sh DEJA STOP_WAITS
#
# A parallel replay in which a thread takes another path between its
# events says why.  std::jthread's stop requests are atomics that the
# waiters of a condition_variable_any read between their locks without
# any event; in a parallel replay a waiter may read a request earlier or
# later than it did in the recording and lock another mutex next (most
# replays of this program do).  Parallel mode cannot steer such reads;
# the replay said only "event N differs in the object", which reads like
# a fault of deja's.  Such a divergence now says that the thread took
# another path, what in memory makes that happen and to record with a
# serialised strategy.  Up to 3 parallel recordings, 4 replays each:
# every replay is identical, or diverges with that line.  A recording
# under the default strategy replays 3 times identically.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: parallel_paths.sh DEJA STOP_WAITS"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

expected="10 of 10 rounds: every thread stopped"
[ "$("$prog")" = "$expected" ] || fail "the native run does not print: $expected"

# replay_says_why TRACE: 4 replays; counts the divergent ones in $diverged.
replay_says_why() {
	local i rc
	for i in 1 2 3 4; do
		rc=0
		timeout 60 "$deja" replay -q "$1" >out 2>err </dev/null || rc=$?
		[ $rc -eq 0 ] && continue
		[ $rc -eq 1 ] || { dump err; fail "replay $i of $1 exited $rc"; }
		grep -q "replay diverged" err || { dump err; fail "replay $i of $1 failed without diverging"; }
		grep -q -e "took another path than recorded" -e "waits in raw futex" \
			-e "parallel mode cannot steer" err ||
			{ dump err; fail "replay $i of $1 diverged without saying why"; }
		diverged=$((diverged + 1))
	done
}

diverged=0
for run in 1 2 3; do
	rm -f p.deja
	timeout 60 "$deja" record -q -s parallel -o p.deja -- "$prog" >rec 2>err || { dump err; fail "parallel recording $run failed"; }
	[ "$(cat rec)" = "$expected" ] || { dump rec; fail "parallel recording $run printed another line"; }
	replay_says_why p.deja
	[ $diverged -eq 0 ] || break
done

timeout 60 "$deja" record -q -o s.deja -- "$prog" >rec 2>err || { dump err; fail "the default recording failed"; }
[ "$(cat rec)" = "$expected" ] || { dump rec; fail "the default recording printed another line"; }
replays_match "$deja" s.deja rec 3 60
note "parallel replays that took another path said why ($diverged diverged); the default recording replays"
