#!/usr/bin/env bash
# child_preemptions.sh DEJA THREADED_PROG
#
# A strategy preempts threads in forked children too, but deja reported
# only the top process's preemptions: `deja: recorded 76 events, 0
# preemptions` for a shell whose child had 6, and `deja show` listed the
# child's '*' events under a heading without a count.  Now the record
# report and show's summary give the children's preemptions, each child's
# heading its own, and show --json each child's `preemptions`, agreeing
# with the '*' marks.
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
note "a child's preemptions are counted in the report, its heading and the JSON (seed $found)"
