#!/usr/bin/env bash
# bisect.sh DEJA ATOMICITY LOCK_ORDER: a hunted, shrunk atomicity violation
# bisects to its two racing critical sections: the other customer's balance
# check (atomicity.c:28) before the debit (atomicity.c:36) fails.  The
# finding is in the trace (findings, history) and marked by deja show,
# once however often the trace is bisected;
# given a passing run instead of the neighbour search, the same pair of
# sections comes out.  Bad input is refused with exit 2.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
deja=$1
atomicity=$2
lock_order=$3

rc=0
"$deja" hunt -q --seed 3 -o "$tmp/a.deja" -- "$atomicity" >/dev/null 2>&1 || rc=$?
[ $rc = 1 ] || fail "hunt exited $rc"
"$deja" shrink -q "$tmp/a.deja" -o "$tmp/s.deja" >/dev/null 2>&1 || fail "shrink failed"
[ "$(sqlite3 "$tmp/s.deja" 'SELECT preemptions FROM run')" = 1 ] || fail "not shrunk to 1 preemption"
rc=0
"$deja" bisect "$tmp/s.deja" >"$tmp/out" 2>"$tmp/err" || rc=$?
[ $rc = 0 ] || { dump "$tmp/out" "$tmp/err"; fail "bisect exited $rc"; }
grep -Eq '^thread [0-9]+ [a-z_]+\(\) atomicity\.c:28 mutex_lock\(mutex#[0-9]+\) before thread [0-9]+ debit\(\) atomicity\.c:36 mutex_lock\(mutex#[0-9]+\) makes it fail; the other order passes$' "$tmp/out" ||
	{ dump "$tmp/out"; fail "bisect did not name the check (atomicity.c:28) before the debit (atomicity.c:36)"; }
# The two threads differ, and the stored pair points at those events.
python3 - "$tmp/s.deja" <<'PY' || fail "the stored finding does not match the trace's events"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT first_thread, first_seq, second_thread, second_seq FROM findings").fetchall()
assert len(rows) == 1, rows
t1, s1, t2, s2 = rows[0]
assert t1 != t2 and s1 is not None and s2 is not None and s1 < s2, rows
ev = dict((seq, (th, op)) for seq, th, op in db.execute("SELECT seq, thread, op FROM events"))
assert ev[s1] == (t1, "mutex_lock") and ev[s2] == (t2, "mutex_lock"), (ev[s1], ev[s2])
PY
# A second bisect of the same trace finds the same pair and stores it
# once: deja show listed it once per bisect.
"$deja" bisect "$tmp/s.deja" >/dev/null 2>&1 || fail "the second bisect failed"
[ "$(sqlite3 "$tmp/s.deja" 'SELECT count(*) FROM findings')" = 1 ] ||
	fail "a second bisect stored the same finding again"
[ "$(sqlite3 "$tmp/s.deja" "SELECT count(*) FROM history WHERE command LIKE 'deja bisect%'")" = 2 ] ||
	fail "the history lacks one of the two bisects"
"$deja" show "$tmp/s.deja" >"$tmp/show"
[ "$(grep -c '^critical pair' "$tmp/show")" = 1 ] || { dump "$tmp/show"; fail "show does not print the finding once"; }
grep -q 'atomicity.c:28)  <1$' "$tmp/show" || { dump "$tmp/show"; fail "show does not mark the first event"; }
grep -q 'atomicity.c:36)  <2$' "$tmp/show" || { dump "$tmp/show"; fail "show does not mark the second event"; }
grep -q '^critical pair' "$tmp/show" || fail "show does not print the finding"
"$deja" show --json "$tmp/s.deja" >"$tmp/j"
[ "$(json "$tmp/j" 'j["findings"][0]["kind"]')" = critical_pair ] || fail "--json lacks the finding"
json "$tmp/j" '[h["command"] for h in j["history"]]' | grep -q 'deja bisect' || fail "history lacks the bisect"
note "shrunk atomicity: $(cat "$tmp/out")"

# With a passing run: the nonpreemptive one.
"$deja" record -q -o "$tmp/pass.deja" -- "$atomicity" >/dev/null 2>&1 || fail "the nonpreemptive run failed"
rc=0
"$deja" bisect "$tmp/a.deja" "$tmp/pass.deja" >"$tmp/out2" 2>"$tmp/err" || rc=$?
[ $rc = 0 ] || { dump "$tmp/err"; fail "bisect FAIL PASS exited $rc"; }
grep -Eq 'atomicity\.c:28 mutex_lock\(mutex#[0-9]+\) before thread [0-9]+ debit\(\) atomicity\.c:36' "$tmp/out2" ||
	{ dump "$tmp/out2"; fail "bisect FAIL PASS named another pair"; }
sqlite3 "$tmp/pass.deja" 'SELECT command FROM history' | grep -q '^deja bisect' || fail "the passing trace's history lacks the bisect"
note "hunted run against the nonpreemptive one: $(cat "$tmp/out2")"

expect_rc() {
	local want=$1
	shift
	local rc=0
	"$deja" bisect "$@" >/dev/null 2>"$tmp/err" || rc=$?
	[ $rc = "$want" ] || { dump "$tmp/err"; fail "deja bisect $* gave exit $rc, not $want"; }
}
expect_rc 2 "$tmp/pass.deja"                 # a passing run is no failing trace
expect_rc 2                                  # nothing given
expect_rc 2 "$tmp/nope.deja"
rc=0
"$deja" hunt -q -o "$tmp/l.deja" -- "$lock_order" >/dev/null 2>&1 || rc=$?
[ $rc = 1 ] || fail "lock_order hunt exited $rc"
expect_rc 2 "$tmp/a.deja" "$tmp/l.deja"      # runs of two programs
grep -q 'different programs' "$tmp/err" || fail "no reason given for two programs"
expect_rc 1 "$tmp/a.deja" "$tmp/a.deja"      # the "passing" run fails too
note "bad input refused (exit 2), a failing PASS_TRACE reported (exit 1)"
