#!/usr/bin/env bash
# bisect_python_hint.sh DEJA FILE_RACE_PY
#
# A CPython run recorded without Python lines (a hunt's first fifth, or
# --no-python-lines) has no program locations: `deja bisect` of such a
# file race (programs/file_race.py) printed "thread 0 mutex_lock(mutex#5)
# before thread 1 syscall newfstatat() makes it fail" and nothing else, a
# pair of the interpreter's own code at bare addresses.  It now says on
# stderr that the run has no Python lines and how to get them; the same
# race hunted with --python-lines is bisected to the program's lines, with
# no such note.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: bisect_python_hint.sh DEJA FILE_RACE_PY"
deja=$(abspath "$1") python=/usr/bin/python3 script=$(abspath "$2")
require_file "$deja" "$python" "$script"
cd "$tmp"

# hunt_and_bisect MODE: hunt with MODE (--no-python-lines or
# --python-lines), then bisect the kept run; leaves out and err.
hunt_and_bisect() {
	rc=0
	timeout 240 "$deja" hunt -q --seed 1 --runs 300 "$1" -o "h$1.deja" -- "$python" "$script" \
		>/dev/null 2>herr || rc=$?
	[ $rc -eq 1 ] || { dump herr; fail "hunt $1 did not find the file race (exit $rc)"; }
	rc=0
	timeout 120 "$deja" bisect "h$1.deja" >out 2>err || rc=$?
	[ $rc -eq 0 ] || { dump out err; fail "bisect of the $1 run exited $rc"; }
	grep -q 'makes it fail' out || { dump out; fail "bisect of the $1 run named no pair"; }
}

hunt_and_bisect --no-python-lines
grep -q 'the run has no Python lines (it was recorded without --python-lines)' err ||
	{ dump out err; fail "bisect of a run without Python lines does not say so"; }
note "without lines: $(cat out)"

hunt_and_bisect --python-lines
grep -q '\[[^]]*:[0-9]* in [^]]*\]' out || { dump out; fail "bisect names no Python line"; }
! grep -q 'no Python lines' err || { dump err; fail "bisect of a run with Python lines says it has none"; }
note "with lines: $(cat out)"
