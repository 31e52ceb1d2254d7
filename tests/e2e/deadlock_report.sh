#!/usr/bin/env bash
# deadlock_report.sh DEJA LOCK_ORDER_PROG
#
# Find a deadlocking seed of corpora/lock_order.  `deja record` must end the
# run quickly (no hang) and, like `deja show`, print the wait-for graph: both
# transfer threads waiting in mutex_lock, "held by", a cycle line and source
# locations (lock_order.c:NN).  `deja show --json` must say outcome.kind =
# deadlock with two or more entries in waits.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: deadlock_report.sh DEJA LOCK_ORDER_PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

trace=$tmp/lock_order.deja
found=
for seed in $(seq 0 199); do
	rc=0
	start=$(date +%s.%N)
	timeout 30 "$deja" record -s random --seed "$seed" -o "$trace" -- "$prog" \
		>"$tmp/out" 2>"$tmp/err" || rc=$?
	end=$(date +%s.%N)
	case $rc in
	0) ;;
	1) found=$seed; break ;;
	124) fail "deja record of lock_order, seed $seed, hung: killed after 30 s" ;;
	*) dump "$tmp/err"; fail "deja record of lock_order, seed $seed: unexpected exit $rc" ;;
	esac
done
[ -n "$found" ] || fail "no failing run of lock_order among random seeds 0..199"
elapsed=$(python3 -c "print(round($end - $start, 2))")
note "seed $found deadlocks; record took ${elapsed}s"
python3 -c "import sys; sys.exit(0 if $end - $start < 10 else 1)" ||
	fail "deadlock detection too slow: record took ${elapsed}s (limit 10 s)"

# The wait-for graph, as printed by record (stderr) and by show (stdout).
check_graph() { # WHAT FILE
	local what=$1 f=$2 t
	grep -q 'deadlock' "$f" || { dump "$f"; fail "$what: does not say 'deadlock'"; }
	grep -q 'wait-for graph' "$f" || { dump "$f"; fail "$what: no 'wait-for graph'"; }
	for t in "${threads[@]}"; do
		grep -Eq "thread $t waits in mutex_lock" "$f" ||
			{ dump "$f"; fail "$what: thread $t is not shown waiting in mutex_lock"; }
	done
	grep -q 'held by' "$f" || { dump "$f"; fail "$what: no 'held by'"; }
	grep -Eq '^ *cycle: ' "$f" || { dump "$f"; fail "$what: no 'cycle:' line"; }
	grep -Eq 'lock_order\.c:[0-9]+' "$f" ||
		{ dump "$f"; fail "$what: no source location lock_order.c:NN"; }
	# The cycle names both deadlocked threads.
	local cyc
	cyc=$(grep -E '^ *cycle: ' "$f")
	for t in "${threads[@]}"; do
		grep -q "thread $t\b" <<<"$cyc" ||
			{ dump "$f"; fail "$what: cycle line does not name thread $t: $cyc"; }
	done
}

# The two deadlocked threads according to the JSON view.
"$deja" show --json "$trace" >"$tmp/show.json" || fail "deja show --json exited $?"
kind=$(json "$tmp/show.json" 'j["outcome"]["kind"]')
[ "$kind" = deadlock ] || fail "show --json: outcome.kind is '$kind', expected deadlock"
nwaits=$(json "$tmp/show.json" 'len(j["waits"])')
[ "$nwaits" -ge 2 ] || fail "show --json: $nwaits entries in waits, expected 2 or more"
json "$tmp/show.json" 'all(k in w for w in j["waits"] for k in ("thread","op","object","object_kind","holder","location"))' |
	grep -qx true || fail "show --json: a waits entry lacks thread/op/object/object_kind/holder/location"
mapfile -t threads < <(json "$tmp/show.json" '"\n".join(str(w["thread"]) for w in j["waits"] if w["op"] == "mutex_lock")')
[ ${#threads[@]} -eq 2 ] ||
	fail "show --json: expected 2 threads waiting in mutex_lock, got ${#threads[@]} (${threads[*]:-none})"
json "$tmp/show.json" '"ok" if all(w["object_kind"] == "mutex" and w["holder"] is not None and ("lock_order.c:" in w["location"]) for w in j["waits"] if w["op"] == "mutex_lock") else "bad"' |
	grep -qx ok || fail "show --json: mutex_lock waits lack object_kind=mutex, a holder or a lock_order.c location"
# Each of the two waits for a mutex held by the other.
json "$tmp/show.json" '{(w["thread"], w["holder"]) for w in j["waits"] if w["op"] == "mutex_lock"} == {('"${threads[0]},${threads[1]}"'), ('"${threads[1]},${threads[0]}"')}' |
	grep -qx true || fail "show --json: the two mutex waiters do not each hold the other's mutex"

check_graph "deja record stderr" "$tmp/err"
"$deja" show "$trace" >"$tmp/show.txt" 2>"$tmp/show.err" || fail "deja show exited $?"
check_graph "deja show" "$tmp/show.txt"
note "wait-for graph reported by record, show and show --json (threads ${threads[*]})"
