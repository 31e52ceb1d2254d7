#!/usr/bin/env bash
# vdso.sh DEJA VDSO_DIRECT_PROG
#
# Clocks and cpu numbers read behind libc's back: a program that calls the
# vDSO's functions directly, and sched_getcpu(), which glibc would answer
# from rseq's shared memory.  Under deja the vDSO's entries are syscalls the
# trap sees, so the clocks are the virtual ones (a 50 ms busy loop takes no
# virtual time) and the cpu numbers are recorded; rseq is refused.  Every
# replay prints the recorded bytes.  getcpu's node is recorded too: only
# the cpu was, and a replay left the node as the program had set it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: vdso.sh DEJA VDSO_DIRECT_PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

for seed in none 1 2; do
	rc=0
	timeout 60 "$deja" record -q $(schedule_of "$seed") -o v.deja -- "$prog" >rec 2>err || rc=$?
	[ $rc -eq 0 ] || { dump rec err; fail "seed $seed: record exited $rc"; }
	grep -qx "rseq not registered" rec || { dump rec; fail "seed $seed: rseq was registered under deja"; }
	[ "$(grep -c 'busy loop under 5 ms' rec)" -eq 2 ] || { dump rec; fail "seed $seed: a direct vDSO clock read saw real time"; }
	! grep -q "cannot be rewritten" err || { dump err; fail "seed $seed: the vDSO was not rewritten"; }
	replays_match "$deja" v.deja rec 20 60
done
note "direct vDSO calls and sched_getcpu() recorded and replayed (3 schedules x 20 replays)"
