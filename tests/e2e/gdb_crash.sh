#!/usr/bin/env bash
# gdb_crash.sh DEJA GDB_CRASH_PROG
#
# After `deja replay --gdb EVENT` and gdb's `continue`, gdb stops where
# the run ends as it would natively, though it cannot see either end by a
# signal (gdb_crash.c; driven by --gdb-command files, gdb's batch mode):
#   - a crash by SIGSEGV, which gdb passes silently because the runtime's
#     rdtsc reads fault too: gdb stops once, not at the rdtsc read before
#     it, in the crashing thread and in the frame that faulted (the
#     line `deja show` gives for the crash), with the program's state of
#     then; a second `continue` lets the signal kill the program;
#   - a deadlock, which deja's runtime ends by exiting: gdb stops before
#     that, with every thread there, each worker in its function at the
#     lock it waits for (the places of `deja show`'s wait-for graph);
#     `continue` ends the run.
# Both replays end identical (exit 0).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: gdb_crash.sh DEJA GDB_CRASH_PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
command -v gdb >/dev/null || fail "gdb is not on PATH (scripts/setup.sh installs it)"
cd "$tmp"

# record MODE: a trace of `gdb_crash MODE`, which must fail (exit 1), and
# its `deja show` listing in MODE.show.
record() {
	local rc=0
	timeout 60 "$deja" record -q -o "$tmp/$1.deja" -- "$prog" "$1" >/dev/null 2>"$tmp/err" || rc=$?
	[ $rc -eq 1 ] || { dump "$tmp/err"; fail "record $1 exited $rc, expected 1"; }
	"$deja" show "$tmp/$1.deja" >"$tmp/$1.show" || fail "deja show $1 exited $?"
}

# replay_gdb MODE EVENT COMMANDS: replay under gdb, stopped before EVENT;
# stdout in MODE.out, stderr in MODE.err; the replay must end identical.
replay_gdb() {
	local rc=0
	timeout 120 "$deja" replay --gdb "$2" --gdb-command "$3" "$tmp/$1.deja" \
		>"$tmp/$1.out" 2>"$tmp/$1.err" </dev/null || rc=$?
	[ $rc -eq 0 ] || { dump "$tmp/$1.out" "$tmp/$1.err"; fail "$1: replay --gdb $2 exited $rc, expected 0"; }
	grep -q "replay stopped before event $2: " "$tmp/$1.err" ||
		{ dump "$tmp/$1.err"; fail "$1: deja did not stop before event $2"; }
	grep -q "replay identical" "$tmp/$1.err" || { dump "$tmp/$1.err"; fail "$1: the replay did not end identical"; }
}

# The kernel id of the thread deja stopped.
stopped_tid() {
	sed -n 's/.*gdb attaches to process [0-9]*, thread \([0-9]*\).*/\1/p' "$tmp/$1.err"
}

# 1. The crash: stop at the worker's first lock, then `continue`.
record segv
crash_at=$(sed -n 's/^outcome: signal 11 (SIGSEGV) in thread 1 at crasher (\(gdb_crash.c:[0-9]*\))$/\1/p' "$tmp/segv.show")
[ -n "$crash_at" ] || { dump "$tmp/segv.show"; fail "segv: the recording did not end by SIGSEGV in crasher"; }
event=$(sed -n 's/^ *\([0-9]*\) *T1 .*mutex_lock.*crasher.*/\1/p' "$tmp/segv.show" | head -n 1)
[ -n "$event" ] || { dump "$tmp/segv.show"; fail "segv: no lock of thread 1 in the trace"; }
cat >"$tmp/segv.gdb" <<'GDB'
continue
python print("deja-test-lwp %d" % gdb.selected_thread().ptid[1])
printf "deja-test-turns %ld\n", turns
echo deja-test-bt\n
bt
echo deja-test-end\n
continue
GDB
replay_gdb segv "$event" "$tmp/segv.gdb"
out=$tmp/segv.out
n=$(grep -c "^deja: gdb thread [0-9]* (LWP [0-9]*) received SIGSEGV (address 0x0)" "$out" || true)
[ "$n" -eq 1 ] || { dump "$out"; fail "segv: gdb stopped $n times for a SIGSEGV, expected once (the rdtsc read passes)"; }
# The frame shown right after deja's line: the faulting one.
grep -A1 "received SIGSEGV" "$out" | tail -n 1 | grep -Eq "^#[0-9]+ .*crasher .*$crash_at\$" ||
	{ dump "$out"; fail "segv: gdb was not left in crasher at $crash_at"; }
tid=$(stopped_tid segv)
grep -q "^deja-test-lwp $tid\$" "$out" || { dump "$out" "$tmp/segv.err"; fail "segv: gdb stopped in another thread than $tid"; }
grep -q "(LWP $tid) received SIGSEGV" "$out" || { dump "$out"; fail "segv: deja's line names another thread than $tid"; }
grep -q "^deja-test-turns 3\$" "$out" || { dump "$out"; fail "segv: turns is not 3 at the crash"; }
sed -n '/^deja-test-bt$/,/^deja-test-end$/p' "$out" >"$tmp/segv.bt"
grep -q '<signal handler called>' "$tmp/segv.bt" || { dump "$tmp/segv.bt"; fail "segv: the backtrace does not go through the signal frame"; }
grep -q "crasher .*$crash_at" "$tmp/segv.bt" || { dump "$tmp/segv.bt"; fail "segv: the backtrace does not show crasher at $crash_at"; }
grep -q "Program terminated with signal SIGSEGV" "$out" ||
	{ dump "$out"; fail "segv: the second continue did not let SIGSEGV end the program"; }
grep -q "outcome signal" "$tmp/segv.err" || { dump "$tmp/segv.err"; fail "segv: the replay's outcome is not the signal"; }
note "stop before event $event, continue: gdb stops once, at the SIGSEGV in crasher ($crash_at), turns 3; replay identical"

# 2. The deadlock: stop at main's first thread_create, then `continue`.
record deadlock
grep -q '^outcome: deadlock' "$tmp/deadlock.show" || { dump "$tmp/deadlock.show"; fail "deadlock: the recording did not end in a deadlock"; }
wait_a=$(sed -n 's/^  thread [0-9]* waits in mutex_lock([^)]*) at a_then_b (\(gdb_crash.c:[0-9]*\)).*/\1/p' "$tmp/deadlock.show")
wait_b=$(sed -n 's/^  thread [0-9]* waits in mutex_lock([^)]*) at b_then_a (\(gdb_crash.c:[0-9]*\)).*/\1/p' "$tmp/deadlock.show")
[ -n "$wait_a" ] && [ -n "$wait_b" ] || { dump "$tmp/deadlock.show"; fail "deadlock: no wait-for graph with both workers"; }
event=$(sed -n 's/^ *\([0-9]*\) *T0 .*thread_create.*/\1/p' "$tmp/deadlock.show" | head -n 1)
cat >"$tmp/deadlock.gdb" <<'GDB'
continue
echo deja-test-threads\n
thread apply all bt
echo deja-test-end\n
continue
GDB
replay_gdb deadlock "$event" "$tmp/deadlock.gdb"
out=$tmp/deadlock.out
grep -q "^deja: gdb thread [0-9]* (LWP [0-9]*) ends the run: no thread can run" "$out" ||
	{ dump "$out"; fail "deadlock: gdb did not stop where deja ends the run"; }
sed -n '/^deja-test-threads$/,/^deja-test-end$/p' "$out" >"$tmp/deadlock.bt"
n=$(grep -c '^Thread [0-9]* ' "$tmp/deadlock.bt" || true)
[ "$n" -eq 3 ] || { dump "$tmp/deadlock.bt"; fail "deadlock: gdb sees $n threads at the end, expected 3"; }
grep -q "a_then_b .*$wait_a" "$tmp/deadlock.bt" || { dump "$tmp/deadlock.bt"; fail "deadlock: no thread waits in a_then_b at $wait_a"; }
grep -q "b_then_a .*$wait_b" "$tmp/deadlock.bt" || { dump "$tmp/deadlock.bt"; fail "deadlock: no thread waits in b_then_a at $wait_b"; }
grep -q "outcome deadlock" "$tmp/deadlock.err" || { dump "$tmp/deadlock.err"; fail "deadlock: the replay's outcome is not the deadlock"; }
note "stop before event $event, continue: gdb stops at the deadlock, workers at $wait_a and $wait_b; replay identical"
