#!/usr/bin/env bash
# corpus.sh DEJA PROG EXPECT_FILE
#
# A seeded random walk must find PROG's bug within seeds 0..199; the failing
# run's outcome must match EXPECT_FILE ("signal 6", "exit 1" or "deadlock");
# the failing trace must replay identically 100 times in a row.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 3 ] || fail "usage: corpus.sh DEJA PROG EXPECT_FILE"
deja=$(abspath "$1") prog=$(abspath "$2") expect_file=$(abspath "$3")
require_file "$deja" "$prog" "$expect_file"
expect=$(head -n1 "$expect_file" | tr -s ' ' | sed 's/^ *//; s/ *$//')
name=$(basename "$prog")
cd "$tmp"

trace=$tmp/$name.deja
found=
for seed in $(seq 0 199); do
	rc=0
	timeout 60 "$deja" record -q -s random --seed "$seed" -o "$trace" -- "$prog" \
		>"$tmp/out" 2>"$tmp/err" || rc=$?
	case $rc in
	0) ;;
	1) found=$seed; break ;;
	124) fail "deja record hung (>60 s) on $name, seed $seed" ;;
	*) dump "$tmp/err"; fail "deja record of $name, seed $seed: unexpected exit $rc" ;;
	esac
done
[ -n "$found" ] || fail "no failing run of $name among random seeds 0..199"
note "seed $found fails"

got=$(outcome_of "$deja" "$trace")
if [ "$got" != "$expect" ]; then
	"$deja" show "$trace" >&2 || true
	fail "$name seed $found: outcome '$got', expected '$expect' (from $expect_file)"
fi
note "outcome: $got"

for i in $(seq 1 100); do
	rc=0
	timeout 60 "$deja" replay -q "$trace" >"$tmp/rout" 2>"$tmp/rerr" || rc=$?
	if [ $rc -ne 0 ]; then
		dump "$tmp/rerr"
		fail "replay $i/100 of $name seed $found exited $rc (expected 0: identical)"
	fi
done
note "100 replays identical"
