#!/usr/bin/env bash
# ipb_ticks.sh DEJA CC PROGRAMS_DIR
#
# ipb branches at the events' choices, never at a tick, so for a program
# built with `deja cflags` it cannot say it ran every schedule within its
# bound.  It said so all the same: `deja hunt -s ipb:1` of a lost update
# that one preemption at a tick shows (programs/tick_counter.c, which the
# portfolio finds in a few runs) printed "explored all 8 schedules with
# at most 1 preemptions; no failure" and `"complete":true`, a proof of
# absence that was false (the corpus's four tick bugs were listed as
# "none" under ipb in docs/bug-finding.md).  Now the hunt says what it
# did not try and `complete` is false; built without the flags the
# program has no ticks, and the search is complete again.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 3 ] || fail "usage: ipb_ticks.sh DEJA CC PROGRAMS_DIR"
deja=$(abspath "$1") cc=$2 programs=$(abspath "$3")
require_file "$deja" "$programs/tick_counter.c"
cd "$tmp"

# shellcheck disable=SC2046 # deja cflags prints several flags
"$cc" $("$deja" cflags) -O1 -g -pthread "$programs/tick_counter.c" -o ticked ||
	fail "building with deja cflags failed"
"$cc" -O1 -g -pthread "$programs/tick_counter.c" -o plain || fail "building failed"

# The bug is there, one preemption deep, for the strategies that use ticks.
rc=0
timeout 120 "$deja" hunt -q --seed 1 --runs 200 -o found.deja -- ./ticked >/dev/null 2>err || rc=$?
[ $rc -eq 1 ] || { dump err; fail "the portfolio did not find the tick bug (exit $rc)"; }

rc=0
timeout 120 "$deja" hunt --json -s ipb:1 -o none.deja -- ./ticked >h.json 2>err || rc=$?
[ $rc -eq 0 ] || { dump h.json err; fail "ipb:1 exited $rc, expected 0 (it cannot find this bug)"; }
[ "$(json h.json 'j["complete"]')" = false ] ||
	{ dump h.json; fail "ipb:1 claims a complete search of a program with ticks"; }
rc=0
timeout 120 "$deja" hunt -s ipb:1 -o none.deja -- ./ticked >out 2>err || rc=$?
! grep -q 'explored all' err || { dump err; fail "ipb:1 says it explored all schedules"; }
grep -q 'that is not every schedule: the runs passed up to [0-9]* ticks' err ||
	{ dump err; fail "ipb:1 does not say the ticks were not tried"; }

# Without ticks, ipb's space is the whole space, as before.
rc=0
timeout 120 "$deja" hunt --json -s ipb:1 -o none.deja -- ./plain >h.json 2>err || rc=$?
[ $rc -eq 0 ] && [ "$(json h.json 'j["exhausted"]')" = true ] &&
	[ "$(json h.json 'j["complete"]')" = true ] ||
	{ dump h.json err; fail "ipb:1 of the program without ticks is not complete (exit $rc)"; }
note "ipb of a tick program: $(head -c 120 err)"
