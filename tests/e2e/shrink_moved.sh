#!/usr/bin/env bash
# shrink_moved.sh DEJA PY_BALANCE_RACE_SCRIPT
#
# A failing Python run found by `deja hunt`, kept next to the script (so
# that the script's directory, which CPython lists when it imports, has
# changed by then, and changes again), still shrinks and bisects: script
# positions count only the events a thread makes while another thread is
# live, so the main thread's startup, which grows with the directory
# listing, moves no switch.  The shrunk run keeps 1 preemption, fails the
# same way and replays identically; bisect names a passing neighbour.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: shrink_moved.sh DEJA PY_BALANCE_RACE_SCRIPT"
deja=$(abspath "$1") script=$(abspath "$2")
require_file "$deja" "$script" /usr/bin/python3
cd "$tmp"
cp "$script" race.py

rc=0
timeout 250 "$deja" hunt -q --seed 1 -o race-hunt.deja -- /usr/bin/python3 race.py >/dev/null 2>err ||
	rc=$?
[ $rc -eq 1 ] || { dump err; fail "hunt exited $rc, expected 1 (found)"; }
# The directory the script lies in changes, as it does between a hunt
# and a shrink (traces, editors' files, notes).
for i in $(seq 1 24); do : >"notes-$i.txt"; done
rc=0
timeout 250 "$deja" shrink -q -o small.deja race-hunt.deja >out 2>err || rc=$?
[ $rc -eq 0 ] || { dump out err; fail "shrink exited $rc"; }
grep -q '^shrunk: preemptions [0-9]* -> 1, .*1-minimal' out ||
	{ dump out err; fail "the shrunk run does not have 1 preemption, 1-minimal"; }
[ "$(outcome_of "$deja" small.deja)" = "exit 1" ] || fail "the shrunk run does not fail with exit 1"
timeout 60 "$deja" replay -q small.deja >rec 2>&1 </dev/null || true
grep -q '^AssertionError' rec || { dump rec; fail "the shrunk run's replay does not fail the assertion"; }
timeout 60 "$deja" replay -q small.deja >/dev/null 2>err </dev/null ||
	{ dump err; fail "the shrunk run does not replay identically"; }
rc=0
timeout 250 "$deja" bisect small.deja >out 2>err || rc=$?
[ $rc -eq 0 ] || { dump out err; fail "bisect exited $rc"; }
grep -q 'makes it fail; the other order passes' out || { dump out err; fail "bisect named no pair"; }
note "a Python race hunted beside its script shrinks to 1 preemption and bisects after the directory changed"
