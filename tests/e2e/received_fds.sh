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

twelve_pipes() {
	[ "$(grep -c '^pipe' "$1")" -eq 12 ]
}
records_check "$deja" "$prog" f.deja twelve_pipes 3 60 "" "-s random --seed 1" "-s random --seed 2" \
	"-s random --seed 3" "-s pct:3 --seed 1"
note "accepted and passed descriptors numbered at their events: 5 recordings x 3 identical replays"
