#!/usr/bin/env bash
# pct_polling.sh DEJA PY_POLL_QUEUE_SCRIPT PY_POLL_NONBLOCK_SCRIPT
#
# Under pct, threads polling a queue beside threads that sleep between
# the items they put.
#
# With short timed waits (get(timeout=1e-5) in a loop): a feeder that
# slept went below every other thread, as a yielder does, and the
# pollers, whose timed waits pct lets time out when they are above every
# thread that can run, timed out one after another above it, so no feeder
# woke again and the run ended at the step budget (CPython's test_queue
# test_many_threads_timeout, pct:3 seeds 2 and 3).  A thread whose timed
# wait times out now goes below the others too, as a sleeper does.
#
# With get(block=False) and a 10 us sleep after each miss: a sleep was not
# taken for a yield (it is not enabled until it times out), so two
# pollers kept the highest priorities and handed the GIL to each other
# for ever above the feeders (test_many_threads_nonblock, pct:3 seeds 1
# and 2).
#
# Under seeds 1 to 3 each recording ends within a budget of 300,000
# events (a run takes about 17,000 and 21,000), prints that the consumers
# got every item, and replays twice identically.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 3 ] || fail "usage: pct_polling.sh DEJA PY_POLL_QUEUE_SCRIPT PY_POLL_NONBLOCK_SCRIPT"
deja=$(abspath "$1") timed=$(abspath "$2") nonblock=$(abspath "$3")
require_file "$deja" "$timed" "$nonblock" /usr/bin/python3
cd "$tmp"

# check_seeds SCRIPT EXPECTED: pct:3 seeds 1 to 3 end, print EXPECTED, replay.
check_seeds() {
	local script=$1 expected=$2 seed rc
	for seed in 1 2 3; do
		rc=0
		timeout 60 "$deja" record -q -s pct:3 --seed $seed --max-steps 300000 -o p.deja -- \
			/usr/bin/python3 "$script" >rec 2>err || rc=$?
		[ $rc -eq 0 ] || { dump rec err; fail "recording of $(basename "$script") (pct:3, seed $seed) exited $rc"; }
		[ "$(cat rec)" = "$expected" ] ||
			{ dump rec; fail "recording of $(basename "$script") (pct:3, seed $seed) does not print: $expected"; }
		replays_match "$deja" p.deja rec 2 60
	done
}

check_seeds "$timed" "got 300"
check_seeds "$nonblock" "got 1000 True"
note "pct lets sleeping feeders wake beside pollers (timed waits, and sleeps after each miss): 2 x 3 seeds x 2 identical replays"
