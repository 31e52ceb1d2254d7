#!/usr/bin/env bash
# spin_waits.sh DEJA CC PROGRAMS_DIR
#
# Threads that wait by spinning on memory, with no call deja sees
# (programs/spin_waits.c), no longer spin for ever under the default
# nonpreemptive scheduler: built with $(deja cflags) they stop at
# timeslices; built without, at interrupts (gcc -O0 and -O2).  Each
# recording prints what the program prints natively and replays
# identically, in the top process and in a forked child.  A thread that
# computes (its registers change at every pass) is left to run: its
# recording has no interrupt.  A replay that spins elsewhere than the
# recording stopped diverges, rather than spin for ever.  A thread that
# spins while the only other one sleeps stops too, and the clock moves on
# to the sleep's end (it spun for ever: the sleep is no thread that could
# run); under --strategy parallel the sleep ends in real time (it never
# ended).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 3 ] || fail "usage: spin_waits.sh DEJA CC PROGRAMS_DIR"
deja=$(abspath "$1") cc=$2 programs=$(abspath "$3")
require_file "$deja" "$programs/spin_waits.c"
cd "$tmp"

# count_ops TRACE OP: how many events of TRACE are OP.
count_ops() {
	"$deja" show "$1" >shown || fail "deja show $1 exited $?"
	grep -c " $2(" shown || true
}

# check NAME OP: ./NAME turns records with the expected output, its trace
# has OP events, and 3 replays print the same.
check() {
	local name=$1 op=$2 rc=0 n
	timeout 120 "$deja" record -q -o "$name.deja" -- "./$name" turns >out 2>err || rc=$?
	[ $rc -eq 0 ] || { dump err; fail "$name: deja record exited $rc (124: it spun for ever)"; }
	cmp -s expected out || { diff expected out >&2 || true; fail "$name: output under deja differs"; }
	n=$(count_ops "$name.deja" "$op")
	[ "$n" -gt 0 ] || { dump shown; fail "$name: no $op events"; }
	replays_match "$deja" "$name.deja" out 3
	note "$name: recorded with $n $op events; 3 replays identical"
}

"$cc" -O2 -g -pthread -o plain_o2 "$programs/spin_waits.c" || fail "build failed"
{ for i in 0 1 2; do printf 'player 0, turn %d\nplayer 1, turn %d\n' "$i" "$i"; done
  echo "count 9, the alarm rang"; } >expected
./plain_o2 turns >native || fail "native run failed"
cmp -s expected native || { diff expected native >&2 || true; fail "the native output is not the expected one"; }

"$cc" -O1 -g -pthread $("$deja" cflags) -o ticks_o1 "$programs/spin_waits.c" || fail "deja cflags build failed"
check ticks_o1 timeslice

# Under --strategy parallel the spinner runs beside the sleeper and makes
# no event, which alone moved the clock: the sleep never ended.  The
# clock now follows the real time while no event comes, and a replay
# sets the recorded clock before the sleeper asks to go on.
rc=0
timeout 60 "$deja" record -q -s parallel -o sleeper_par.deja -- ./plain_o2 sleeper 1 >out 2>err || rc=$?
[ $rc -eq 0 ] || { dump err; fail "parallel sleeper: deja record exited $rc (124: the sleep never ended)"; }
[ "$(cat out)" = "the spinner saw the flag" ] || { dump out; fail "parallel sleeper: output under deja differs"; }
replays_match "$deja" sleeper_par.deja out 3
note "parallel mode, spinning while the other thread sleeps 1 s: recorded; 3 replays identical"

if ./plain_o2 probe; then
	"$cc" -O0 -g -pthread -o plain_o0 "$programs/spin_waits.c" || fail "build failed"
	check plain_o2 interrupt
	check plain_o0 interrupt
	# A replay whose thread spins other than where the recording stopped
	# it (the registers recorded are changed here) diverges there, at once.
	cp plain_o2.deja changed.deja
	sqlite3 changed.deja "UPDATE events SET arg = arg + 1 WHERE op = 'interrupt'"
	rc=0
	timeout 60 "$deja" replay -q changed.deja >/dev/null 2>err || rc=$?
	[ $rc -eq 1 ] || { dump err; fail "a replay stopped elsewhere exited $rc, expected 1 (diverged)"; }
	grep -q "is an interrupt; it spins, but not with the registers" err || { dump err; fail "the divergence does not say why"; }
	note "a spin elsewhere than recorded: replay diverges at once"
	# Spinning while another thread waits for input, which comes late;
	# the replay needs no input.
	rc=0
	(sleep 0.5; echo hello) | timeout 120 "$deja" record -q -o input.deja -- ./plain_o2 input >out 2>err || rc=$?
	[ $rc -eq 0 ] || { dump err; fail "input: deja record exited $rc (124: it spun for ever)"; }
	[ "$(cat out)" = "read hello" ] || { dump out; fail "input: output under deja differs"; }
	replays_match "$deja" input.deja out 2
	note "spinning while another thread waits for input: recorded; 2 replays identical"
	# In a forked child (the shell's), likewise.
	rc=0
	timeout 120 "$deja" record -q -o child.deja -- sh -c './plain_o2 turns; echo done' >out 2>err || rc=$?
	[ $rc -eq 0 ] || { dump err; fail "child: deja record exited $rc (124: it spun for ever)"; }
	{ cat expected; echo done; } >expected_child
	cmp -s expected_child out || { diff expected_child out >&2 || true; fail "child: output under deja differs"; }
	replays_match "$deja" child.deja out 2
	note "in a forked child: recorded; 2 replays identical"
	# Spinning while the only other thread sleeps: the sleep ends as the
	# spin moves the clock on (to its end at once: the 30 s pass in
	# virtual time), rather than the thread spinning for ever.
	rc=0
	SECONDS=0
	timeout 60 "$deja" record -q -o sleeper.deja -- ./plain_o2 sleeper >out 2>err || rc=$?
	[ $rc -eq 0 ] || { dump err; fail "sleeper: deja record exited $rc (124: it spun for ever)"; }
	[ "$(cat out)" = "the spinner saw the flag" ] || { dump out; fail "sleeper: output under deja differs"; }
	[ $SECONDS -lt 20 ] || fail "sleeper: the recording took $SECONDS s: the sleep was waited for"
	[ "$(count_ops sleeper.deja interrupt)" -gt 0 ] || { dump shown; fail "sleeper: no interrupt"; }
	replays_match "$deja" sleeper.deja out 3
	note "spinning while the only other thread sleeps: recorded in ${SECONDS} s; 3 replays identical"
	rc=0
	timeout 120 "$deja" record -q -o compute.deja -- ./plain_o2 compute >out 2>err || rc=$?
	[ $rc -eq 0 ] || { dump err; fail "compute: deja record exited $rc"; }
	[ "$(count_ops compute.deja interrupt)" -eq 0 ] || { dump shown; fail "compute: a computing thread was interrupted"; }
	replays_match "$deja" compute.deja out 2
	note "compute: no interrupt; 2 replays identical"
else
	note "hardware breakpoints (perf_event_open) are refused here: uninstrumented spins not checked"
fi
