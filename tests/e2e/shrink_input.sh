#!/usr/bin/env bash
# shrink_input.sh DEJA INPUT_RACE: a 24-line transaction file, of which two
# withdrawals from one account together cause input_race's overdraft race,
# shrinks with `deja shrink --input` to those two lines (the file beside
# OUT), and OUT still fails the same way, replays, and reads that file;
# `deja show --json` reports its lines and bytes.  The same through stdin
# with a shorter file.  A missing input file is refused with exit 2.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
deja=$1
prog=$2
cd "$tmp"

# make_input N I J: N lines on distinct accounts, harmless alone; lines I
# and J (1-based) withdraw 70 and 60 from account a1, which holds 100.
make_input() {
	python3 - "$@" <<'PY'
import random, sys
n, i, j = map(int, sys.argv[1:])
r = random.Random(n)
for k in range(1, n + 1):
    if k == i:
        print("withdraw a1 70")
    elif k == j:
        print("withdraw a1 60")
    else:
        print(r.choice(["deposit a%d %d" % (k + 1, r.randint(1, 50)),
                        "withdraw a%d %d" % (k + 1, r.randint(1, 60)),
                        "audit", "# note %d" % k]))
PY
}

check_shrunk() { # TRACE INPUT_FILE
	[ -f "$2" ] || fail "no shrunk input beside $1"
	grep -qx 'withdraw a1 70' "$2" && grep -q '^withdraw a1 60' "$2" ||
		{ dump "$2"; fail "the shrunk input is not the two racing lines"; }
	[ "$(grep -c . "$2")" = 2 ] || { dump "$2"; fail "the shrunk input has other lines"; }
	[ "$(outcome_of "$deja" "$1")" = "signal 6" ] || fail "$1 does not fail with SIGABRT"
	"$deja" replay -q "$1" >/dev/null 2>&1 </dev/null || fail "$1 does not replay"
	"$deja" show --json "$1" >j.json
	[ "$(json j.json 'sum(i["bytes"] for i in j["inputs"])')" = "$(wc -c <"$2")" ] ||
		fail "show --json does not report the shrunk input's bytes"
	[ "$(json j.json 'sum(i["lines"] for i in j["inputs"])')" = "$(tr -cd '\n' <"$2" | wc -c)" ] ||
		fail "show --json does not report the shrunk input's lines"
}

make_input 24 6 19 >bank.txt
rc=0
"$deja" hunt -q --seed 1 -o bank.deja -- "$prog" bank.txt >/dev/null 2>&1 || rc=$?
[ $rc = 1 ] || fail "hunt on the 24-line input exited $rc"
rc=0
"$deja" shrink --input bank.txt --hunt-runs 40 bank.deja -o small.deja >out 2>err || rc=$?
[ $rc = 0 ] || { dump out err; fail "shrink --input exited $rc"; }
grep -q 'lines 24 -> 2' out || { dump out; fail "no lines before/after"; }
# The race needs one preemption (a teller checked, the other ran both of
# its sections): the schedule of the shrunk input is shrunk too.
[ "$(sqlite3 small.deja 'SELECT preemptions FROM run')" = 1 ] ||
	{ dump out; fail "the shrunk input's schedule was not shrunk to 1 preemption"; }
check_shrunk small.deja small.input
[ "$(json j.json 'j["run"]["argv"][1]')" = "$tmp/small.input" ] || fail "OUT's run does not read the file beside it"
note "24 lines -> $(tr '\n' '|' <small.input)"

make_input 8 2 7 >short.txt
found=
for seed in $(seq 1 300); do
	rc=0
	"$deja" record -q -s random --seed "$seed" -o in.deja -- "$prog" <short.txt >/dev/null 2>&1 || rc=$?
	if [ $rc = 1 ]; then found=$seed; break; fi
done
[ -n "$found" ] || fail "no seed under 300 made the stdin run fail"
rc=0
"$deja" shrink --input short.txt --hunt-runs 40 in.deja -o sin.deja >out 2>err || rc=$?
[ $rc = 0 ] || { dump out err; fail "shrink --input over stdin exited $rc"; }
grep -q 'stdin' err || { dump err; fail "not told the input goes to stdin"; }
check_shrunk sin.deja sin.input
note "stdin: 8 lines -> $(tr '\n' '|' <sin.input)"

rc=0
"$deja" shrink --input nope.txt bank.deja -o x.deja 2>err || rc=$?
[ $rc = 2 ] || fail "a missing input gave exit $rc, not 2"
grep -q 'nope.txt' err || fail "the error does not name the input"
note "a missing input is refused with exit 2"
