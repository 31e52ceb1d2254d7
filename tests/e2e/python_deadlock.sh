#!/usr/bin/env bash
# python_deadlock.sh DEJA PY_DEADLOCK_SCRIPT
#
# A CPython deadlock's wait-for graph names each waiting thread's Python
# line, the thread holding each lock and the cycle.  The waits themselves
# are in CPython's lock code (PyThread_acquire_lock_timed), which told a
# Python programmer nothing about where the threads stood; recorded with
# --python-lines, each waiting thread's line now ends with the last
# Python line it ran ("[last Python line py_deadlock.py:14 in one]"), in
# `deja record`'s report and in `deja show`.  A threading.Lock is a
# semaphore made with the value 1, which had no holder: the thread that
# took it now holds it until a post, so the graph says "held by" and
# finds the cycle of the two threads.  Without --python-lines the events
# carry no Python lines; the holders and the cycle are there all the same.
#
# A thread waiting on a threading.Event nobody sets waits for a second
# take of a lock it took itself (Condition.wait): that was "held by
# thread 0" and "cycle: thread 0 -> thread 0", as if the thread had
# locked itself out; the graph now says it took the lock itself and
# another thread's post would end the wait, and finds no cycle.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: python_deadlock.sh DEJA PY_DEADLOCK_SCRIPT"
deja=$(abspath "$1") script=$(abspath "$2")
require_file "$deja" "$script" /usr/bin/python3
cd "$tmp"

rc=0
timeout 60 "$deja" record --python-lines -o d.deja -- /usr/bin/python3 "$script" >out 2>err || rc=$?
[ $rc -eq 1 ] || { dump out err; fail "the recording exited $rc, not 1 (a deadlock)"; }
[ "$(outcome_of "$deja" d.deja)" = "deadlock" ] || fail "the outcome is not a deadlock"
"$deja" show d.deja >show
for where in "py_deadlock.py:14 in one" "py_deadlock.py:22 in two"; do
	grep -q "waits in .*\[last Python line $where\]" show ||
		{ dump show; fail "deja show's wait-for graph does not place a thread at $where"; }
	grep -q "waits in .*\[last Python line $where\]" err ||
		{ dump err; fail "deja record's report does not place a thread at $where"; }
done

grep -q "py_deadlock.py:14 in one\], held by thread 2" show || { dump show; fail "thread 1's wait names no holder"; }
grep -q "py_deadlock.py:22 in two\], held by thread 1" show || { dump show; fail "thread 2's wait names no holder"; }
grep -q "cycle: thread 1 -> thread 2 -> thread 1" show || { dump show; fail "no cycle in the wait-for graph"; }

timeout 60 "$deja" record -o plain.deja -- /usr/bin/python3 "$script" >/dev/null 2>err || true
"$deja" show plain.deja >show
grep -q "waits in" show || fail "without --python-lines there is no wait-for graph"
grep -q "last Python line" show && fail "without --python-lines a wait names a Python line"
grep -q "cycle: thread 1 -> thread 2 -> thread 1" show || { dump show; fail "without --python-lines: no cycle"; }
printf 'import threading\nthreading.Event().wait()\n' >event.py
timeout 60 "$deja" record -o e.deja -- /usr/bin/python3 event.py >/dev/null 2>err || true
[ "$(outcome_of "$deja" e.deja)" = "deadlock" ] || { dump err; fail "an Event nobody sets is not a deadlock"; }
"$deja" show e.deja >show
grep -q "thread 0 waits in sem_wait(.*which it took itself" show ||
	{ dump show; fail "the wait for an Event does not say the thread took the lock itself"; }
grep -q "cycle:" show && { dump show; fail "the wait for an Event is shown as a cycle"; }
note "a Python deadlock's wait-for graph places each thread at its Python line, names the locks' holders and the cycle"
