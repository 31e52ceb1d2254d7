#!/usr/bin/env bash
# ipb.sh DEJA ATOMICITY TORN_REQUEST ABA_REQUEST
#
# deja hunt -s ipb:K, iterative preemption bounding: with a bound below a
# bug's minimum preemption count the search runs every schedule, finds
# nothing, says so and exits 0; with the bound reached it finds the bug,
# on the same run every time, and its trace replays.  The corpus bugs
# need 1 (atomicity), 2 (torn_request) and 3 (aba_request) preemptions.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 4 ] || fail "usage: ipb.sh DEJA ATOMICITY TORN_REQUEST ABA_REQUEST"
deja=$(abspath "$1")
require_file "$deja" "$2" "$3" "$4"
progs=("$(abspath "$2")" "$(abspath "$3")" "$(abspath "$4")")
cd "$tmp"

# hunt_ipb PROG K: runs the hunt; sets rc, and leaves h.json and err.
hunt_ipb() {
	rc=0
	timeout 240 "$deja" hunt --json -s "ipb:$2" --runs 20000 -o found.deja -- "$1" >h.json 2>err || rc=$?
}

for need in 1 2 3; do
	prog=${progs[need - 1]}
	name=$(basename "$prog")
	below=$((need - 1))
	hunt_ipb "$prog" $below
	[ $rc -eq 0 ] || { dump h.json err; fail "$name: ipb:$below exited $rc, expected 0 (no failure)"; }
	[ "$(json h.json 'j["exhausted"]')" = true ] && [ "$(json h.json 'j["complete"]')" = true ] \
		|| { dump h.json; fail "$name: ipb:$below did not exhaust its schedules"; }
	space=$(json h.json 'j["runs"]')
	[ "$space" -ge 1 ] && [ "$(json h.json 'j["distinct_schedules"]')" = "$space" ] \
		|| { dump h.json; fail "$name: ipb:$below ran a schedule twice"; }
	"$deja" hunt -q -s "ipb:$below" -o found.deja -- "$prog" 2>err || { dump err; fail "$name: ipb:$below without --json failed"; }
	grep -q "explored all $space schedules with at most $below preemptions; no failure" err \
		|| { dump err; fail "$name: ipb:$below did not say the space was exhausted"; }
	[ ! -e found.deja ] || fail "$name: ipb:$below found nothing but left a trace"

	hunt_ipb "$prog" $need
	[ $rc -eq 1 ] || { dump h.json err; fail "$name: ipb:$need exited $rc, expected 1 (found)"; }
	index=$(json h.json 'j["failing_run"]["index"]')
	[ "$index" -gt "$space" ] || { dump h.json; fail "$name: ipb:$need failed in run $index, within the $space schedules ipb:$below ran"; }
	[ "$(json h.json 'j["failing_run"]["strategy"]')" = "ipb:$need" ] || { dump h.json; fail "$name: strategy not reported"; }
	timeout 60 "$deja" replay -q found.deja >/dev/null 2>err || { dump err; fail "$name: the trace ipb:$need kept does not replay"; }
	rm -f found.deja
	hunt_ipb "$prog" $need
	[ "$(json h.json 'j["failing_run"]["index"]')" = "$index" ] || { dump h.json; fail "$name: ipb:$need found it in run $index, then in another run"; }
	rm -f found.deja
	note "$name: ipb:$below runs all $space schedules without failure; ipb:$need fails in run $index, every time"
done

rc=0
"$deja" hunt -s ipb:2 -j 2 -- "${progs[0]}" >/dev/null 2>err || rc=$?
[ $rc -eq 2 ] || fail "ipb with -j 2 exited $rc, expected 2 (usage)"
rc=0
"$deja" hunt -s ipb:99 -- "${progs[0]}" >/dev/null 2>err || rc=$?
[ $rc -eq 2 ] || fail "ipb:99 exited $rc, expected 2 (usage)"
note "ipb with -j 2 and ipb:99 are usage errors"
