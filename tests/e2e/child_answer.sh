#!/usr/bin/env bash
# child_answer.sh DEJA CHILD_ANSWER
#
# A thread reads a child's answer from a pipe while the main thread waits
# for it with a 2 s timeout; the child answers after 0.2 s and lives on.
# With nobody able to run, a recording gives a running child the real
# time the first deadline stands for, but it slept through it blind: the
# answer sat in the pipe, the reader was not woken, and the main thread
# timed out (multiprocessing's Pool.apply_async().get(timeout=5) raised
# TimeoutError in most recordings made while the machine was busy).  Now
# that wait ends when an input a thread waits for is ready.  Recorded
# under 3 schedules, each replayed twice.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: child_answer.sh DEJA CHILD_ANSWER"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

"$prog" >native
grep -q 'answered in time' native || fail "natively the child did not answer in time"
for seed in none 1 2; do
	rm -f a.deja
	rc=0
	# shellcheck disable=SC2046
	timeout 60 "$deja" record -q $(schedule_of $seed) -o a.deja -- "$prog" >rec 2>err || rc=$?
	[ $rc -eq 0 ] || { dump rec err; fail "record (schedule $seed) exited $rc"; }
	cmp -s native rec || { diff native rec >&2 || true; fail "schedule $seed printed other bytes than the native run"; }
	replays_match "$deja" a.deja rec 2 30
done
note "a child's answer on a pipe wakes its reader before the main thread's timeout, as natively"
