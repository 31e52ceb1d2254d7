#!/usr/bin/env bash
# received_fds.sh DEJA RECEIVED_FDS
#
# Descriptors received without waiting, numbered in the events' order.
# The main thread takes connections with a non-blocking accept4() and
# descriptors passed with SCM_RIGHTS with recvmsg(MSG_DONTWAIT), while
# another thread makes and closes pipes; all print their numbers.  Such
# an accept or recvmsg ran before its event, and a replay puts a stand-in
# socket under the recorded number at the event: where a seeded random
# schedule switched threads between the two, the other thread's pipe
# took that number in the replay, the stand-in replaced the pipe, and
# the replay printed other pipe numbers (every random recording diverged
# at its output).  In a process with threads they are now made at their
# events, as opens are.  Recorded under the default strategy, three
# seeded random schedules and PCT, each replayed three times with the
# same output.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: received_fds.sh DEJA RECEIVED_FDS"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

n=0
for opts in "" "-s random --seed 1" "-s random --seed 2" "-s random --seed 3" "-s pct:3 --seed 1"; do
	n=$((n + 1))
	rc=0
	# shellcheck disable=SC2086 # the options are words on purpose
	timeout 60 "$deja" record -q $opts -o f$n.deja -- "$prog" >rec 2>err || rc=$?
	[ $rc -eq 0 ] || { dump rec err; fail "recording $n (${opts:-default}) exited $rc"; }
	[ "$(grep -c '^pipe' rec)" -eq 12 ] || { dump rec; fail "recording $n: not 12 pipes"; }
	replays_match "$deja" f$n.deja rec 3 60
done
note "accepted and passed descriptors numbered at their events: 5 recordings x 3 identical replays"
