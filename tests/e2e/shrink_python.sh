#!/usr/bin/env bash
# shrink_python.sh DEJA PY_JOB_QUEUE_SCRIPT
#
# The CPython corpus bug (corpora/py_job_queue: a worker checks
# queue.empty() and then blocks in queue.get()) shrinks from the failures
# of hunt seeds 1, 2 and 3: each to a 1-minimal run of at most 3
# preemptions, fewer than it had, that is the same deadlock and replays
# exactly, and at least one of them to the known minimum of 1 preemption,
# which must be needed: deja bisect, which runs the schedule without it
# (with the recording's randomness: CPython's hash seed comes from
# getrandom, so `deja record --script` alone would run another program),
# reports that neighbour as passing.  (Which failures the seeds find
# depends on the machine and on where the script lies; from some, such as
# seed 2's from another directory, the shrink stops at 3 preemptions.  How
# fast and how far it gets on this machine is bench/shrink's business.)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: shrink_python.sh DEJA PY_JOB_QUEUE_SCRIPT"
deja=$(abspath "$1") script=$(abspath "$2")
require_file "$deja" "$script" /usr/bin/python3
cd "$tmp"

minimal=0
for seed in 1 2 3; do
	rc=0
	timeout 120 "$deja" hunt -q --seed "$seed" -o "h$seed.deja" -- /usr/bin/python3 "$script" \
		>/dev/null 2>err || rc=$?
	[ $rc -eq 1 ] || { dump err; fail "seed $seed: hunt exited $rc, expected 1 (found)"; }
	before=$(sqlite3 "h$seed.deja" 'SELECT preemptions FROM run')
	rc=0
	timeout 250 "$deja" shrink -q -o "s$seed.deja" "h$seed.deja" >out 2>err || rc=$?
	[ $rc -eq 0 ] || { dump out err; fail "seed $seed: shrink exited $rc"; }
	grep -q '^shrunk: preemptions [0-9]* -> [0-9]*, .*1-minimal' out ||
		{ dump out err; fail "seed $seed: the shrunk run is not said to be 1-minimal"; }
	after=$(sqlite3 "s$seed.deja" 'SELECT preemptions FROM run')
	[ "$after" -le 3 ] && [ "$after" -lt "$before" ] ||
		{ dump out; fail "seed $seed: $before -> $after preemptions (expected at most 3, and fewer)"; }
	[ "$(outcome_of "$deja" "s$seed.deja")" = deadlock ] || fail "seed $seed: the shrunk run is not a deadlock"
	timeout 120 "$deja" replay -q "s$seed.deja" >/dev/null 2>err ||
		{ dump err; fail "seed $seed: the shrunk run does not replay"; }
	if [ "$after" -eq 1 ]; then
		minimal=$((minimal + 1))
		rc=0
		timeout 120 "$deja" bisect "s$seed.deja" >bis.out 2>&1 || rc=$?
		[ $rc -eq 0 ] || { dump bis.out; fail "seed $seed: bisect exited $rc"; }
		grep -q 'passing neighbour: the failing schedule without its preemption' bis.out ||
			{ dump bis.out; fail "seed $seed: without its preemption the run does not pass"; }
	fi
	note "seed $seed: preemptions $before -> $after, $(head -1 out | sed -E 's/.*; ([0-9]+ runs), ([0-9.]+ s)$/\1, \2/')"
done
[ "$minimal" -ge 1 ] || fail "no seed's failure shrank to the known minimum of 1 preemption"
note "$minimal of 3 seeds' failures shrank to 1 preemption"
