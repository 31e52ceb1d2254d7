#!/usr/bin/env bash
# shrink_python.sh DEJA PY_JOB_QUEUE_SCRIPT
#
# The CPython corpus bug (corpora/py_job_queue: a worker checks
# queue.empty() and then blocks in queue.get()) shrinks to its known
# minimum of 1 preemption from the failures of hunt seeds 1, 2 and 3, each
# shrink within 60 s (the benchmark's target is 30 s; the margin is for a
# busy machine).  The shrunk run is the same deadlock, replays exactly, and
# its one preemption is needed: deja bisect, which runs the schedule
# without it (with the recording's randomness: CPython's hash seed comes
# from getrandom, so `deja record --script` alone would run another
# program), reports that neighbour as passing.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: shrink_python.sh DEJA PY_JOB_QUEUE_SCRIPT"
deja=$(abspath "$1") script=$(abspath "$2")
require_file "$deja" "$script" /usr/bin/python3
cd "$tmp"

for seed in 1 2 3; do
	rc=0
	timeout 120 "$deja" hunt -q --seed "$seed" -o "h$seed.deja" -- /usr/bin/python3 "$script" \
		>/dev/null 2>err || rc=$?
	[ $rc -eq 1 ] || { dump err; fail "seed $seed: hunt exited $rc, expected 1 (found)"; }
	start=$(date +%s)
	rc=0
	timeout 120 "$deja" shrink -q -o "s$seed.deja" "h$seed.deja" >out 2>err || rc=$?
	secs=$(($(date +%s) - start))
	[ $rc -eq 0 ] || { dump out err; fail "seed $seed: shrink exited $rc"; }
	grep -q '^shrunk: preemptions [0-9]* -> 1, .*1-minimal' out ||
		{ dump out err; fail "seed $seed: not shrunk to 1 preemption"; }
	[ "$secs" -le 60 ] || { dump out; fail "seed $seed: the shrink took $secs s (over 60)"; }
	[ "$(sqlite3 "s$seed.deja" 'SELECT preemptions FROM run')" = 1 ] ||
		fail "seed $seed: the shrunk trace does not have 1 preemption"
	[ "$(outcome_of "$deja" "s$seed.deja")" = deadlock ] || fail "seed $seed: the shrunk run is not a deadlock"
	timeout 120 "$deja" replay -q "s$seed.deja" >/dev/null 2>err ||
		{ dump err; fail "seed $seed: the shrunk run does not replay"; }
	rc=0
	timeout 120 "$deja" bisect "s$seed.deja" >bis.out 2>&1 || rc=$?
	[ $rc -eq 0 ] || { dump bis.out; fail "seed $seed: bisect exited $rc"; }
	grep -q 'passing neighbour: the failing schedule without its preemption' bis.out ||
		{ dump bis.out; fail "seed $seed: without its preemption the run does not pass"; }
	note "seed $seed: $(head -1 out | sed -E 's/^shrunk: (preemptions [0-9]+ -> 1).*; ([0-9]+ runs), .*/\1, \2/'), ${secs} s"
done
