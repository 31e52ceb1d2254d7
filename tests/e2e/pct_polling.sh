#!/usr/bin/env bash
# pct_polling.sh DEJA PY_POLL_QUEUE_SCRIPT
#
# Under pct, threads polling a queue with short timed waits
# (get(timeout=1e-5) in a loop) beside threads that sleep between the
# items they put: a feeder that slept went below every other thread, as
# a yielder does, and the pollers, whose timed waits pct lets time out
# when they are above every thread that can run, timed out one after
# another above it, so no feeder woke again and the run ended at the
# step budget (CPython's test_queue test_many_threads_timeout, pct:3
# seeds 2 and 3).  A thread whose timed wait times out now goes below the
# others too, as a sleeper does.  Under seeds 1 to 3 each recording ends
# within a budget of 300,000 events (a run takes about 17,000), prints
# that the consumers got every item, and replays twice identically.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: pct_polling.sh DEJA PY_POLL_QUEUE_SCRIPT"
deja=$(abspath "$1") script=$(abspath "$2")
require_file "$deja" "$script" /usr/bin/python3
cd "$tmp"

for seed in 1 2 3; do
	rc=0
	timeout 60 "$deja" record -q -s pct:3 --seed $seed --max-steps 300000 -o p.deja -- \
		/usr/bin/python3 "$script" >rec 2>err || rc=$?
	[ $rc -eq 0 ] || { dump rec err; fail "recording (pct:3, seed $seed) exited $rc"; }
	[ "$(cat rec)" = "got 300" ] || { dump rec; fail "recording (pct:3, seed $seed) does not print: got 300"; }
	replays_match "$deja" p.deja rec 2 60
done
note "pct lets sleeping feeders wake beside pollers with short timed waits: 3 seeds x 2 identical replays"
