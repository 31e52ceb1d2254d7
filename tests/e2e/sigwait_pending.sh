#!/usr/bin/env bash
# sigwait_pending.sh DEJA SIGWAIT_THREADS
#
# sigwait() and sigtimedwait() whose signal is, or is not, already pending
# when they come.  A recording that found it pending made the call an
# event that could not block (its switch away counted as a preemption),
# and one with a zero timeout too; a replay, which never waits and cannot
# tell, always declared a wait that may block, so the replay diverged
# ("event N differs in whether the scheduler switched or preempted
# there") under random schedules.  Now both say by the call alone whether
# it may block.  Twelve seeds, each replayed twice.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: sigwait_pending.sh DEJA SIGWAIT_THREADS"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

"$prog" >native
for seed in none $(seq 1 12); do
	rm -f s.deja
	rc=0
	# shellcheck disable=SC2046
	timeout 60 "$deja" record -q $(schedule_of $seed) -o s.deja -- "$prog" >rec 2>err || rc=$?
	[ $rc -eq 0 ] || { dump rec err; fail "record (schedule $seed) exited $rc"; }
	cmp -s native rec || { diff native rec >&2 || true; fail "schedule $seed printed other bytes"; }
	replays_match "$deja" s.deja rec 2 30
done
note "sigwait and a polling sigtimedwait, signal pending or not: 13 schedules x 2 identical replays"
