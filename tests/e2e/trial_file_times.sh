#!/usr/bin/env bash
# trial_file_times.sh DEJA PY_STAMPED_RACE
#
# A trial of deja bisect or shrink runs on its recording's clocks, so
# that it differs from it in its schedule alone.  But a file stamped
# after the recording began moved a trial's virtual clock up to the
# file's time, as if the trial had lived through the time since: the
# trial's stdout, which CPython stats as it starts, a trace written into
# the directory a Python import lists.  So each trial's clock read the
# time it ran at, minutes past the recording's, the same schedule failed
# in one trial and passed in the next, and `deja bisect` of a shrunk
# trace said "run again as a script, passes; nothing to explain".  Only
# a file stamped while the trial runs moves its clock now, by the time
# the trial has run.  Here a race checked only within 5 s of a file made
# just before it is hunted (programs/py_stamped_race.py), and bisected
# and shrunk 6 s later: a trial whose clock read its real time passed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: trial_file_times.sh DEJA PY_STAMPED_RACE"
deja=$(abspath "$1") python=/usr/bin/python3 script=$(abspath "$2")
require_file "$deja" "$python" "$script"
cd "$tmp"

touch mark
rc=0
timeout 240 "$deja" hunt -q --seed 1 --runs 300 --no-python-lines -o h.deja -- \
	"$python" "$script" "$tmp/mark" >/dev/null 2>herr || rc=$?
[ $rc -eq 1 ] || { dump herr; fail "hunt did not find the race (exit $rc)"; }
[ "$(outcome_of "$deja" h.deja)" = "exit 1" ] || fail "the kept run did not exit 1"
sleep 6

rc=0
timeout 120 "$deja" bisect h.deja >out 2>err || rc=$?
[ $rc -eq 0 ] || { dump out err; fail "bisect exited $rc"; }
grep -q 'makes it fail' out || { dump out err; fail "bisect named no pair"; }
note "bisect: $(cat out)"

rc=0
timeout 240 "$deja" shrink h.deja -o s.deja >out 2>err || rc=$?
[ $rc -eq 0 ] || { dump out err; fail "shrink exited $rc"; }
grep -q 'fails the same way: exit 1' out || { dump out err; fail "shrink's result does not fail as recorded"; }
rc=0
timeout 60 "$deja" replay -q s.deja >/dev/null 2>err || rc=$?
[ $rc -eq 0 ] || { dump err; fail "the shrunk trace's replay exited $rc"; }
note "shrink: $(head -1 out)"
