#!/usr/bin/env bash
# bisect_python_own.sh DEJA PY_SHOP_RACE_PY
#
# A check-then-act race on a dict, run by a thread pool
# (programs/py_shop_race.py), hunted with Python lines.  `deja bisect`
# reported the pair that refines the failing schedule's last decisive
# preemption: "thread 2 mutex_lock(mutex#5) [thread.py:80 in _worker]
# before thread 0 mutex_lock(mutex#5) [threading.py:962 in Thread.start]",
# the pool's machinery, not a line of the program.  It now refines each
# decisive preemption in turn (at most 12), counting every thread's events
# between the switch and the return, and reports the pair with most of
# its events in the program's own files; and it says what the program's
# own lines did across the decisive switch in the failing run: which line
# the preempted thread stopped at, which lines the others ran meanwhile.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: bisect_python_own.sh DEJA PY_SHOP_RACE_PY"
deja=$(abspath "$1") python=/usr/bin/python3 script=$(abspath "$2")
require_file "$deja" "$python" "$script"
cd "$tmp"
cp "$script" py_shop_race.py

rc=0
timeout 120 "$deja" hunt -q --seed 4 --runs 100 --python-lines -o h.deja -- \
	"$python" py_shop_race.py >/dev/null 2>herr || rc=$?
[ $rc -eq 1 ] || { dump herr; fail "hunt did not find the shop race (exit $rc)"; }
rc=0
timeout 120 "$deja" bisect -q h.deja >out 2>err || rc=$?
[ $rc -eq 0 ] || { dump out err; fail "bisect exited $rc"; }
note "$(cat out)"
pair=$(grep 'makes it fail' out) || { dump out; fail "bisect named no pair"; }
# One side of the pair at least is a line of the program's buy().
echo "$pair" | grep -q '\[py_shop_race.py:1[0-4] in buy\]' ||
	{ dump out; fail "the pair names no line of the program"; }
# What the program's lines did across the switch, in the failing run.
grep -q '^  in h.deja, while thread [0-9]* was stopped at py_shop_race.py:1[0-3] in buy, .*thread [0-9]* ran py_shop_race.py:10-1[34] in buy' out ||
	{ dump out; fail "bisect does not say which of the program's lines ran across the switch"; }
! grep -q 'sitecustomize.py' out || { dump out; fail "deja's own hook is named as the program's code"; }
# The finding stored is the pair printed.
sqlite3 h.deja 'SELECT summary FROM findings' | grep -q 'py_shop_race.py:1[0-4] in buy' ||
	fail "the stored finding is not the reported pair"
