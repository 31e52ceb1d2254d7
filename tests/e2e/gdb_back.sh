#!/usr/bin/env bash
# gdb_back.sh DEJA GDB_STOP_PROG FORK_THREADS_PROG
#
# Going back in a replay under gdb (`deja replay --gdb`, driven here by
# --gdb-command files, gdb's batch mode), each by new runs of the replay
# that the same gdb attaches to:
#   1. `deja-goto` to an event made already;
#   2. `deja-last-change EXPR`: where the counter last changed, then the
#      change before;
#   3. `deja-reverse-continue`: the last breakpoint stop, then the one
#      before;
#   4. `--gdb last`: the stop before the last event, where going back
#      starts from.
# Every replay must still end identical; and
#   5. a new run that differs from the recording before its stop (the
#      trace was changed under gdb) ends gdb's deja-goto with a message,
#      and deja says where it differed (exit 1).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_gdb.sh"

[ $# -eq 3 ] || fail "usage: gdb_back.sh DEJA GDB_STOP_PROG FORK_THREADS_PROG"
deja=$(abspath "$1") prog=$(abspath "$2") forker=$(abspath "$3")
require_file "$deja" "$prog" "$forker"
command -v gdb >/dev/null || fail "gdb is not on PATH (scripts/setup.sh installs it)"
cd "$tmp"

record_stop_trace


# The stop everything goes back from: the last lock thread 1 takes in
# first_worker (after thread 2's), and the counter there.
line=$(pick 1 mutex_lock "add (gdb_stop.c:" last)
[ -n "$line" ] || { dump "$tmp/show"; fail "no mutex_lock of thread 1 in add in the trace"; }
event=${line%%$'\t'*}
want=$(total_before "$event")

# 1. `deja-goto` to an event made already (thread 1's first lock) from
# the stop at that event: the replay starts again, the same gdb attaches to
# the new run's thread 1 stopped before that event, with the counter the
# events before it left; and a deja-goto forward from there reaches that
# event again, with its total.  The replay ends identical.
line=$(pick 1 mutex_lock "add (gdb_stop.c:" first)
early=${line%%$'\t'*}
[ -n "$early" ] && [ "$early" -lt "$event" ] || { dump "$tmp/show"; fail "no lock of thread 1 before event $event"; }
early_total=$(total_before "$early")
{
	printf 'deja-goto %s\ndeja-when\n' "$early"
	sed '/^continue$/d' "$tmp/bt.gdb"
	printf 'deja-goto %s\ndeja-when\nprintf "deja-test-total-after %%ld\\n", total\ncontinue\n' "$event"
} >"$tmp/back.gdb"
stop_at "$event" "$tmp/back.gdb" back
grep -q "^deja: event $early is made already: the replay starts again" "$tmp/back.out" ||
	{ dump "$tmp/back.out"; fail "back: deja-goto $early did not start the replay again"; }
grep -q "^deja: replay started again, stopped before event $early: thread 1 " "$tmp/back.err" ||
	{ dump "$tmp/back.err"; fail "back: deja did not say the new run stopped before event $early in thread 1"; }
grep -q "^deja: the replay is before event $early\$" "$tmp/back.out" ||
	{ dump "$tmp/back.out"; fail "back: deja-when did not say event $early after going back"; }
tid=$(sed -n 's/^deja: gdb attaches to process [0-9]*, thread \([0-9]*\)$/\1/p' "$tmp/back.err")
lwp=$(sed -n 's/^deja-test-lwp \([0-9]*\)$/\1/p' "$tmp/back.out")
[ -n "$tid" ] && [ "$tid" = "$lwp" ] ||
	{ dump "$tmp/back.out" "$tmp/back.err"; fail "back: gdb's thread is LWP '$lwp', the new run stopped thread '$tid'"; }
sed -n '/^deja-test-bt$/,/^deja-test-end$/p' "$tmp/back.out" >"$tmp/back.bt"
grep -q "deja_stopped_at_event (event=$early," "$tmp/back.bt" && grep -q first_worker "$tmp/back.bt" ||
	{ dump "$tmp/back.bt"; fail "back: the backtrace is not thread 1's stop before event $early"; }
grep -q "^deja-test-total $early_total\$" "$tmp/back.out" ||
	{ dump "$tmp/back.out"; fail "back: total is not $early_total before event $early"; }
grep -q "^deja: the replay is before event $event\$" "$tmp/back.out" &&
	grep -q "^deja-test-total-after $want\$" "$tmp/back.out" ||
	{ dump "$tmp/back.out"; fail "back: deja-goto $event after going back did not stop there with total $want"; }
note "deja-goto $early from the stop at event $event: the replay started again, gdb in thread 1 before it (total $early_total), then on to event $event (total $want), replay identical"

# 2. `deja-last-change total` at the stop before that event goes back
# to the last change of the counter before it: made in the critical
# section that the last unlock before the event ends, by that unlock's
# thread (thread 1 adds 1 in first_worker, thread 2 adds 10 in
# second_worker), right after its lock: a serialised replay runs the
# thread that made an event on to its next call, so the replay is then
# before the event after that lock.  gdb is left in that thread's add,
# the counter what the unlock leaves; the same command there goes back
# to the change before (the critical section before); and a deja-goto
# back to the event finds the counter as it was.
section=$(python3 - "$tmp/show" "$event" <<'PY'
import re, sys
lock, sections = {}, []
for line in open(sys.argv[1]):
    m = re.match(r"^\s+(\d+)\s+T(\d+)\s*\*?\s+mutex_(lock|unlock)", line)
    if not m or int(m.group(1)) >= int(sys.argv[2]):
        continue
    if m.group(3) == "lock":
        lock[m.group(2)] = int(m.group(1))
    else:
        sections.append("%d %s %s" % (lock[m.group(2)] + 1, m.group(2), m.group(1)))
print(" ".join(sections[-2:]))
PY
)
read -r prev_event _ prev_unlock change_event change_thread unlock_event <<<"$section"
[ -n "$unlock_event" ] || { dump "$tmp/show"; fail "no two critical sections before event $event"; }
case $change_thread in
1) change_fn=first_worker ;;
2) change_fn=second_worker ;;
*) fail "the last unlock before event $event is thread $change_thread's" ;;
esac
change_old=$(total_before "$unlock_event") change_new=$(total_before $((unlock_event + 1)))
prev_old=$(total_before "$prev_unlock")
cat >"$tmp/change.gdb" <<EOF
deja-last-change total
deja-when
printf "deja-test-total %ld\\n", total
echo deja-test-bt\\n
bt
echo deja-test-end\\n
deja-last-change total
deja-goto $event
printf "deja-test-total-after %ld\\n", total
continue
EOF
stop_at "$event" "$tmp/change.gdb" change
grep -q "^deja: [0-9]* changes of total; going back to the last" "$tmp/change.out" ||
	{ dump "$tmp/change.out" "$tmp/change.err"; fail "change: deja-last-change did not count the changes"; }
grep -Eq "^deja: total changed before event $change_event, in gdb thread [0-9]+ \(LWP [0-9]+\): $change_old -> $change_new \(change [0-9]+ from event 0 on\)\$" "$tmp/change.out" ||
	{ dump "$tmp/change.out"; fail "change: not the change $change_old -> $change_new before event $change_event"; }
grep -q "^deja: going back to the change of total before this one" "$tmp/change.out" &&
	grep -Eq "^deja: total changed before event $prev_event, in gdb thread [0-9]+ \(LWP [0-9]+\): $prev_old -> $change_old " "$tmp/change.out" ||
	{ dump "$tmp/change.out"; fail "change: again: not the change $prev_old -> $change_old before event $prev_event"; }
grep -q "^deja: the replay is before event $change_event\$" "$tmp/change.out" &&
	grep -q "^deja-test-total $change_new\$" "$tmp/change.out" ||
	{ dump "$tmp/change.out"; fail "change: not before event $change_event with total $change_new"; }
sed -n '/^deja-test-bt$/,/^deja-test-end$/p' "$tmp/change.out" >"$tmp/change.bt"
grep -q "^#0 .*add " "$tmp/change.bt" && grep -q "$change_fn" "$tmp/change.bt" ||
	{ dump "$tmp/change.bt"; fail "change: gdb is not in $change_fn's add, where thread $change_thread changes total"; }
grep -q "^deja-test-total-after $want\$" "$tmp/change.out" ||
	{ dump "$tmp/change.out"; fail "change: deja-goto $event after it did not find total $want"; }
note "deja-last-change total from the stop at event $event: back before event $change_event in $change_fn's add, $change_old -> $change_new; again: before event $prev_event, $prev_old -> $change_old; deja-goto $event again: total $want"

# 3. deja-reverse-continue with a breakpoint on add's `total += n`, from
# the stop at that event: every lock before the event is followed by
# its thread reaching that line before the next event, so the breakpoint
# stops once per lock before the event; the command goes back to the
# stop after the last of them, and again to the one after the lock
# before, each in the lock's thread with its n (1 or 10).
locks=$(python3 - "$tmp/show" "$event" <<'PY'
import re, sys
locks = []
for line in open(sys.argv[1]):
    m = re.match(r"^\s+(\d+)\s+T(\d+)\s*\*?\s+mutex_lock", line)
    if m and int(m.group(1)) < int(sys.argv[2]):
        locks.append("%s %s" % (m.group(1), m.group(2)))
print(len(locks), " ".join(locks[-2:]))
PY
)
read -r nlocks lock1 thread1 lock2 thread2 <<<"$locks"
[ -n "$thread2" ] || { dump "$tmp/show"; fail "no two locks before event $event"; }
n_of() { if [ "$1" = 1 ]; then echo 1; else echo 10; fi; }
cat >"$tmp/rc.gdb" <<EOF
break gdb_stop.c:22
deja-reverse-continue
printf "deja-test-n %ld\\n", n
deja-reverse-continue
printf "deja-test-n %ld\\n", n
continue
EOF
stop_at "$event" "$tmp/rc.gdb" rc
grep -q "^deja: $nlocks breakpoint stops; going back to the last" "$tmp/rc.out" ||
	{ dump "$tmp/rc.out"; fail "rc: deja-reverse-continue did not count $nlocks stops"; }
grep -q "^deja: breakpoint stop $nlocks from event 0 on, before event $((lock2 + 1)), in gdb thread" "$tmp/rc.out" &&
	grep -q "^deja: breakpoint stop $((nlocks - 1)) from event 0 on, before event $((lock1 + 1)), in gdb thread" "$tmp/rc.out" ||
	{ dump "$tmp/rc.out"; fail "rc: not back at the stops after the locks at events $lock1 and $lock2"; }
[ "$(sed -n 's/^deja-test-n //p' "$tmp/rc.out" | tr '\n' ' ')" = "$(n_of "$thread2") $(n_of "$thread1") " ] ||
	{ dump "$tmp/rc.out"; fail "rc: add's n is not thread $thread2's then thread $thread1's"; }
note "deja-reverse-continue at a breakpoint in add from the stop at event $event: $nlocks stops, back after the locks at events $lock2 and $lock1"

# 4. --gdb last stops before the last event, of the top process or of
# process 1 (its own last, from the listing's section for it).
printf 'deja-when\ncontinue\n' >"$tmp/last.gdb"
ftrace=$tmp/fork.deja
timeout 60 "$deja" record -q -o "$ftrace" -- "$forker" >/dev/null 2>"$tmp/err" || { dump "$tmp/err"; fail "record of fork_threads failed"; }
"$deja" show "$ftrace" >"$tmp/fshow" || fail "deja show of fork_threads exited $?"
events=$(sed -n 's/^\([0-9]*\) events, .*/\1/p' "$tmp/show")
[ -n "$events" ] || fail "deja show printed no event count"
flast=$(awk '/^process 1 \(/ { p = 1; next } /^process [0-9]+ \(/ { p = 0 }
	     p && $1 ~ /^[0-9]+$/ && $2 ~ /^T[0-9]+$/ { n = $1 } END { print n }' "$tmp/fshow")
[ -n "$flast" ] || { dump "$tmp/fshow"; fail "no events of process 1 in the listing"; }
for args in "$((events - 1))|$trace" "$flast|--gdb-process 1 $ftrace"; do
	want_last=${args%%|*}
	rc=0
	# shellcheck disable=SC2086 # the options, word-split on purpose
	timeout 120 "$deja" replay --gdb last --gdb-command "$tmp/last.gdb" ${args#*|} \
		>"$tmp/last.out" 2>"$tmp/last.err" </dev/null || rc=$?
	[ $rc -eq 0 ] || { dump "$tmp/last.err"; fail "--gdb last ${args#*|} exited $rc"; }
	grep -q "replay stopped before event $want_last\( of process 1\)\?: " "$tmp/last.err" &&
		grep -q "^deja: the replay is before event $want_last\$" "$tmp/last.out" ||
		{ dump "$tmp/last.out" "$tmp/last.err"; fail "--gdb last ${args#*|}: not stopped before event $want_last"; }
done
note "--gdb last: stopped before event $((events - 1)) of the top process and $flast of process 1"

# 5. The trace changed under gdb (thread 1's first lock given another
# result): the run deja-goto starts differs there, before the event it
# is to stop at; gdb's deja-goto says the replay ended, and deja names
# the event that differs and exits 1.
changed=$tmp/changed.deja
cp "$trace" "$changed"
cat >"$tmp/ended.gdb" <<EOF
shell sqlite3 $changed "UPDATE events SET result = result + 7 WHERE seq = $early"
deja-goto $((early + 1))
EOF
rc=0
timeout 120 "$deja" replay --gdb "$event" --gdb-command "$tmp/ended.gdb" "$changed" \
	>"$tmp/ended.out" 2>"$tmp/ended.err" </dev/null || rc=$?
[ $rc -eq 1 ] || { dump "$tmp/ended.out" "$tmp/ended.err"; fail "ended: exited $rc, expected 1"; }
grep -q "deja-goto: the replay ended before" "$tmp/ended.out" "$tmp/ended.err" ||
	{ dump "$tmp/ended.out" "$tmp/ended.err"; fail "ended: gdb's deja-goto did not say the replay ended"; }
grep -q "^deja: replay diverged: event $early differs in the result" "$tmp/ended.err" ||
	{ dump "$tmp/ended.err"; fail "ended: deja did not name event $early as differing"; }
note "a trace changed under gdb at event $early: deja-goto $((early + 1)) says the replay ended, deja names event $early, exit 1"
