#!/usr/bin/env bash
# signals.sh DEJA SIGNALS_PROG
#
# Asynchronous signals run their handlers at scheduling points and are
# recorded there: `deja show` lists them, and every replay runs them at the
# same points, printing the recorded bytes, without waiting for the real
# alarm again.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: signals.sh DEJA SIGNALS_PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

for seed in none 1 2 3; do
	strategy=(-s random --seed "$seed")
	[ "$seed" = none ] && strategy=()
	rc=0
	timeout 30 "$deja" record -q "${strategy[@]}" -o s.deja -- "$prog" >rec 2>err || rc=$?
	[ $rc -eq 0 ] || { dump rec err; fail "seed $seed: record exited $rc"; }
	grep -q "hits=3 shared=53 alarmed=1" rec || { dump rec; fail "seed $seed: the handlers did not all run"; }
	"$deja" show s.deja >show.txt
	[ "$(grep -c 'signal(SIGUSR1) handled' show.txt)" -eq 3 ] || { dump show.txt; fail "seed $seed: three SIGUSR1 events expected"; }
	grep -q 'signal(SIGALRM) handled' show.txt || { dump show.txt; fail "seed $seed: no SIGALRM event"; }
	for i in 1 2 3; do
		start=$(date +%s%N)
		timeout 30 "$deja" replay -q s.deja >rep 2>err || { dump err; fail "seed $seed: replay $i failed"; }
		[ $(( ($(date +%s%N) - start) / 1000000 )) -lt 900 ] || fail "seed $seed: replay $i waited for the real alarm"
		cmp -s rec rep || { diff rec rep >&2 || true; fail "seed $seed: replay $i printed other bytes"; }
	done
done
note "signals handled at scheduling points, recorded, replayed (4 schedules x 3 replays)"
