#!/usr/bin/env bash
# parallel_timing.sh DEJA PARALLEL_TIMING PY_PARALLEL_SCRIPT
#
# Under --strategy parallel other threads' events move the virtual clock
# on while a thread computes, by as much as the real timing lets them.
# A sleep's event recorded its distance to the deadline from the clock
# when the thread got there, and relative deadlines counted from there
# too, so a replay, whose thread got there at another clock, diverged
# ("differs in the argument", as CPython's time.sleep did in nearly every
# parallel replay).  They count from the clock after the thread's own
# last event now, which a replay has as recorded.  Three parallel
# recordings, each replayed three times.
#
# The same for a CPython script with threads sleeping, a queue and a
# lock: it diverged also where glibc's internal locks (stdio's, malloc's)
# were contended in one run and not the other, which made futex events
# in one and not the other; such waits are made in the kernel, with no
# event, in parallel mode.  Four recordings, each replayed twice.
#
# Such a wait must not hang the run when nobody can end it: a thread
# holding a lock of the program's own in memory while it waits for a
# mutex whose holder waits for that lock (a deadlock natively) ends the
# recording as a deadlock that says so.
#
# stdio's stream locks are in memory too, but parallel mode takes each in
# the model first: three threads taking stdout's lock (flockfile) around
# a mutex replay exactly (a replay whose threads took the lock in another
# order than recorded was a divergence about one time in two), and the
# stdout/mutex cycle is a deadlock of the model, with its wait-for graph.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 3 ] || fail "usage: parallel_timing.sh DEJA PARALLEL_TIMING PY_PARALLEL_SCRIPT"
deja=$(abspath "$1") prog=$(abspath "$2") script=$(abspath "$3")
require_file "$deja" "$prog" "$script" /usr/bin/python3
cd "$tmp"

"$prog" >native
for run in 1 2 3; do
	rc=0
	timeout 60 "$deja" record -q -s parallel -o s.deja -- "$prog" >rec 2>err || rc=$?
	[ $rc -eq 0 ] || { dump rec err; fail "recording $run exited $rc"; }
	cmp -s native rec || { diff native rec >&2 || true; fail "recording $run printed other output"; }
	sleeps=$(sqlite3 s.deja "SELECT count(*) FROM events WHERE op = 'sleep'")
	[ "$sleeps" -ge 40 ] || fail "recording $run has $sleeps sleep events, not 40"
	replays_match "$deja" s.deja rec 3 60
done

/usr/bin/python3 "$script" >pnative
for run in 1 2 3 4; do
	rc=0
	timeout 120 "$deja" record -q -s parallel -o p.deja -- /usr/bin/python3 "$script" >prec 2>err || rc=$?
	[ $rc -eq 0 ] || { dump prec err; fail "Python recording $run exited $rc"; }
	cmp -s pnative prec || { diff pnative prec >&2 || true; fail "Python recording $run printed other output"; }
	replays_match "$deja" p.deja prec 2 120
done

for run in 1 2 3; do
	rc=0
	timeout 60 "$deja" record -q -s parallel -o st.deja -- "$prog" stdio >strec 2>err || rc=$?
	[ $rc -eq 0 ] || { dump strec err; fail "stdio recording $run exited $rc (124: it hung)"; }
	replays_match "$deja" st.deja strec 2 30
done

rc=0
timeout 60 "$deja" record -s parallel -o cy.deja -- "$prog" cycle >cyrec 2>err || rc=$?
[ $rc -eq 1 ] || { dump cyrec err; fail "the stdio/mutex cycle: record exited $rc, not 1 (124: it hung)"; }
[ "$(outcome_of "$deja" cy.deja)" = deadlock ] || { dump err; fail "the stdio/mutex cycle did not end as a deadlock"; }
grep -q "waits in stream_lock(stream#[0-9]*) at mutex_then_stdio (parallel_timing.c:[0-9]*), held by thread 0" err &&
	grep -q "cycle: thread" err || { dump err; fail "the stdio/mutex cycle's wait-for graph does not name stdout's lock and the cycle"; }
replays_match "$deja" cy.deja cyrec 1 30
rc=0
timeout 60 "$deja" record -s parallel -o mc.deja -- "$prog" memcycle >mcrec 2>err || rc=$?
[ $rc -eq 1 ] || { dump mcrec err; fail "the memory-lock/mutex cycle: record exited $rc, not 1 (124: it hung)"; }
[ "$(outcome_of "$deja" mc.deja)" = deadlock ] || { dump err; fail "the memory-lock/mutex cycle did not end as a deadlock"; }
grep -q "waits for a lock in memory (futex) whose holder waits in the model" err ||
	{ dump err; fail "the memory-lock/mutex cycle's deadlock does not say what it waits for"; }
# Serialised, the same cycle ends as a deadlock too; the supervisor,
# looking whether a thread that ran long without an event could be
# stopped, read the futex word at the target's address in its own memory
# and crashed (exit 139).
rc=0
timeout 60 "$deja" record -o cys.deja -- "$prog" cycle >cyrec 2>err || rc=$?
[ $rc -eq 1 ] || { dump cyrec err; fail "the stdio/mutex cycle, serialised: record exited $rc, not 1"; }
[ "$(outcome_of "$deja" cys.deja)" = deadlock ] || { dump err; fail "the serialised stdio/mutex cycle did not end as a deadlock"; }
replays_match "$deja" cys.deja cyrec 1 30
note "parallel recordings of timed waits among busy threads, and of CPython threads, replay exactly; waits for locks in memory never hang"
