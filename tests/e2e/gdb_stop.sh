#!/usr/bin/env bash
# gdb_stop.sh DEJA GDB_STOP_PROG FORK_THREADS_PROG
#
# `deja replay --gdb EVENT` stops the replay just before event EVENT and
# attaches gdb there (driven here by --gdb-command files, gdb's batch
# mode).  For events of three kinds, picked from `deja show`: a lock taken
# by thread 1 in first_worker, a later write by thread 2 in second_worker,
# and a write of the main thread that reaches the runtime through the
# syscall trap (a signal frame, inside libc):
#   - deja says which event and thread it stopped at;
#   - gdb's selected thread is that thread (its kernel id is the one deja
#     names), and its backtrace shows deja's stop function and, above it,
#     the program's function and file:line that `deja show` gives;
#   - the stop comes right before the event: the stop function names
#     it, and the counter the lock guards is what the critical sections
#     before it left;
#   - after `continue`, or after gdb quits without it, the replay still
#     ends identical (exit 0);
#   - `deja-finish` makes the event and stops in the program's function
#     that made it, where gdb's `next` steps the program's next line.
# The same for a lock in a forked child's thread (--gdb-process 1, its
# own event numbers).
# And: an EVENT that is not a number or past the trace's events is a usage
# error (exit 2), as are a process the trace does not have and
# --gdb-command or --gdb-process alone; no gdb on PATH is exit 3, and so
# is a gdb that exits without attaching (the replay going on to its end).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_gdb.sh"

[ $# -eq 3 ] || fail "usage: gdb_stop.sh DEJA GDB_STOP_PROG FORK_THREADS_PROG"
deja=$(abspath "$1") prog=$(abspath "$2") forker=$(abspath "$3")
require_file "$deja" "$prog" "$forker"
command -v gdb >/dev/null || fail "gdb is not on PATH (scripts/setup.sh installs it)"
cd "$tmp"

record_stop_trace

# check_stop NAME THREAD FUNCTION FILE_LINE FRAME OTHER_FUNCTION: what gdb
# showed: the backtrace names FUNCTION at FILE_LINE and not OTHER_FUNCTION,
# and gdb was left in a frame matching FRAME (the event's call site).
check_stop() {
	local name=$1 thread=$2 fn=$3 at=$4 frame=$5 other=$6 out=$tmp/$1.out err=$tmp/$1.err
	grep -q "stopped before event [0-9]*\( of process [0-9]*\)\?: thread $thread " "$err" ||
		{ dump "$err"; fail "$name: deja names another thread than $thread"; }
	local tid lwp
	tid=$(sed -n 's/.*gdb attaches to process [0-9]*, thread \([0-9]*\).*/\1/p' "$err")
	lwp=$(sed -n 's/^deja-test-lwp \([0-9]*\)$/\1/p' "$out")
	[ -n "$tid" ] && [ "$tid" = "$lwp" ] ||
		{ dump "$out" "$err"; fail "$name: gdb's selected thread is LWP '$lwp', deja stopped thread '$tid'"; }
	# The backtrace is what lies between the marker lines.
	sed -n '/^deja-test-bt$/,/^deja-test-end$/p' "$out" >"$tmp/$name.bt"
	# deja's stop function, with the event it stops before.
	grep -q "deja_stopped_at_event (event=$event_now," "$tmp/$name.bt" ||
		{ dump "$tmp/$name.bt"; fail "$name: the backtrace does not show deja's stop function at event $event_now"; }
	grep -Eq "in $fn |^#[0-9]+ +$fn " "$tmp/$name.bt" ||
		{ dump "$tmp/$name.bt"; fail "$name: the backtrace does not name $fn"; }
	grep -q "$at" "$tmp/$name.bt" ||
		{ dump "$tmp/$name.bt"; fail "$name: the backtrace does not show $at"; }
	if grep -q "$other" "$tmp/$name.bt"; then
		dump "$tmp/$name.bt"; fail "$name: the backtrace of thread $thread shows $other"
	fi
	# The frame gdb was left in (printed by deja's commands, before
	# anything of ours): the event's call site.
	sed -n '1,/^deja-test-lwp/p' "$out" | grep -Eq "^#[0-9]+ .*$frame" ||
		{ dump "$out"; fail "$name: gdb was not left in the frame at $frame"; }
}


# 1. The last lock thread 1 takes in first_worker (after thread 2's),
# named by add(), the helper inlined into it whose line it is.
line=$(pick 1 mutex_lock "add (gdb_stop.c:" last)
[ -n "$line" ] || { dump "$tmp/show"; fail "no mutex_lock of thread 1 in add in the trace"; }
event=${line%%$'\t'*} loc=${line#*$'\t'}
at=$(sed -n 's/.*(\(.*\))$/\1/p' <<<"$loc")  # add (gdb_stop.c:21) -> gdb_stop.c:21
event_now=$event
stop_at "$event" "$tmp/bt.gdb" lock
check_stop lock 1 first_worker "$at" "$at" second_worker
want=$(total_before "$event")
grep -q "^deja-test-total $want\$" "$tmp/lock.out" ||
	{ dump "$tmp/lock.out"; fail "lock: total is not $want before event $event (the event was made already, or others were not)"; }
cmp -s "$tmp/recorded.out" "$tmp/lock.out" && fail "lock: gdb printed nothing"
note "stop before event $event (thread 1 mutex_lock at $loc): gdb in thread 1 at $at, total $want, replay identical"

# 2. A later event of thread 2: its write in second_worker.
line=$(pick 2 "syscall write" second_worker last)
[ -n "$line" ] || { dump "$tmp/show"; fail "no write of thread 2 in second_worker in the trace"; }
event2=${line%%$'\t'*} loc=${line#*$'\t'}
[ "$event2" -ne "$event" ] || fail "the two picked events are the same"
at=$(sed -n 's/.*(\(.*\))$/\1/p' <<<"$loc")
event_now=$event2
stop_at "$event2" "$tmp/bt.gdb" write
check_stop write 2 second_worker "$at" "$at" first_worker
note "stop before event $event2 (thread 2 write at $loc): gdb in thread 2 at $at, replay identical"

# 3. The main thread's write from fflush, which reaches the runtime
# through the syscall trap: the backtrace goes from libc's write through
# the signal frame up to main, and gdb is left in main's frame, at the
# fflush call where `deja show` places the event (program_calls.c).
line=$(pick 0 "syscall write" "main (gdb_stop.c:" last)
[ -n "$line" ] || { dump "$tmp/show"; fail "no write of thread 0 at main's fflush in the trace"; }
event3=${line%%$'\t'*}
event_now=$event3
stop_at "$event3" "$tmp/bt.gdb" trapped
check_stop trapped 0 main "gdb_stop.c:" "in main " first_worker
grep -q '<signal handler called>' "$tmp/trapped.bt" ||
	{ dump "$tmp/trapped.bt"; fail "trapped: the backtrace does not go through the trap's signal frame"; }
grep -q 'libc_write' "$tmp/trapped.bt" ||
	{ dump "$tmp/trapped.bt"; fail "trapped: the backtrace does not show libc's write"; }
note "stop before event $event3 (thread 0 write inside libc, through the trap): backtrace reaches main"

# 4. `deja-finish` makes the lock event and stops back in add, just after
# the call: the lock is taken, the addition not made yet; gdb's `next`
# from there is the program's own (the addition is made).
cat >"$tmp/finish.gdb" <<'EOF'
deja-finish
printf "deja-test-finished %ld\n", total
echo deja-test-frame\n
frame
next
printf "deja-test-next %ld\n", total
continue
EOF
event_now=$event
stop_at "$event" "$tmp/finish.gdb" finish
grep -q "^deja-test-finished $want\$" "$tmp/finish.out" ||
	{ dump "$tmp/finish.out"; fail "finish: total is not $want after deja-finish"; }
sed -n '/^deja-test-frame$/,$p' "$tmp/finish.out" | sed -n 2p | grep -Eq "^#0 .*add \(n=1\) at .*gdb_stop.c:" ||
	{ dump "$tmp/finish.out"; fail "finish: deja-finish did not stop in add"; }
grep -q "^deja-test-next $((want + 1))\$" "$tmp/finish.out" ||
	{ dump "$tmp/finish.out"; fail "finish: total is not $((want + 1)) after next"; }
note "deja-finish after the stop at event $event: in add with the lock taken (total $want), next adds 1"

# 5. gdb quits without `continue` (it detaches): the replay goes on.
printf 'echo deja-test-quit\\n\n' >"$tmp/quit.gdb"
stop_at "$event" "$tmp/quit.gdb" quit
grep -q deja-test-quit "$tmp/quit.out" || { dump "$tmp/quit.out"; fail "quit: gdb did not run the commands"; }
note "gdb quitting without continue: the replay still ends identical"

# 5b. `deja-goto EVENT` from a stop at event 1 runs on to just before the
# lock of case 1 and stops there as a first stop would: deja-when names
# it, gdb is in thread 1's add, the counter is what the events before it
# left; an event past the end and a word are refused.
{ printf 'deja-when\ndeja-goto %s\ndeja-when\n' "$event"; cat "$tmp/bt.gdb"; } >"$tmp/goto.gdb"
stop_at 1 "$tmp/goto.gdb" goto
grep -q "^deja: the replay is before event 1\$" "$tmp/goto.out" ||
	{ dump "$tmp/goto.out"; fail "goto: deja-when did not say event 1 at the first stop"; }
grep -q "^deja: replay stopped before event $event: gdb thread [0-9]* (LWP [0-9]*)" "$tmp/goto.out" ||
	{ dump "$tmp/goto.out"; fail "goto: deja-goto did not say it stopped before event $event"; }
grep -q "^deja: the replay is before event $event\$" "$tmp/goto.out" ||
	{ dump "$tmp/goto.out"; fail "goto: deja-when did not say event $event after deja-goto"; }
lwp=$(sed -n 's/^deja-test-lwp \([0-9]*\)$/\1/p' "$tmp/goto.out")
grep -q "(LWP $lwp)" "$tmp/goto.out" || { dump "$tmp/goto.out"; fail "goto: gdb's selected thread is not the one stopped"; }
sed -n '/^deja-test-bt$/,/^deja-test-end$/p' "$tmp/goto.out" >"$tmp/goto.bt"
grep -q "deja_stopped_at_event (event=$event," "$tmp/goto.bt" && grep -q first_worker "$tmp/goto.bt" ||
	{ dump "$tmp/goto.bt"; fail "goto: the backtrace is not thread 1's stop before event $event"; }
grep -q "^deja-test-total $want\$" "$tmp/goto.out" ||
	{ dump "$tmp/goto.out"; fail "goto: total is not $want before event $event"; }
for bad in "99999999|has no event" "x|takes an event number"; do
	printf 'deja-goto %s\ncontinue\n' "${bad%%|*}" >"$tmp/badgoto.gdb"
	stop_at 1 "$tmp/badgoto.gdb" badgoto
	grep -q "deja-goto.*${bad#*|}" "$tmp/badgoto.err" "$tmp/badgoto.out" ||
		{ dump "$tmp/badgoto.out" "$tmp/badgoto.err"; fail "deja-goto ${bad%%|*}: not refused with '${bad#*|}'"; }
done
note "deja-goto $event from event 1: stopped in thread 1 before it (total $want); past-the-end and non-number events refused"

# 5c. The same in a parallel replay: deja-goto to its next-to-last event.
ptrace=$tmp/par.deja
timeout 60 "$deja" record -q -s parallel -o "$ptrace" -- "$prog" >/dev/null 2>"$tmp/err" || { dump "$tmp/err"; fail "parallel record failed"; }
pevents=$("$deja" show "$ptrace" | sed -n 's/^\([0-9]*\) events, .*/\1/p')
last=$((pevents - 2))
printf 'deja-goto %s\ndeja-when\ncontinue\n' "$last" >"$tmp/pgoto.gdb"
stop_at 1 "$tmp/pgoto.gdb" pgoto "$ptrace"
grep -q "^deja: replay stopped before event $last: gdb thread" "$tmp/pgoto.out" &&
	grep -q "^deja: the replay is before event $last\$" "$tmp/pgoto.out" ||
	{ dump "$tmp/pgoto.out" "$tmp/pgoto.err"; fail "parallel: deja-goto $last did not stop there"; }
note "deja-goto $last in a parallel replay of $pevents events: stopped there, replay identical"

# 6. A lock in a forked child's thread: process 1 of fork_threads, where
# thread 1 runs spinner.
ftrace=$tmp/fork.deja
rc=0
timeout 60 "$deja" record -q -o "$ftrace" -- "$forker" >/dev/null 2>"$tmp/err" || rc=$?
[ $rc -eq 0 ] || { dump "$tmp/err"; fail "record of fork_threads exited $rc"; }
"$deja" show "$ftrace" >"$tmp/fshow" || fail "deja show of fork_threads exited $?"
line=$(pick 1 mutex_lock spinner last "$tmp/fshow" 1)
[ -n "$line" ] || { dump "$tmp/fshow"; fail "no mutex_lock of thread 1 in spinner in process 1"; }
event_now=${line%%$'\t'*} loc=${line#*$'\t'}
at=$(sed -n 's/.*(\(.*\))$/\1/p' <<<"$loc")
sed '/^printf/d' "$tmp/bt.gdb" >"$tmp/child.gdb"  # fork_threads has no `total`
stop_at "$event_now" "$tmp/child.gdb" child "$ftrace" --gdb-process 1
grep -q "stopped before event $event_now of process 1: thread 1 " "$tmp/child.err" ||
	{ dump "$tmp/child.err"; fail "child: deja does not say it stopped in process 1"; }
check_stop child 1 spinner "$at" "$at" forker
note "stop before event $event_now of process 1 (thread 1 mutex_lock at $loc): gdb in that thread at $at, replay identical"

# 7. Usage errors and a missing gdb.
events=$(sed -n 's/^\([0-9]*\) events, .*/\1/p' "$tmp/show")
[ -n "$events" ] || fail "deja show printed no event count"
for bad in abc -1 "$events" 99999999; do
	rc=0
	timeout 60 "$deja" replay --gdb "$bad" --gdb-command "$tmp/bt.gdb" "$trace" \
		>"$tmp/bad.out" 2>"$tmp/bad.err" </dev/null || rc=$?
	[ $rc -eq 2 ] || { dump "$tmp/bad.err"; fail "--gdb $bad exited $rc, expected 2"; }
	grep -q -- '--gdb' "$tmp/bad.err" || { dump "$tmp/bad.err"; fail "--gdb $bad: the message does not name --gdb"; }
	! grep -q deja-test-lwp "$tmp/bad.out" || fail "--gdb $bad: gdb ran"
done
for bad in "--gdb-command $tmp/bt.gdb" "--gdb-process 1" "--gdb 0 --gdb-process 9" \
	   "--gdb 99999 --gdb-process 1" "--gdb 0 --gdb-process x"; do
	rc=0
	# shellcheck disable=SC2086 # the options, word-split on purpose
	timeout 60 "$deja" replay $bad "$ftrace" >/dev/null 2>"$tmp/bad.err" </dev/null || rc=$?
	[ $rc -eq 2 ] || { dump "$tmp/bad.err"; fail "replay $bad exited $rc, expected 2"; }
done
rc=0
timeout 60 env PATH=/nonexistent "$deja" replay --gdb "$event" "$trace" >/dev/null 2>"$tmp/bad.err" </dev/null || rc=$?
[ $rc -eq 3 ] || { dump "$tmp/bad.err"; fail "--gdb without gdb on PATH exited $rc, expected 3"; }
grep -q gdb "$tmp/bad.err" || { dump "$tmp/bad.err"; fail "no gdb on PATH: the message does not say so"; }
note "bad EVENTs ($events events in the trace) and processes exit 2; no gdb on PATH exits 3"

# 8. A gdb that exits without attaching (as one the kernel refuses ptrace
# does): deja says so, the replay goes on to its end, and the exit code is
# 3, not the 0 of an identical replay (it was 0, silently).
mkdir -p "$tmp/nogdb"
printf '#!/bin/sh\necho "ptrace: Operation not permitted." >&2\nexit 1\n' >"$tmp/nogdb/gdb"
chmod +x "$tmp/nogdb/gdb"
rc=0
timeout 60 env PATH="$tmp/nogdb:$PATH" "$deja" replay --gdb "$event" "$trace" \
	>/dev/null 2>"$tmp/refused.err" </dev/null || rc=$?
[ $rc -eq 3 ] || { dump "$tmp/refused.err"; fail "a gdb that did not attach: exited $rc, expected 3"; }
grep -q "gdb did not attach to process" "$tmp/refused.err" ||
	{ dump "$tmp/refused.err"; fail "a gdb that did not attach: deja does not say so"; }
grep -q "replay identical" "$tmp/refused.err" ||
	{ dump "$tmp/refused.err"; fail "a gdb that did not attach: the replay did not go on to its end"; }
note "a gdb that exits without attaching: deja says so, the replay ends identical, exit 3"
