#!/usr/bin/env bash
# child_race.sh DEJA ATOMICITY
#
# A race in a child process: a shell runs the atomicity corpus program
# (fork and exec), as a test script or make would.  deja hunt finds the
# failure (the shell exits 134 with the child's assertion), with random
# and with pct (whose change points fall within the child's length as
# the hunt has seen it); ipb says it searches the top process only; deja shrink
# shrinks the schedule of the child, the process with the preemptions,
# while the shell runs as recorded, and the shrunk trace replays; deja
# bisect names the pair of racing events in the child (process 1) with
# their code locations, stores it with the process, and deja show marks
# the pair in the child's events.  --process names another process, and a
# process the trace does not have is refused with exit 2.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: child_race.sh DEJA ATOMICITY"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog" /bin/sh
cd "$tmp"

rc=0
"$deja" hunt -q --seed 3 --runs 300 -o h.deja -- /bin/sh -c "$prog; exit \$?" >hunt.out 2>&1 || rc=$?
[ $rc -eq 1 ] || { dump hunt.out; fail "hunt exited $rc, not 1 (a failing run found)"; }
[ "$(sqlite3 h.deja 'SELECT exit_code FROM run')" = 134 ] || fail "the kept run did not fail with the child's abort"
[ "$(sqlite3 h.deja 'SELECT preemptions FROM run')" = 0 ] || fail "the shell itself was preempted"
"$deja" replay -q h.deja >/dev/null 2>&1 || fail "the hunted run does not replay"

# PCT draws its change points over a child's length as the hunt has seen
# it (not over the default 1000 events, past the end of a 12-event child).
rc=0
"$deja" hunt -q -s pct --seed 1 --runs 200 -o p.deja -- /bin/sh -c "$prog; exit \$?" >pct.out 2>&1 || rc=$?
[ $rc -eq 1 ] || { dump pct.out; fail "hunt -s pct exited $rc: no failure in the child in 200 runs"; }
# ipb searches the top process's schedules only, and says so.
"$deja" hunt -q -s ipb -o i.deja -- /bin/sh -c "$prog; exit \$?" >ipb.out 2>&1 || true
grep -q "ipb explores the top process's schedules only" ipb.out || { dump ipb.out; fail "hunt -s ipb does not say it searched the shell alone"; }
note "hunt finds the child's race with random and with pct; ipb says it searches the top process only"

rc=0
"$deja" shrink h.deja -o s.deja >shrink.out 2>&1 || rc=$?
[ $rc -eq 0 ] || { dump shrink.out; fail "shrink exited $rc"; }
grep -q '^shrunk: process 1: preemptions [0-9]* -> 1,' shrink.out ||
	{ dump shrink.out; fail "shrink did not shrink the child's schedule to 1 preemption"; }
[ "$(sqlite3 s.deja 'SELECT sum((flags & 1) != 0) FROM process_events WHERE process = 1')" = 1 ] ||
	fail "the shrunk trace's child does not have 1 preemption"
"$deja" replay -q s.deja >/dev/null 2>rep.err || { dump rep.err; fail "the shrunk trace does not replay"; }
note "hunted in the child, shrunk in the child to 1 preemption, replays"

rc=0
"$deja" bisect s.deja >bisect.out 2>bisect.err || rc=$?
[ $rc -eq 0 ] || { dump bisect.out bisect.err; fail "bisect exited $rc"; }
grep -Eq '^process 1: thread [0-9]+ [a-z_]+\(\) atomicity\.c:28 mutex_lock\(mutex#[0-9]+\) before thread [0-9]+ debit\(\) atomicity\.c:36 mutex_lock\(mutex#[0-9]+\) makes it fail; the other order passes$' bisect.out ||
	{ dump bisect.out bisect.err; fail "bisect did not name the child's check (atomicity.c:28) before its debit (atomicity.c:36)"; }
python3 - s.deja <<'PY' || fail "the stored finding does not point at the child's events"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT process, first_thread, first_seq, second_thread, second_seq FROM findings").fetchall()
assert len(rows) == 1, rows
p, t1, s1, t2, s2 = rows[0]
assert p == 1 and t1 != t2 and s1 is not None and s2 is not None and s1 < s2, rows
ev = dict((seq, (th, op)) for seq, th, op in
          db.execute("SELECT seq, thread, op FROM process_events WHERE process = 1"))
assert ev[s1] == (t1, "mutex_lock") and ev[s2] == (t2, "mutex_lock"), (ev[s1], ev[s2])
PY
"$deja" show s.deja >show
child=$(awk '/^process 1 /{ found = 1 } found { print }' show)
grep -q 'atomicity.c:28)  <1$' <<<"$child" || { dump show; fail "show does not mark the first event in the child"; }
grep -q 'atomicity.c:36)  <2$' <<<"$child" || { dump show; fail "show does not mark the second event in the child"; }
"$deja" show --json s.deja >j
[ "$(json j 'j["findings"][0]["process"]')" = 1 ] || { dump j; fail "--json does not give the finding's process"; }
note "bisect names the child's racing pair; stored with its process; show marks it"

# --process: the shell (process 0) has no preemption to shrink; a process
# the trace lacks is refused.
rc=0
"$deja" shrink --process 0 h.deja -o s0.deja >s0.out 2>&1 || rc=$?
[ $rc -eq 0 ] && grep -q '^shrunk: preemptions 0 -> 0,' s0.out ||
	{ dump s0.out; fail "shrink --process 0 exited $rc or did not keep the shell at 0 preemptions"; }
for cmd in "shrink --process 9 h.deja -o x.deja" "bisect --process 9 s.deja"; do
	rc=0
	# shellcheck disable=SC2086
	"$deja" $cmd >out 2>err || rc=$?
	[ $rc -eq 2 ] && grep -q "has no process 9" err || { dump err; fail "deja $cmd exited $rc, not 2 naming the process"; }
done
note "--process 0 shrinks the shell's schedule; --process 9 refused with exit 2"
