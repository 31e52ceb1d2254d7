#!/usr/bin/env bash
# lock_poll.sh DEJA LOCK_POLL
#
# A thread that polls through calls deja sees (a flag read under a mutex,
# a trylock retried) and never blocks, while the thread it waits for could
# run (programs/lock_poll.c).  Under nonpreemptive (the default) and pct,
# which keep the current thread running while it can, the poller kept the
# right to run until the step budget ended the run as a timeout, and the
# worker never started.  Now its turn ends after DEJA_SLICE_EVENTS events
# in a row: every strategy records what the program prints natively, in
# a few thousand events, and each recording replays identically.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: lock_poll.sh DEJA LOCK_POLL"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

for mode in flag trylock; do
	records_like_native "$deja" "$prog" "$mode.deja" "$mode"
	for strategy in nonpreemptive pct:2 pct:3 pos; do
		for seed in 1 2; do
			rc=0
			timeout 60 "$deja" record -q -s "$strategy" --seed "$seed" -o s.deja -- "$prog" "$mode" >out 2>err || rc=$?
			[ $rc -eq 0 ] || { dump err; fail "$mode under $strategy seed $seed: deja record exited $rc"; }
			cmp -s native out || { diff native out >&2 || true; fail "$mode under $strategy: other output"; }
			"$deja" show --json s.deja >s.json
			events=$(json s.json 'j["events"]')
			[ "$events" -lt 200000 ] || fail "$mode under $strategy seed $seed: $events events (turns too long)"
			replays_match "$deja" s.deja out 1
			rm -f s.deja
		done
	done
	note "$mode: every strategy recorded the native output; replays identical"
done
