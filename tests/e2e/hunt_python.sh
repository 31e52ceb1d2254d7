#!/usr/bin/env bash
# hunt_python.sh DEJA PY_JOB_QUEUE_SCRIPT
#
# deja hunt -- python3 script.py finds the job-queue lock-up (workers that
# check queue.empty() and then block in queue.get()) within 1000 runs,
# reports it as a deadlock naming the blocked threads, and the kept trace
# replays to the same deadlock, 100 times out of 100.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: hunt_python.sh DEJA PY_JOB_QUEUE_SCRIPT"
deja=$(abspath "$1") script=$(abspath "$2")
require_file "$deja" "$script" /usr/bin/python3
cd "$tmp"

rc=0
timeout 280 "$deja" hunt -q --json --runs 1000 -o jq.deja -- /usr/bin/python3 "$script" >h.json 2>err || rc=$?
[ $rc -eq 1 ] || { dump h.json err; fail "hunt exited $rc, expected 1 (found)"; }
[ "$(json h.json 'j["failing_run"]["outcome"]')" = deadlock ] || { dump h.json; fail "the failure found is not the deadlock"; }
"$deja" show jq.deja >show.txt
grep -q "wait-for graph:" show.txt || { dump show.txt; fail "no wait-for graph"; }
[ "$(grep -c 'waits in' show.txt)" -ge 2 ] || { dump show.txt; fail "the wait-for graph does not name the blocked threads"; }
for i in $(seq 100); do
	timeout 120 "$deja" replay -q jq.deja >/dev/null 2>err || { dump err; fail "replay $i of the Python deadlock failed"; }
done
note "found in run $(json h.json 'j["failing_run"]["index"]') ($(json h.json 'j["failing_run"]["strategy"]')); 100 replays identical"

# Its schedule, run again as a script with the recording's randomness and
# clocks (CPython's hash seed comes from getrandom), fails the same way:
# deja shrink starts from there (it would say "does not fail as recorded"
# otherwise); with a budget of 20 runs it stops early and keeps the
# smallest failing run so far, a deadlock that replays.
rc=0
timeout 300 "$deja" shrink --max-runs 20 -o small.deja jq.deja >sh.out 2>&1 || rc=$?
grep -q "does not fail" sh.out && { dump sh.out; fail "shrink could not re-create the Python deadlock from its script"; }
best=small.deja
[ $rc -eq 0 ] || { grep -q "gave up after 20 candidate runs" sh.out && best=small.deja.best; } ||
	{ dump sh.out; fail "deja shrink of the Python deadlock exited $rc"; }
[ "$(outcome_of "$deja" "$best")" = deadlock ] || fail "the shrunk Python run is not a deadlock"
timeout 120 "$deja" replay -q "$best" >/dev/null 2>err || { dump err; fail "the shrunk Python run does not replay"; }
note "shrink re-created the Python deadlock from its script; its run after 20 candidates deadlocks and replays"
