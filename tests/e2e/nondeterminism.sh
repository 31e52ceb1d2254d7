#!/usr/bin/env bash
# nondeterminism.sh DEJA NONDETERMINISM_PROG
#
# Clocks, randomness, rdtsc, pids and tids, the thread interleaving and a
# line of stdin
# differ from one native run to the next; under deja a recording's replays
# print exactly the recorded bytes, 100 times out of 100, with no stdin at
# all, and a 3 s sleep takes no real time.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: nondeterminism.sh DEJA NONDETERMINISM_PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

echo "first line $RANDOM" | "$prog" >native1 && echo "second line" | "$prog" >native2 \
	|| fail "the program fails natively"
cmp -s native1 native2 && fail "two native runs printed the same bytes: the test proves nothing"
note "native runs differ"

for seed in 1 2 3; do
	start=$(date +%s)
	echo "typed for seed $seed" | timeout 60 "$deja" record -q -s random --seed $seed -o t$seed.deja -- "$prog" >rec$seed 2>err \
		|| { dump err; fail "record seed $seed failed"; }
	grep -q "^stdin typed for seed $seed" rec$seed || { dump rec$seed; fail "seed $seed: the program did not read its stdin"; }
	[ $(( $(date +%s) - start )) -lt 3 ] || fail "seed $seed: the 3 s sleep was not virtual"
	grep -q "^slept 3.0" rec$seed || { dump rec$seed; fail "seed $seed: virtual sleep did not last 3 s of virtual time"; }
	grep -q "signalled 1$" rec$seed || { dump rec$seed; fail "seed $seed: the signal to its own pid did not arrive"; }
	replays=10
	[ $seed -eq 1 ] && replays=100
	replays_match "$deja" t$seed.deja rec$seed $replays
	note "seed $seed: $replays replays print the recorded bytes"
done
cmp -s rec1 rec2 && fail "two recordings printed the same bytes: randomness is not drawn anew per recording"
for s in 1 2 3; do grep "^order" rec$s; done | sort -u | wc -l | grep -qv '^1$' \
	|| note "(all three seeds happened to give the same interleaving)"
