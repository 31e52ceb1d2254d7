#!/usr/bin/env bash
# seeds.sh DEJA PROG
#
# Record PROG under 20 random seeds (0..19; if those runs are all passing or
# all failing, further seeds up to 199 until both kinds are covered) and
# replay every trace once: each replay must be identical (exit 0).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: seeds.sh DEJA PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
name=$(basename "$prog")
cd "$tmp"

passed=0 failed=0 runs=0
for seed in $(seq 0 199); do
	if [ $runs -ge 20 ] && [ $passed -gt 0 ] && [ $failed -gt 0 ]; then
		break
	fi
	# Past the first 20 seeds, only a run of the missing kind is kept.
	trace=$tmp/$name-$seed.deja
	rc=0
	timeout 60 "$deja" record -q -s random --seed "$seed" -o "$trace" -- "$prog" \
		>"$tmp/out" 2>"$tmp/err" || rc=$?
	case $rc in
	0) [ $runs -lt 20 ] || [ $passed -eq 0 ] || continue; passed=$((passed + 1)) ;;
	1) [ $runs -lt 20 ] || [ $failed -eq 0 ] || continue; failed=$((failed + 1)) ;;
	124) fail "deja record hung (>60 s): $name, seed $seed" ;;
	*) dump "$tmp/err"; fail "deja record of $name, seed $seed: unexpected exit $rc" ;;
	esac
	runs=$((runs + 1))
	rec_rc=$rc

	rc=0
	timeout 60 "$deja" replay -q "$trace" >"$tmp/rout" 2>"$tmp/rerr" || rc=$?
	if [ $rc -ne 0 ]; then
		dump "$tmp/rerr"
		fail "replay of $name seed $seed (record exited $rec_rc) exited $rc, expected 0 (identical)"
	fi
done
note "$name: $runs recordings ($passed passing, $failed failing), all replayed identically"
[ $passed -gt 0 ] || fail "$name: no passing run among random seeds 0..199"
[ $failed -gt 0 ] || fail "$name: no failing run among random seeds 0..199"
