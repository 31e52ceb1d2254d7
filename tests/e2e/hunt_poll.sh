#!/usr/bin/env bash
# hunt_poll.sh DEJA QUEUE_POLL
#
# deja hunt finds no failure in a correct program that polls under a lock.
# queue_poll's main thread polls a queue under its mutex until a consumer
# has taken the item.  A poller is passed over after a turn of 65,536
# events; but where its turn ended with the lock held, the consumer made
# one event, waited for the lock, and the poller had a whole new turn, so
# the run needed two turns, more than hunt's step budget of 100,000: the
# portfolio's ipb:3 run (run 4) ended as a timeout, a livelock the
# program does not have.  The poller is now passed over for a few events
# after its turn as well.  30 hunted runs pass, and a recording under
# each of the default strategy and pct replays.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: hunt_poll.sh DEJA QUEUE_POLL"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

rc=0
timeout 120 "$deja" hunt -n 30 -o h.deja -- "$prog" >out 2>err || rc=$?
[ $rc = 0 ] || { dump err; fail "hunt exited $rc: it failed a correct program"; }
grep -q 'no failure in 30 runs' err || { dump err; fail "hunt did not run 30 passing runs"; }
records_print "$deja" "$prog" t.deja "sum 5" "" "-s pct:3 --seed 1"
note "a poller under a lock passes 30 hunted runs"
