#!/usr/bin/env bash
# output_order.sh DEJA
#
# Output written by several processes of the tree to one file or terminal
# replays in the recorded order.  A shell's background jobs each sleep and
# then print (to stdout, and to stdout and stderr sharing one file): the
# order their lines come in differs from run to run natively, and before
# the processes' outputs were ordered, also from replay to replay while
# each replay said it was identical.  Every replay now prints the
# recorded bytes, in the serialised mode and in parallel mode.  The
# runtime's descriptor for the tree's page stays out of the program's
# sight (its environment, its descriptors closed by Python's subprocess).
# Gaps in the recorded numbers replay in order; a number on no output is a
# damaged trace; outputs that wait for each other give up their order
# after 10 s (DEJA_OUTPUT_STALL_S) without an event or a process
# computing, instead of hanging.  A job that computes for longer than
# that before it prints, recorded before a job that slept (whose replayed
# sleep takes no time), is waited for: its line stays first.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || fail "usage: output_order.sh DEJA"
deja=$(abspath "$1")
require_file "$deja"
cd "$tmp"

jobs_stdout='f(){ sleep 0.0$1; echo job $1; }; for i in 1 2 3 4 5 6; do f $((7 - i)) & done; wait'
jobs_both='f(){ sleep 0.0$1; echo out $1; echo err $1 >&2; echo out again $1; }
for i in 1 2 3 4; do f $i & done; wait'

# record_and_replay NAME SCRIPT [RECORD OPTIONS...]: record `bash -c
# SCRIPT` with stdout and stderr into one file, then replay it 4 times.
record_and_replay() {
	local name=$1 script=$2
	shift 2
	timeout 60 "$deja" record -q "$@" -o "$name.trace" -- bash -c "$script" >"$name.rec" 2>&1 ||
		{ dump "$name.rec"; fail "$name: record failed"; }
	[ "$(wc -l <"$name.rec")" -gt 3 ] || { dump "$name.rec"; fail "$name: the jobs printed too little"; }
	local i rc
	for i in 1 2 3 4; do
		rc=0
		timeout 60 "$deja" replay -q "$name.trace" >"$name.rep" 2>&1 </dev/null || rc=$?
		[ $rc -eq 0 ] || { dump "$name.rep"; fail "$name: replay $i exited $rc"; }
		cmp -s "$name.rec" "$name.rep" ||
			{ diff "$name.rec" "$name.rep" >&2 || true; fail "$name: replay $i printed the lines in another order"; }
	done
	note "$name: 4 replays print the recorded order"
}

record_and_replay stdout "$jobs_stdout"
record_and_replay both "$jobs_both"
record_and_replay random "$jobs_both" -s random --seed 7
record_and_replay parallel "$jobs_stdout" -s parallel

# Out of the program's sight.
timeout 60 "$deja" record -q -o env.trace -- bash -c 'env | grep -c "^DEJA_" || true' >env.out 2>&1 ||
	{ dump env.out; fail "record of env failed"; }
[ "$(cat env.out)" = 0 ] || { dump env.out; fail "the program sees deja's variables"; }
py=/usr/bin/python3
if [ -x "$py" ]; then
	script='import subprocess
for i in range(2):
    subprocess.run(["bash", "-c", "sleep 0.01; echo child %d; (echo grandchild %d) & wait" % (i, i)], close_fds=True)
print("parent done")'
	timeout 60 "$deja" record -q -o py.trace -- "$py" -c "$script" >py.rec 2>&1 ||
		{ dump py.rec; fail "record of Python's subprocess failed"; }
	grep -q "grandchild 1" py.rec || { dump py.rec; fail "Python's subprocess children did not run"; }
	replays_match "$deja" py.trace py.rec 2
	note "Python's subprocess (close_fds) keeps the tree's page"
fi

# The numbers a replay waits on are the trace's, which a process killed
# between a write and its event leaves with a gap, and which damage can
# change: a gap must not make a replay wait for ever (it waits on the
# outputs' ranks), a number on an event that is no output is a damaged
# trace (exit 2), and outputs that wait for each other all the same (a
# parent that writes after it reaped its child, numbered before the
# child's output; a process's output numbered after its own later one)
# give up their order after 10 s without an event or a process computing
# (2 s here), and say so.
timeout 60 "$deja" record -q -o gaps.trace -- bash -c "$jobs_stdout" >gaps.rec 2>&1 ||
	{ dump gaps.rec; fail "record for the gaps failed"; }
sqlite3 gaps.trace "UPDATE process_events SET output_seq = output_seq * 10 + 5 WHERE output_seq > 0"
rc=0
timeout 60 "$deja" replay -q gaps.trace >gaps.rep 2>&1 </dev/null || rc=$?
[ $rc -eq 0 ] || { dump gaps.rep; fail "a trace with gaps between its outputs' numbers: replay exited $rc"; }
cmp -s gaps.rec gaps.rep || { diff gaps.rec gaps.rep >&2 || true; fail "a trace with gaps: replay printed another order"; }
cp gaps.trace notout.trace
sqlite3 notout.trace "UPDATE process_events SET output_seq = 999 WHERE seq = 0"
rc=0
timeout 60 "$deja" replay -q notout.trace >/dev/null 2>err </dev/null || rc=$?
[ $rc -eq 2 ] && grep -q "cannot be read" err || { dump err; fail "a number on an event that is no output: replay exited $rc, expected 2"; }
timeout 60 "$deja" record -q -o cycle.trace -- bash -c '(echo child); echo parent' >/dev/null 2>&1 ||
	fail "record for the cycle failed"
sqlite3 cycle.trace "UPDATE events SET output_seq = 1 WHERE output_seq = 2; UPDATE process_events SET output_seq = 2 WHERE output_seq = 1"
timeout 60 "$deja" record -q -o falling.trace -- bash -c 'echo a; echo b' >/dev/null 2>&1 ||
	fail "record for the falling numbers failed"
sqlite3 falling.trace "UPDATE events SET output_seq = 100 - output_seq WHERE output_seq > 0"
for waiting in cycle falling; do
	rc=0
	DEJA_OUTPUT_STALL_S=2 timeout 60 "$deja" replay -q $waiting.trace >$waiting.rep 2>err </dev/null || rc=$?
	[ $rc -eq 0 ] || { dump err; fail "$waiting: outputs waiting for each other: replay exited $rc (124: it hung)"; }
	grep -q "order is given up" err || { dump err; fail "$waiting: the replay did not say it gave up the outputs' order"; }
done

# The job computing (awk, no event) for longer than the 2 s: the watch
# sees the tree using the CPU and keeps the order.
compute='(awk "BEGIN { for (i = 0; i < 60000000; i++) s += i; print \"computed\" }") &
(sleep 8; echo slept) & wait'
timeout 60 "$deja" record -q -o compute.trace -- bash -c "$compute" >compute.rec 2>&1 ||
	{ dump compute.rec; fail "record of the computing job failed"; }
[ "$(head -1 compute.rec)" = computed ] ||
	{ dump compute.rec; fail "the computing job printed after the sleeping one: this machine is too slow for the test"; }
rc=0
DEJA_OUTPUT_STALL_S=2 timeout 60 "$deja" replay -q compute.trace >compute.rep 2>err </dev/null || rc=$?
[ $rc -eq 0 ] || { dump err; fail "the computing job: replay exited $rc"; }
! grep -q "order is given up" err || { dump err; fail "the computing job: the replay gave the order up while a job computed"; }
cmp -s compute.rec compute.rep || { diff compute.rec compute.rep >&2 || true; fail "the computing job: replay printed another order"; }
note "gaps in the numbers replay in order; a number on no output exits 2; outputs waiting for each other give up their order; a computing job is waited for"
