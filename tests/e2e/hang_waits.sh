#!/usr/bin/env bash
# hang_waits.sh DEJA HANG_WAITS
#
# A run that hangs waiting for the world keeps what each thread waited
# for.  hang_waits joins a worker that waits for input that never comes
# (its stdin, a pipe from a program that never writes), for a signal
# (pause) or for a child that waits for one.  No thread can run, so the runtime waits for the world,
# as the program natively would for ever; the run then ends from outside,
# by --timeout or by SIGINT to deja.  The waits of such a run were
# dropped as meaningless (they are while a thread runs): the trace said
# only that no event came.  Now, when the run was cut short while every
# thread waited, each thread's wait is kept as for a deadlock, and
# `deja record` and `deja show` list them ("threads waiting when the run
# ended": the join, the read for input, the pause for a signal, the wait4
# for a child, and the child's own pause), and --timeout's message says
# every thread waited.  Each such trace replays identically.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: hang_waits.sh DEJA HANG_WAITS"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

# waits_are TRACE PROCESS EXPECTED: the waits of PROCESS (0: the top one),
# as "thread:op:object_kind" joined by spaces.
waits_are() {
	"$deja" show --json "$1" >w.json || fail "deja show --json $1 exited $?"
	local got
	got=$(json w.json "' '.join('%d:%s:%s' % (w['thread'], w['op'], w['object_kind'])
		for w in (j['waits'] if $2 == 0 else j['processes'][$2]['waits']))")
	[ "$got" = "$3" ] || { "$deja" show "$1" >&2 || true; fail "$1: process $2 waits '$got', expected '$3'"; }
}

# The read's stdin: a FIFO this shell holds open at both ends and never
# writes, another program's pipe.
mkfifo fifo
exec 3<>fifo
for mode in read pause child; do
	rc=0
	timeout 60 "$deja" record --timeout 2 -o "$mode.deja" -- "$prog" "$mode" <fifo >out 2>err || rc=$?
	[ $rc -eq 1 ] || { dump err; fail "$mode: deja record exited $rc, expected 1 (timeout)"; }
	[ "$(outcome_of "$deja" "$mode.deja")" = timeout ] || fail "$mode: outcome is not timeout"
	grep -q "while every thread waited" err || { dump err; fail "$mode: the message does not say every thread waited"; }
	grep -q "threads waiting when the run ended:" err || { dump err; fail "$mode: deja record listed no waits"; }
	timeout 60 "$deja" replay -q "$mode.deja" >/dev/null 2>rerr </dev/null ||
		{ dump rerr; fail "$mode: the replay was not identical"; }
done
waits_are read.deja 0 "0:join:thread 1:read:input"
waits_are pause.deja 0 "0:join:thread 1:pause:signal"
waits_are child.deja 0 "0:join:thread 1:reap:child"
waits_are child.deja 1 "0:pause:signal"
"$deja" show read.deja | grep -q "thread 1 waits in read at worker (hang_waits.c:[0-9]*), for input" ||
	fail "deja show does not name the read's line"

# SIGINT to deja while the program hangs: the same waits, and the trace
# says deja was interrupted.
"$deja" record -o int.deja -- "$prog" read <fifo >iout 2>ierr &
pid=$!
for _ in $(seq 1 300); do
	grep -q "waiting (read)" iout 2>/dev/null && break
	sleep 0.1
done
grep -q "waiting (read)" iout || { kill -KILL $pid; fail "the program did not start within 30 s"; }
sleep 1 # the worker gets to its read in far less
kill -INT $pid
rc=0
wait $pid || rc=$?
[ $rc -eq 130 ] || { dump ierr; fail "interrupted deja record exited $rc, expected 130"; }
"$deja" show --json int.deja >i.json
[ "$(json i.json "j['outcome']['kind']")" = signal ] || fail "interrupted run: outcome not signal"
waits_are int.deja 0 "0:join:thread 1:read:input"
exec 3>&-
note "hangs keep each thread's wait: read, pause, a child; by --timeout and by SIGINT"
