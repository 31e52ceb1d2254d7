#!/usr/bin/env bash
# poll_timeout.sh DEJA POLL_TIMEOUT_PROG
#
# Waits that end by their timeout replay: a thread's timed polls time out
# in virtual time while main sleeps, and every replay (which feeds the
# polls' results rather than waiting) ends each one by its timeout at the
# recorded event, under several schedules.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: poll_timeout.sh DEJA POLL_TIMEOUT_PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

for seed in none 1 2 3; do
	rc=0
	timeout 60 "$deja" record -q $(schedule_of "$seed") -o p.deja -- "$prog" >rec 2>err || rc=$?
	[ $rc -eq 0 ] || { dump rec err; fail "seed $seed: record exited $rc"; }
	grep -q "poll timed out at least once" rec || { dump rec; fail "seed $seed: no poll timed out"; }
	replays_match "$deja" p.deja rec 3 60
done
note "timed-out polls replay at their recorded events (4 schedules x 3 replays)"
