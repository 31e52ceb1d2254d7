#!/usr/bin/env bash
# shrink_python.sh DEJA PY_JOB_QUEUE_SCRIPT
#
# The CPython corpus bug (corpora/py_job_queue: a worker checks
# queue.empty() and then blocks in queue.get()) shrinks from the failures
# of hunt seeds 1, 2 and 3, each to a 1-minimal run with the known minimum
# of 1 preemption that is the same deadlock (a worker and the main thread
# stuck at the same call sites; which worker does not matter) and replays
# exactly.  Its preemption must be needed: deja bisect, which runs the
# schedule without it (with the recording's randomness: CPython's hash
# seed comes from getrandom, so `deja record --script` alone would run
# another program), reports that neighbour as passing.  Which failures
# the seeds find depends on the machine and on where the script lies
# (from a clone in another directory, seed 2 finds one that leaves the
# second worker waiting, which needs 2 preemptions as it is; shrink gets
# to 1 by leaving the first one waiting instead).  How fast it gets there
# is bench/shrink's business.
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
	before=$(sqlite3 "h$seed.deja" 'SELECT preemptions FROM run')
	rc=0
	timeout 250 "$deja" shrink -q -o "s$seed.deja" "h$seed.deja" >out 2>err || rc=$?
	[ $rc -eq 0 ] || { dump out err; fail "seed $seed: shrink exited $rc"; }
	grep -q '^shrunk: preemptions [0-9]* -> [0-9]*, .*1-minimal' out ||
		{ dump out err; fail "seed $seed: the shrunk run is not said to be 1-minimal"; }
	after=$(sqlite3 "s$seed.deja" 'SELECT preemptions FROM run')
	[ "$after" -eq 1 ] ||
		{ dump out; fail "seed $seed: $before -> $after preemptions (expected 1, the known minimum)"; }
	[ "$(outcome_of "$deja" "s$seed.deja")" = deadlock ] || fail "seed $seed: the shrunk run is not a deadlock"
	timeout 120 "$deja" replay -q "s$seed.deja" >/dev/null 2>err ||
		{ dump err; fail "seed $seed: the shrunk run does not replay"; }
	rc=0
	timeout 120 "$deja" bisect "s$seed.deja" >bis.out 2>&1 || rc=$?
	[ $rc -eq 0 ] || { dump bis.out; fail "seed $seed: bisect exited $rc"; }
	grep -q 'passing neighbour: the failing schedule without its preemption' bis.out ||
		{ dump bis.out; fail "seed $seed: without its preemption the run does not pass"; }
	note "seed $seed: preemptions $before -> $after, $(head -1 out | sed -E 's/.*; ([0-9]+ runs), ([0-9.]+ s)$/\1, \2/')"
done

# A failure that leaves the second worker waiting, as seed 2's did from a
# clone in another directory: the first worker is stopped after its first
# job (1 20 0), the main thread's GIL wait times out at once (a stay),
# the second worker runs when the main thread blocks, and is stopped
# between its check and its get (2 22 0), which takes 2 preemptions.  The
# main thread's counts are taken from where it starts the first worker
# in a nonpreemptive run (they depend on the interpreter's start-up).
# Shrunk, it must reach 1 preemption: the same deadlock with the first
# worker waiting.
"$deja" record -q -o np.deja -- /usr/bin/python3 "$script" >/dev/null 2>&1 ||
	fail "the nonpreemptive run of the script failed"
base=$("$deja" show --script np.deja | awk '!/^#/ && $1 == 0 && $3 == 1 && !found { print $2; found = 1 }')
[ -n "$base" ] || fail "no switch from the main thread to the first worker in the nonpreemptive run"
printf '1 20 0\n0 %d 0\n0 %d 2\n2 22 0\n0 %d 0\n' $((base + 3)) $((base + 29)) $((base + 32)) >t2.script
rc=0
"$deja" record -q --script t2.script -o t2.deja -- /usr/bin/python3 "$script" >/dev/null 2>&1 || rc=$?
waiting=$(sqlite3 t2.deja 'SELECT group_concat(thread) FROM (SELECT thread FROM waits ORDER BY thread)')
[ $rc -eq 1 ] && [ "$waiting" = "0,2" ] && [ "$(sqlite3 t2.deja 'SELECT preemptions FROM run')" = 2 ] ||
	{ dump t2.script; fail "the scripted run does not leave the second worker waiting after 2 preemptions (exit $rc, waiting: $waiting)"; }
rc=0
timeout 250 "$deja" shrink -q -o t2s.deja t2.deja >out 2>err || rc=$?
[ $rc -eq 0 ] || { dump out err; fail "second worker waiting: shrink exited $rc"; }
[ "$(sqlite3 t2s.deja 'SELECT preemptions FROM run')" = 1 ] && [ "$(outcome_of "$deja" t2s.deja)" = deadlock ] ||
	{ dump out; fail "second worker waiting: not shrunk to the same deadlock with 1 preemption"; }
timeout 120 "$deja" replay -q t2s.deja >/dev/null 2>err || { dump err; fail "second worker waiting: the shrunk run does not replay"; }
note "second worker waiting: 2 -> 1 preemption, threads $(sqlite3 t2s.deja 'SELECT group_concat(thread) FROM (SELECT thread FROM waits ORDER BY thread)') waiting, $(head -1 out | sed -E 's/.*; ([0-9]+ runs), ([0-9.]+ s)$/\1, \2/')"
