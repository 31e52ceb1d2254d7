#!/usr/bin/env bash
# signals.sh DEJA SIGNALS_PROG
#
# Asynchronous signals run their handlers at scheduling points and are
# recorded there: `deja show` lists them, and every replay runs them at the
# same points, printing the recorded bytes, without waiting for the real
# alarm again.  Signals left at their default action end the process at a
# scheduling point too, and a replay ends it at the same event.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 3 ] || fail "usage: signals.sh DEJA SIGNALS_PROG DEFAULT_SIGNAL_PROG"
deja=$(abspath "$1") prog=$(abspath "$2") dflt=$(abspath "$3")
require_file "$deja" "$prog" "$dflt"
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

# Default actions: SIGALRM ends `alarm(1); pause()`, recorded as a signal
# event; the replay ends the same way without waiting a second.
rc=0
timeout 30 "$deja" record -q -o a.deja -- "$dflt" alarm >/dev/null 2>err || rc=$?
[ "$(outcome_of "$deja" a.deja)" = "signal 14" ] || { dump err; fail "alarm: outcome $(outcome_of "$deja" a.deja), expected signal 14"; }
"$deja" show a.deja | grep -q 'signal(SIGALRM) handled' || fail "alarm: no SIGALRM event"
start=$(date +%s%N)
timeout 30 "$deja" replay -q a.deja 2>err || { dump err; fail "alarm: the replay differs"; }
[ $(( ($(date +%s%N) - start) / 1000000 )) -lt 900 ] || fail "alarm: the replay waited for the real alarm"
# SIGTERM sent to its own process by one of two threads, under 4 schedules.
for seed in 1 2 3 4; do
	rc=0
	timeout 30 "$deja" record -q -s random --seed $seed -o t.deja -- "$dflt" term >out 2>err || rc=$?
	[ "$(outcome_of "$deja" t.deja)" = "signal 15" ] || { dump out err; fail "term seed $seed: outcome $(outcome_of "$deja" t.deja)"; }
	"$deja" show t.deja >show.txt
	grep -q '^outcome: signal 15 (SIGTERM) in thread [0-9]* at ' show.txt || fail "term seed $seed: the outcome names no thread and place"
	for i in 1 2 3; do
		timeout 30 "$deja" replay -q t.deja 2>err || { dump err; fail "term seed $seed: replay $i differs"; }
	done
done
note "default actions: SIGALRM and SIGTERM end the run at a recorded event, replayed (1 + 4x3 replays)"
