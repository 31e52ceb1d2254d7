#!/usr/bin/env bash
# python_lines.sh DEJA LOST_UPDATE_SCRIPT
#
# deja hunt --python-lines finds a race between Python lines (a lost update
# across a call, where CPython can hand the GIL over) in its first runs,
# under three seeds; each kept trace replays identically, printing the
# same AssertionError.  A recording with --python-lines of a program with
# one thread runs it unchanged (the ticks start with a second thread), and
# outside deja the hook does nothing.  Shrinking such a run (thousands of
# preemptions, a CPython run per candidate) ends within its --search-time,
# and its events carry the Python lines its threads were at (bisect, show).
# Without either --python-lines or --no-python-lines, a hunt goes on with
# Python lines after the first fifth of its runs, and finds the race.  A
# Python child's lines are in show --json too, under its process.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: python_lines.sh DEJA LOST_UPDATE_SCRIPT"
deja=$(abspath "$1") script=$(abspath "$2")
require_file "$deja" "$script" /usr/bin/python3
cd "$tmp"

for seed in 1 2 3; do
	rc=0
	timeout 280 "$deja" hunt -q --json --python-lines --seed $seed --runs 20 -o lu$seed.deja \
		-- /usr/bin/python3 "$script" >h.json 2>err || rc=$?
	[ $rc -eq 1 ] || { dump h.json err; fail "seed $seed: hunt exited $rc, expected 1 (found)"; }
	[ "$(json h.json 'j["failing_run"]["outcome"]')" = "exit 1" ] || { dump h.json; fail "seed $seed: the failure is not the assertion"; }
	run=$(json h.json 'j["failing_run"]["index"]')
	rc=0
	timeout 120 "$deja" replay lu$seed.deja >out 2>err || rc=$?
	[ $rc -eq 0 ] || { dump err; fail "seed $seed: the replay exited $rc"; }
	grep -q "AssertionError: lost updates: count is" err ||
		{ dump err; fail "seed $seed: the replay did not print the assertion"; }
	cp err first.err
	replays_match "$deja" lu$seed.deja out 2
	note "seed $seed: lost update found in run $run; replays identical"
done

# The first seed's failing run (thousands of preemptions) shrinks to a
# hundredth or fewer within the search time given (5378 -> 8 with 5 s of
# search here on 2026-11-23), and the result replays.
before=$(sqlite3 lu1.deja 'SELECT preemptions FROM run')
rc=0
timeout 200 "$deja" shrink -q --search-time 5 -o lu1s.deja lu1.deja >shrunk 2>err || rc=$?
[ $rc -eq 0 ] || { dump shrunk err; fail "shrink of seed 1's run exited $rc"; }
after=$(sqlite3 lu1s.deja 'SELECT preemptions FROM run')
[ "$after" -ge 1 ] && [ $((after * 100)) -le "$before" ] ||
	{ dump shrunk; fail "shrunk from $before to $after preemptions, expected a hundredth or fewer"; }
replays_match "$deja" lu1s.deja out 2
note "seed 1's run shrinks from $before preemptions to $after; replays identical"

# Its events say which Python line each thread was at: deja bisect's
# racing pair names lost_update.py's lines, deja show prints them beside
# the C sites and --json gives them on the worker threads' events (with
# the file's full path); storing the finding changes no replay.
rc=0
timeout 200 "$deja" bisect lu1s.deja >bisect 2>err || rc=$?
[ $rc -eq 0 ] || { dump bisect err; fail "bisect of the shrunk run exited $rc"; }
# (One side of the pair at least: the shrunk run, whose search for fewer
# preemptions is bounded in time, is not always the same, and its pair may
# be a worker's wake-up, before any line, against the other's line:
# "thread 2 cond_resume(cond#7) before thread 1 mutex_lock(mutex#5)
# [lost_update.py:14 in pause]".)
grep -Eq "^thread [0-9]+ .* before thread [0-9]+ .* makes it fail" bisect &&
	grep -Eq "\[lost_update\.py:[0-9]+ in (add|pause)\]" bisect ||
	{ dump bisect err; fail "bisect's racing pair does not name lost_update.py's lines"; }
"$deja" show lu1s.deja >shown
grep -Eq "^ +[0-9]+  T[12] .*\[lost_update\.py:(18|19|20|21|22) in add\]" shown ||
	{ head -50 shown; fail "deja show gives no lost_update.py line for the workers' events"; }
"$deja" show --json lu1s.deja >shown.json
workers=$(json shown.json 'sorted({e["thread"] for e in j["python_events"] if e["python"]["file"] == "'"$script"'" and e["python"]["function"] == "add" and e["python"]["line"] in range(18, 23)})')
[ "$workers" = "[1, 2]" ] || { fail "show --json: the workers with lost_update.py lines in add are $workers, expected [1, 2]"; }
[ "$(sqlite3 lu1s.deja 'SELECT count(*) FROM python_code WHERE file LIKE "%lost_update.py" AND function = "add"')" = 1 ] ||
	fail "the trace does not name lost_update.py's add once"
replays_match "$deja" lu1s.deja out 2
note "bisect: $(head -1 bisect); show and show --json give the workers' Python lines; replays identical"

# With --no-python-lines such a hunt finds nothing, and says what to try.
rc=0
timeout 120 "$deja" hunt --no-python-lines --seed 1 --runs 3 -o none.deja -- /usr/bin/python3 "$script" >/dev/null 2>err || rc=$?
[ $rc -eq 0 ] || { dump err; fail "a hunt with --no-python-lines exited $rc, expected 0 (nothing found)"; }
grep -q "hunt with --python-lines" err || { dump err; fail "the hunt does not point to --python-lines"; }
! grep -q "every Python line is a tick" err || { dump err; fail "--no-python-lines went on with Python lines"; }
"$deja" record -q -o plain.deja -- /usr/bin/python3 "$script" >/dev/null 2>&1 || true
"$deja" show plain.deja >plain.show || fail "deja show of a run without Python lines failed"
grep -q "no ticks (not run with --python-lines)" plain.show ||
	{ grep "ticks" plain.show >&2; fail "deja show of CPython without Python lines does not point to --python-lines"; }
note "--no-python-lines: nothing found in 3 runs, and the hunt and deja show point to the option"

# With neither, a hunt of CPython goes on with every line a tick after the
# first fifth of its runs (here 4 of 20), and finds the race there; the
# kept run replays identically, its hook and all.
for jobs in 1 2; do
	rc=0
	timeout 280 "$deja" hunt --json --seed 1 --runs 20 -j $jobs -o auto$jobs.deja \
		-- /usr/bin/python3 "$script" >h.json 2>err || rc=$?
	[ $rc -eq 1 ] || { dump h.json err; fail "-j $jobs: a hunt with neither option exited $rc, expected 1 (found)"; }
	[ "$(json h.json 'j["python_lines_from"]')" = 5 ] || { dump h.json; fail "-j $jobs: Python lines did not start at run 5"; }
	run=$(json h.json 'j["failing_run"]["index"]')
	[ "$run" -ge 5 ] || { dump h.json; fail "-j $jobs: found in run $run, before the lines began"; }
	replays_match "$deja" auto$jobs.deja out 2
	note "-j $jobs, neither option: Python lines from run 5, the lost update found in run $run; replays identical"
done
rc=0
timeout 120 "$deja" hunt --seed 1 --runs 20 -o auto.deja -- /usr/bin/python3 "$script" >/dev/null 2>err || rc=$?
grep -q "no failure in 4 runs of CPython: from run 5 on, every Python line is a tick" err ||
	{ dump err; fail "the hunt does not say it went on with Python lines"; }
rc=0
"$deja" hunt --python-lines --no-python-lines -- /usr/bin/python3 "$script" >/dev/null 2>err || rc=$?
[ $rc -eq 2 ] || { dump err; fail "--python-lines with --no-python-lines exited $rc, expected 2"; }

# One thread: the hook installs nothing, and the program runs as usual.
printf 'import sys\nprint(sys.gettrace())\n' >one.py
rc=0
timeout 60 "$deja" record -q --python-lines -o one.deja -- /usr/bin/python3 one.py >out 2>err || rc=$?
[ $rc -eq 0 ] || { dump err; fail "record --python-lines of a one-thread script exited $rc"; }
[ "$(cat out)" = None ] || { dump out; fail "a one-thread script saw a trace function"; }
# Outside deja, with the hook's directory in PYTHONPATH: nothing either.
hook=$(dirname "$(readlink -f "$deja")")/../lib/deja/python
[ -f "$hook/sitecustomize.py" ] || fail "no sitecustomize.py in $hook"
[ "$(PYTHONPATH=$hook /usr/bin/python3 "$script")" = ok ] || true
out=$(PYTHONPATH=$hook /usr/bin/python3 -c 'import sys, threading; t = threading.Thread(target=print); t.start(); t.join(); print(sys.gettrace())')
[ "$(tail -1 <<<"$out")" = None ] || fail "outside deja, the hook set a trace function: $out"
note "one thread, and outside deja: no trace function"

# A Python child's lines are in show --json's python_events too, under its
# process number (the list held the top process's alone).
cat >child.py <<'PY'
import subprocess, sys, threading
def work():
    total = 0
    for i in range(3):
        total += i
t = threading.Thread(target=work)
t.start()
t.join()
if len(sys.argv) == 1:
    subprocess.run([sys.executable, __file__, "child"])
PY
rc=0
timeout 120 "$deja" record -q --python-lines -o child.deja -- /usr/bin/python3 child.py >out 2>err || rc=$?
[ $rc -eq 0 ] || { dump err; fail "record --python-lines of a parent and its Python child exited $rc"; }
"$deja" show --json child.deja >child.json
lines=$(json child.json 'sorted({(e["process"], e["python"]["line"]) for e in j["python_events"] if e["python"]["file"] and e["python"]["file"].endswith("child.py") and e["python"]["function"] == "work"})')
case $lines in
*"(0, "*"(1, "*) ;;
*) fail "show --json: the work() lines of both processes are not in python_events: $lines" ;;
esac
note "show --json lists a Python child's lines under its process"
