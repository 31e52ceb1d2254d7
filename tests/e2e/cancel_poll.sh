#!/usr/bin/env bash
# cancel_poll.sh DEJA CANCEL_POLL
#
# A thread whose loop polls for its cancellation with pthread_testcancel()
# and makes no other call the runtime sees is cancelled.  It sees a
# request only at an event, and had none after its start: a schedule that
# started it before the request (random seeds 1 and 2 here) ran it until
# deja gave up on it, as did every parallel recording (timeouts; the
# default strategy and pct:3 here made the request first).  One call in
# DEJA_TESTCANCELS_PER_YIELD is now a yield.  Recorded under the default
# strategy, seeded random and pct schedules and --strategy parallel, each
# printing what the native run does and replayed 3 times identically.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: cancel_poll.sh DEJA CANCEL_POLL"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

[ "$("$prog")" = "cancelled 1" ] || fail "the native run does not print: cancelled 1"
records_print "$deja" "$prog" c.deja "cancelled 1" "" "-s random --seed 1" "-s random --seed 2" \
	"-s pct --seed 3" "-s parallel"
note "a thread polling pthread_testcancel() is cancelled: 5 recordings x 3 identical replays"
