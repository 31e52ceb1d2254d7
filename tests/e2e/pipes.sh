#!/usr/bin/env bash
# pipes.sh DEJA PIPE_THREADS_PROG
#
# A thread that blocks reading a pipe another thread fills, and a thread in
# poll(), never hang the serialised scheduler (the reader yields until its
# input is ready), under the default and many random schedules; the poller
# sees main's word rather than a timeout; every recording replays
# identically.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: pipes.sh DEJA PIPE_THREADS_PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

for seed in none 1 2 3 4 5 6 7 8 9 10 select1 select2 select3; do
	strategy=(-s random --seed "${seed#select}") args=()
	[ "$seed" = none ] && strategy=()
	[ "${seed#select}" != "$seed" ] && args=(select)
	rc=0
	timeout 30 "$deja" record -q "${strategy[@]}" -o t.deja -- "$prog" "${args[@]}" >rec 2>err || rc=$?
	[ $rc -ne 124 ] || fail "seed $seed: the recording hung"
	[ $rc -eq 0 ] || { dump rec err; fail "seed $seed: record exited $rc"; }
	grep -q "poll gave 1, read 'done'" rec || { dump rec; fail "seed $seed: the poller timed out instead of reading main's word"; }
	rc=0
	timeout 30 "$deja" replay -q t.deja >rep 2>err || rc=$?
	[ $rc -eq 0 ] || { dump err; fail "seed $seed: replay exited $rc"; }
	cmp -s rec rep || { diff rec rep >&2 || true; fail "seed $seed: replay printed other bytes"; }
done
note "blocking pipe reads, poll and select between threads: 14 schedules, no hang, replays identical"
