#!/usr/bin/env bash
# child_preemptions.sh DEJA THREADED_PROG
#
# A strategy preempts threads in forked children too, but deja reported
# only the top process's preemptions: `deja: recorded 76 events, 0
# preemptions` for a shell whose child had 6, and `deja show` listed the
# child's '*' events under a heading without a count.  Now the record
# report and show's summary give the children's preemptions, each child's
# heading its own, and show --json each child's `preemptions`, agreeing
# with the '*' marks.  deja shrink of a failure whose preemptions were
# all in the child shrinks the child's schedule; a run that does not fail
# again is named with the outcome expected ("exit 99, got exit 134"), not
# only its kind.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: child_preemptions.sh DEJA THREADED_PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

found=
for seed in 1 2 3 4 5 6 7 8; do
	"$deja" record -s random --seed $seed -o t.deja -- bash -c "\"$prog\"; true" >/dev/null 2>err || true
	"$deja" show t.deja >show.txt
	marks=$(sed -n '/^process 1 /,/^process 2 \|^[a-z]/p' show.txt | grep -c ' \* ' || true)
	[ "$marks" -gt 0 ] || continue
	found=$seed
	grep -q "^process 1 (.*, $marks preemptions\$" show.txt ||
		{ dump show.txt; fail "seed $seed: process 1's heading does not count its $marks preemptions"; }
	grep -q "child processes followed: 1, with $marks preemptions among them" err ||
		{ dump err; fail "seed $seed: the record report does not count the child's $marks preemptions"; }
	"$deja" show --json t.deja >show.json
	[ "$(json show.json '[p for p in j["processes"] if p["id"] == 1][0]["preemptions"]')" = "$marks" ] ||
		fail "seed $seed: show --json gives process 1 another count than $marks"
	break
done
[ -n "$found" ] || fail "no seed from 1 to 8 preempted the child's threads"

rc=0
"$deja" hunt -q --runs 200 -o fail.deja -- bash -c "\"$prog\"; exit \$?" >/dev/null 2>&1 || rc=$?
[ $rc -eq 1 ] || fail "deja hunt did not find the child's bug (exit $rc)"
rc=0
"$deja" shrink fail.deja -o small.deja >out 2>err || rc=$?
[ $rc -eq 0 ] || { dump out err; fail "deja shrink of a child's failure exited $rc, expected 0"; }
grep -q "^shrunk: process 1: preemptions [1-9][0-9]* -> [1-9]" out ||
	{ dump out; fail "deja shrink did not shrink the child's schedule"; }
note "a child's preemptions are counted in the report, its heading and the JSON (seed $found); shrink works on the child's"

# A recorded failure that does not come again: shrink names the outcome it
# expected.  (The same trace with its recorded exit code changed.)
cp fail.deja other.deja
sqlite3 other.deja "UPDATE run SET exit_code = 99"
rc=0
"$deja" shrink other.deja -o x.deja >/dev/null 2>err || rc=$?
[ $rc -eq 1 ] || { dump err; fail "deja shrink of a run that does not fail again exited $rc, expected 1"; }
grep -q "not fail as recorded (exit 99, got exit [0-9]*)" err ||
	{ dump err; fail "deja shrink does not name the recorded exit status"; }
note "shrink names the recorded outcome a run did not repeat"
