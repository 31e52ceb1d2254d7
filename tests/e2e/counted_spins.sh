#!/usr/bin/env bash
# counted_spins.sh DEJA PROG CC PROGRAMS_DIR
#
# A thread that waits by spinning with a `pause` and a count of its
# passes (PROG, programs/counted_spins.c; libgomp waits so at each
# barrier, lock and task wait) lets the other threads run: deja stops it
# at an interrupt where one register alone goes on counting, by the same
# step at every pass, and the rest of the thread (registers, stack) stays
# as it was.  Before, such a loop was taken for computing and left to
# run, the thread whose turn it was never ran, and every serialised
# recording spun until --timeout (OpenMP programs under
# OMP_WAIT_POLICY=active).  Recordings under nonpreemptive, random and
# pct print what the program prints natively and replay identically.  A
# loop that counts the same way without a `pause` (a scan through zeroed
# memory) is still left to run: its recording has no interrupt.  A
# thread that spins again where it was stopped before stops there at
# once, not after the supervisor's 5 ms (DEJA_INTERRUPT_MS): 1000 turns
# each record in well under the 10 s that 2000 interrupts took at least.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 4 ] || fail "usage: counted_spins.sh DEJA PROG CC PROGRAMS_DIR"
deja=$(abspath "$1") prog=$(abspath "$2") cc=$3 programs=$(abspath "$4")
require_file "$deja" "$prog" "$programs/spin_waits.c"
cd "$tmp"

"$cc" -O1 -pthread -o probe "$programs/spin_waits.c" || fail "build of the probe failed"
if ! ./probe probe; then
	note "hardware breakpoints (perf_event_open) are refused here: counted spins not checked"
	exit 0
fi

interrupts() { # TRACE: how many of its events are interrupts
	"$deja" show "$1" >shown || fail "deja show $1 exited $?"
	grep -c " interrupt(" shown || true
}

"$prog" turns >expected || fail "native run failed"
[ "$(wc -l <expected)" = 6 ] || { dump expected; fail "the native run did not take 6 turns"; }
for opts in "" "--strategy random --seed 3" "--strategy pct:3 --seed 5"; do
	rc=0
	# shellcheck disable=SC2086 # the options are words on purpose
	timeout 120 "$deja" record -q $opts --timeout 60 -o turns.deja -- "$prog" turns >out 2>err || rc=$?
	[ $rc -eq 0 ] || { dump err; fail "turns (${opts:-default}): deja record exited $rc (a spin ran on)"; }
	cmp -s expected out || { diff expected out >&2 || true; fail "turns (${opts:-default}): output differs"; }
	n=$(interrupts turns.deja)
	[ "$n" -gt 0 ] || { dump shown; fail "turns (${opts:-default}): no interrupt"; }
	replays_match "$deja" turns.deja out 3
	note "turns (${opts:-default}): recorded with $n interrupts; 3 replays identical"
done

rc=0
SECONDS=0
timeout 120 "$deja" record -q -o many.deja -- "$prog" turns 1000 >out 2>err || rc=$?
took=$SECONDS
[ $rc -eq 0 ] || { dump err; fail "1000 turns: deja record exited $rc"; }
printf 'player 0, turn 999\nplayer 1, turn 999\n' >expected_many
cmp -s expected_many out || { diff expected_many out >&2 || true; fail "1000 turns: output differs"; }
[ $took -lt 8 ] || fail "1000 turns took $took s to record: each spin waited for the supervisor"
replays_match "$deja" many.deja out 1 60
note "1000 turns each: recorded in $took s with $(interrupts many.deja) interrupts; the replay identical"

rc=0
timeout 120 "$deja" record -q -o scan.deja -- "$prog" scan >out 2>err || rc=$?
[ $rc -eq 0 ] || { dump err; fail "scan: deja record exited $rc"; }
grep -q "^scanned 1073741824 bytes$" out || { dump out; fail "scan: output differs"; }
[ "$(interrupts scan.deja)" -eq 0 ] || { dump shown; fail "scan: a counting loop without pause was stopped"; }
replays_match "$deja" scan.deja out 2
note "scan without pause: no interrupt; 2 replays identical"
