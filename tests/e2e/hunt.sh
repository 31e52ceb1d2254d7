#!/usr/bin/env bash
# hunt.sh DEJA PASSING_PROG CORPUS_PROG...
#
# deja hunt with the default strategy finds every corpus bug within 1000
# runs, keeps the failing run's trace (run.index and run.seed as reported),
# and that trace replays identically 100 times; a program that never fails spends
# its budget and exits 0; an interrupted hunt exits 130; a bad strategy is
# a usage error; a run over the step budget is reported with the budget.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -ge 3 ] || fail "usage: hunt.sh DEJA PASSING_PROG CORPUS_PROG..."
deja=$(abspath "$1") passing=$(abspath "$2")
shift 2
require_file "$deja" "$passing"
cd "$tmp"

for prog in "$@"; do
	prog=$(abspath "$prog")
	name=$(basename "$prog")
	rc=0
	timeout 120 "$deja" hunt -q --json --runs 1000 -o "$name.deja" -- "$prog" >h.json 2>err || rc=$?
	[ $rc -eq 1 ] || { dump h.json err; fail "$name: hunt exited $rc, expected 1 (found)"; }
	[ "$(json h.json 'j["found"]')" = true ] || { dump h.json; fail "$name: hunt says nothing was found"; }
	index=$(json h.json 'j["failing_run"]["index"]')
	"$deja" show --json "$name.deja" >s.json
	[ "$(json s.json 'j["run"]["index"]')" = "$index" ] || { dump h.json s.json; fail "$name: the trace's run.index differs from the hunt's"; }
	[ "$(json s.json 'j["run"]["seed"]')" = "$(json h.json 'j["failing_run"]["seed"]')" ] \
		|| { dump h.json s.json; fail "$name: the trace's run.seed differs from the hunt's"; }
	for i in $(seq 100); do
		timeout 60 "$deja" replay -q "$name.deja" >/dev/null 2>err || { dump err; fail "$name: replay $i of the hunted trace failed"; }
	done
	note "$name: found in run $index ($(json h.json 'j["failing_run"]["strategy"]'), $(json h.json 'j["failing_run"]["outcome"]')), 100 replays identical"
done

rc=0
timeout 120 "$deja" hunt -q --json --runs 30 -o pass.deja -- "$passing" >p.json 2>err || rc=$?
[ $rc -eq 0 ] || { dump p.json err; fail "hunting a program that never fails exited $rc"; }
[ "$(json p.json 'j["found"]')" = false ] && [ "$(json p.json 'j["runs"]')" = 30 ] || { dump p.json; fail "hunt summary wrong for a passing program"; }
[ ! -e pass.deja ] || fail "a hunt that found nothing left a trace"
[ "$(json p.json 'j["distinct_schedules"]')" -gt 1 ] || { dump p.json; fail "30 runs of a multithreaded program saw a single schedule"; }
note "passing program: 30 runs, $(json p.json 'j["distinct_schedules"]') distinct schedules, exit 0"

# -j 2: two runs at a time, same results.
first=$(abspath "$1")
rc=0
timeout 120 "$deja" hunt -q --json -j 2 -o par.deja -- "$first" >j.json 2>err || rc=$?
[ $rc -eq 1 ] || { dump j.json err; fail "hunt -j 2 exited $rc, expected 1"; }
timeout 60 "$deja" replay -q par.deja >/dev/null 2>err || { dump err; fail "the trace kept by hunt -j 2 does not replay"; }
ls ./*.run* >/dev/null 2>&1 && fail "hunt -j 2 left scratch traces behind"
rc=0
timeout 120 "$deja" hunt -q --json -j 2 --runs 20 -o pass2.deja -- "$passing" >p2.json 2>err || rc=$?
[ $rc -eq 0 ] && [ "$(json p2.json 'j["runs"]')" = 20 ] || { dump p2.json err; fail "hunt -j 2 --runs 20 of a passing program"; }
note "-j 2: found and replayed; 20 passing runs counted"

# --ok-exit: an exit code that passes; --fail-on-output: output that fails.
rwlock=
for prog in "$@"; do case $prog in *rwlock_misuse) rwlock=$(abspath "$prog") ;; esac; done
if [ -n "$rwlock" ]; then
	rc=0
	timeout 120 "$deja" hunt -q --json --ok-exit 0,1 --runs 40 -o ok.deja -- "$rwlock" >ok.json 2>err || rc=$?
	[ $rc -eq 0 ] && [ "$(json ok.json 'j["found"]')" = false ] || { dump ok.json err; fail "--ok-exit 0,1: rwlock_misuse's exit 1 still counted as a failure"; }
fi
rc=0
timeout 120 "$deja" hunt -q --json --fail-on-output 'api_tour ok' -o out.deja -- "$passing" >o.json 2>err || rc=$?
[ $rc -eq 1 ] && [ "$(json o.json 'j["failing_run"]["index"]')" = 1 ] || { dump o.json err; fail "--fail-on-output did not fail the first run"; }
note "--ok-exit and --fail-on-output"

# Runs are forked from a fork server started once (runtime/server.c): a
# program reached through an exec (a shell script) is served from the
# script's first image, and its bug is still found and replayed.
first=$(abspath "$1")
printf '#!/bin/sh\nexec "%s"\n' "$first" >wrapper.sh
chmod +x wrapper.sh
rc=0
timeout 120 "$deja" hunt -q --json -o wrapped.deja -- ./wrapper.sh >w.json 2>err || rc=$?
[ $rc -eq 1 ] || { dump w.json err; fail "hunt through a shell script exited $rc, expected 1"; }
timeout 60 "$deja" replay -q wrapped.deja >/dev/null 2>err || { dump err; fail "the trace hunted through a shell script does not replay"; }
note "hunt through an exec'ing shell script: found and replayed"

# Interrupted (SIGTERM, as SIGINT from a terminal): the hunt stops within
# seconds, served runs and all, says so and exits 130.
"$deja" hunt -q --json --runs 1000000 -o int.deja -- "$passing" >int.json 2>err &
pid=$!
sleep 1
kill -TERM $pid
for _ in $(seq 100); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
kill -0 $pid 2>/dev/null && { kill -KILL $pid; fail "deja hunt still running 10 s after SIGTERM"; }
rc=0
wait $pid || rc=$?
[ $rc -eq 130 ] || { dump int.json err; fail "interrupted hunt exited $rc, expected 130"; }
[ "$(json int.json 'j["interrupted"]')" = true ] && [ "$(json int.json 'j["runs"] > 0')" = true ] ||
	{ dump int.json; fail "the interrupted hunt's summary does not say it was interrupted after some runs"; }
note "an interrupted hunt stops, reports its runs and exits 130"

rc=0
"$deja" hunt -s bogus -- "$passing" >/dev/null 2>err || rc=$?
[ $rc -eq 2 ] || fail "hunt with a bad strategy exited $rc, expected 2"

# A run that spends the step budget is a failure (a livelock), but its
# report says which budget it was and how to raise it: a program whose
# runs are simply that long was reported as "failed: timeout" and nothing
# more.
rc=0
"$deja" hunt -n 1 --max-steps 20 -o budget.deja -- "$passing" >/dev/null 2>err || rc=$?
[ $rc -eq 1 ] || { dump err; fail "a hunt whose run outgrew --max-steps 20 exited $rc, expected 1"; }
grep -q "step budget (--max-steps) spent after 20 events: a livelock, or a program whose runs are that long (then give it --max-steps above 20)" err ||
	{ dump err; fail "the step budget's timeout was not explained"; }
note "a run over the step budget is reported with the budget and how to raise it"
