#!/usr/bin/env bash
# shrink_python_near.sh DEJA PY_DICT_CACHE_PY
#
# A check-then-act race on a dict (programs/py_dict_cache.py), hunted with
# Python lines (seed 1: run 127, 115 preemptions in 12,000 events).  Its
# removal-minimum has 6 preemptions; the fewer-preemption search, tried
# first below it, spends its 500 runs on one-preemption schedules at the
# first 500 points of CPython's start-up, so within --search-time 10 the
# shrink stopped at 6.  The nearest moves (one preemption moved a few
# events, another dropped) now come first, at most 100 runs of them, and
# reach 4 in the same time.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: shrink_python_near.sh DEJA PY_DICT_CACHE_PY"
deja=$(abspath "$1") python=/usr/bin/python3 script=$(abspath "$2")
require_file "$deja" "$python" "$script"
cd "$tmp"
cp "$script" py_dict_cache.py

rc=0
timeout 120 "$deja" hunt -q --seed 1 --runs 500 --python-lines -o h.deja -- \
	"$python" py_dict_cache.py >/dev/null 2>herr || rc=$?
[ $rc -eq 1 ] || { dump herr; fail "hunt did not find the cache race (exit $rc)"; }
rc=0
timeout 200 "$deja" shrink -q --search-time 10 -o s.deja h.deja >out 2>err || rc=$?
[ $rc -eq 0 ] || { dump out err; fail "shrink exited $rc"; }
note "$(head -1 out)"
after=$(sqlite3 s.deja 'SELECT preemptions FROM run')
[ "$after" -le 5 ] || { dump out; fail "shrunk to $after preemptions within --search-time 10 (expected at most 5)"; }
[ "$(outcome_of "$deja" s.deja)" = "exit 1" ] || fail "the shrunk run does not exit 1 (the assertion)"
