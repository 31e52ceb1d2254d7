#!/usr/bin/env bash
# bisect_yield.sh DEJA YIELD_RACE
#
# bisect names the pair when the decisive switch is a thread kept running
# at its own yield.  yield_race loses an update across a sched_yield():
# nonpreemptively the yield hands over and the run fails; a script that
# keeps worker 1 running at its yield ("1 3 1", a switch of a thread to
# itself) passes.  Between those two runs the decisive switch was that
# self switch, which has no other thread's events to refine over: bisect
# said "the switch ... was not taken when run again" and exited 1 (Rust
# programs whose threads race across yield_now() or I/O met it every
# time).  It is now turned around (the base keeps the thread running, the
# switch is to the thread that runs there without it), and bisect names
# the other worker's read (yield_race.c:19) before this one's yield
# (yield_race.c:22).  Without the passing run, bisect of a run with no
# preemption said "shrink it first", which cannot help; it now asks for a
# passing run.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: bisect_yield.sh DEJA YIELD_RACE"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

rc=0
"$deja" record -q -o fail.deja -- "$prog" >/dev/null 2>&1 || rc=$?
[ $rc = 1 ] || fail "the nonpreemptive recording exited $rc, not 1"
rc=0
"$deja" bisect fail.deja >out 2>err || rc=$?
[ $rc = 1 ] || { dump out err; fail "bisect without a passing run exited $rc, not 1"; }
grep -q 'fails with no preemption at all.*give a passing run' err ||
	{ dump err; fail "bisect of a run with no preemption does not ask for a passing run"; }
printf '1 3 1\n' >keep.script
"$deja" record -q --script keep.script -o pass.deja -- "$prog" >/dev/null 2>&1 ||
	fail "the recording that keeps worker 1 running at its yield fails"
rc=0
"$deja" bisect fail.deja pass.deja >out 2>err || rc=$?
[ $rc = 0 ] || { dump out err; fail "bisect exited $rc"; }
grep -Eq '^thread ([12]) worker\(\) yield_race\.c:19 mutex_lock\(mutex#[0-9]+\) before thread ([12]) worker\(\) yield_race\.c:22 yield\(\) makes it fail; the other order passes$' out ||
	{ dump out err; fail "bisect did not name a read (yield_race.c:19) before the other worker's yield"; }
[ "$(sqlite3 fail.deja 'SELECT first_thread != second_thread FROM findings')" = 1 ] ||
	fail "the stored finding is not a pair of two threads"
note "a decisive self switch at a yield bisects to the other worker's read before the yield"
