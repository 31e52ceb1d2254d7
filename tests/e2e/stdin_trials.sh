#!/usr/bin/env bash
# stdin_trials.sh DEJA INPUT_RACE
#
# `deja shrink` and `deja bisect` of a program that reads its stdin
# (programs/input_race.c fed withdrawals that overdraw an account), hunted
# with that input on stdin and given it again.  Every trial of a shrink
# or a bisect is a new run of the program; they all inherited deja's one
# stdin, so the first read it all and every later one found it at its
# end and passed: bisect ended with "the decisive switch does not decide
# when run again (the program is not deterministic under deja?)", and a
# shrink fed from a pipe kept every preemption, each "needed" ("22 -> 22,
# 1-minimal").  Now each trial reads a copy of the stdin from its start,
# as a hunt's runs do.  Given no stdin at all, both say the recorded run
# had one.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: stdin_trials.sh DEJA INPUT_RACE"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

for i in 1 2 3 4 5 6; do printf 'deposit a%d 10\naudit\n' $i; done >input
printf 'withdraw a1 80\nwithdraw a1 80\n' >>input
rc=0
timeout 120 "$deja" hunt -q -s random:50 --seed 1 --runs 300 -o h.deja -- "$prog" <input >/dev/null 2>err || rc=$?
[ $rc -eq 1 ] || { dump err; fail "hunt did not find the overdraft (exit $rc)"; }
pre=$("$deja" show --json h.deja | python3 -c 'import json,sys; print(json.load(sys.stdin)["preemptions"])')
[ "$pre" -ge 2 ] || fail "the hunted run has $pre preemptions: nothing for shrink to cut"

# Shrink with the input piped in: every candidate reads all of it.
rc=0
cat input | timeout 120 "$deja" shrink -q -o s.deja h.deja >out 2>err || rc=$?
[ $rc -eq 0 ] || { dump out err; fail "shrink with the input piped in exited $rc"; }
grep -Eq "^shrunk: preemptions $pre -> 1," out ||
	{ dump out err; fail "shrink with the input piped in did not cut $pre preemptions to 1"; }
rc=0
timeout 120 "$deja" shrink -q -o s2.deja h.deja </dev/null >out 2>err || rc=$?
[ $rc -eq 1 ] || { dump out err; fail "shrink without the input exited $rc, expected 1"; }
grep -q "the recorded run's stdin was a file or a pipe, and this one's is not" err ||
	{ dump err; fail "shrink without the input does not say the run had one"; }

rc=0
timeout 120 "$deja" bisect h.deja <input >out 2>err || rc=$?
[ $rc -eq 0 ] || { dump out err; fail "bisect with the input on stdin exited $rc"; }
grep -Eq '^thread [0-9]+ .*input_race\.c:[0-9]+ .* before thread [0-9]+ .*input_race\.c:[0-9]+ .* makes it fail' out ||
	{ dump out err; fail "bisect named no pair in input_race.c"; }
[ -z "$(find . -name '*.stdin')" ] || fail "bisect left its copy of stdin behind"
note "bisect on stdin: $(cat out)"

# A pipe too.
rc=0
timeout 120 "$deja" bisect h.deja < <(cat input) >out 2>err || rc=$?
[ $rc -eq 0 ] || { dump out err; fail "bisect with the input piped in exited $rc"; }

rc=0
timeout 120 "$deja" bisect h.deja </dev/null >out 2>err || rc=$?
[ $rc -eq 1 ] || { dump out err; fail "bisect without the input exited $rc, expected 1"; }
grep -q "the recorded run's stdin was a file or a pipe, and this one's is not" err ||
	{ dump err; fail "bisect without the input does not say the run had one"; }
