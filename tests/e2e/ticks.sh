#!/usr/bin/env bash
# ticks.sh DEJA CC SOURCE EXPECT_FILE
#
# A corpus bug that only ticks can expose (its window lies in plain code):
# built with $(deja cflags), deja hunt finds it within 1000 runs, with the
# outcome in EXPECT_FILE, through a preemption at a tick; its trace replays
# identically 100 times.  Built without the flags, the same program passes
# 1000 hunted runs (deja cannot preempt inside the window: correctly not
# found), and its runs record no ticks.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 4 ] || fail "usage: ticks.sh DEJA CC SOURCE EXPECT_FILE"
deja=$(abspath "$1") cc=$2 src=$(abspath "$3") expect_file=$(abspath "$4")
require_file "$deja" "$src" "$expect_file"
expect=$(head -n1 "$expect_file" | tr -s ' ' | sed 's/^ *//; s/ *$//')
name=$(basename "$src" .c)
cd "$tmp"

flags=$("$deja" cflags) || fail "deja cflags exited $?"
# shellcheck disable=SC2086 # the flags are words on purpose
"$cc" $flags -O2 -g -pthread -D_GNU_SOURCE -o "$name" "$src" 2>err || { dump err; fail "$cc \$(deja cflags) $name.c failed"; }
"$cc" -O2 -g -pthread -D_GNU_SOURCE -o "$name.plain" "$src" 2>err || { dump err; fail "$cc $name.c failed"; }

# Built with the flags: found, by a preemption at a tick, within 1000 runs.
rc=0
timeout 250 "$deja" hunt -q --json --runs 1000 -o "$name.deja" -- "./$name" >h.json 2>err || rc=$?
[ $rc -eq 1 ] || { dump h.json err; fail "$name built with deja cflags: hunt exited $rc, expected 1 (found)"; }
got=$(outcome_of "$deja" "$name.deja")
[ "$got" = "$expect" ] || { "$deja" show "$name.deja" >&2 || true; fail "$name: outcome '$got', expected '$expect'"; }
# A thread stopped at a tick: a tick event (it went on later), or a thread
# still standing at its tick when the run ended.
ticks=$(sqlite3 "$name.deja" "SELECT count(*) FROM events WHERE op = 'tick'")
stopped=$(sqlite3 "$name.deja" "SELECT count(*) FROM threads WHERE stopped_tick IS NOT NULL")
[ $((ticks + stopped)) -gt 0 ] || { "$deja" show "$name.deja" >&2; fail "$name: the failing run stopped no thread at a tick"; }
"$deja" show --json "$name.deja" >s.json
[ "$(json s.json 'sum(c["ticks"] for c in j["coverage"])')" -gt 0 ] || { dump s.json; fail "$name: coverage shows no ticks"; }
note "$name: found in run $(json h.json 'j["failing_run"]["index"]') ($(json h.json 'j["failing_run"]["strategy"]')), $ticks tick events, $stopped threads stopped at a tick at the end, outcome $got"

for i in $(seq 1 100); do
	rc=0
	timeout 60 "$deja" replay -q "$name.deja" >/dev/null 2>rerr || rc=$?
	[ $rc -eq 0 ] || { dump rerr; fail "replay $i/100 of $name exited $rc (expected 0: identical)"; }
done
note "$name: 100 replays identical"

# The replay stops each thread at exactly the recorded tick: a trace whose
# first tick event is moved one tick later must diverge.
if [ "$ticks" -gt 0 ]; then
	cp "$name.deja" moved.deja
	sqlite3 moved.deja "UPDATE events SET arg = arg + 1 WHERE seq = (SELECT min(seq) FROM events WHERE op = 'tick')"
	rc=0
	timeout 60 "$deja" replay moved.deja >/dev/null 2>merr || rc=$?
	[ $rc -eq 1 ] || { dump merr; fail "$name: a replay told to stop one tick later exited $rc, expected 1 (diverged)"; }
	grep -q "tick(" merr || { dump merr; fail "$name: the divergence report does not name the tick"; }
	note "$name: a tick moved by one diverges"
fi

# Built without the flags: not found (the window has no scheduling point).
rc=0
timeout 250 "$deja" hunt -q --json --runs 1000 -o plain.deja -- "./$name.plain" >p.json 2>err || rc=$?
[ $rc -eq 0 ] || { dump p.json err; "$deja" show plain.deja >&2 || true; fail "$name built without the flags: hunt exited $rc, expected 0 (not found)"; }
[ "$(json p.json 'j["runs"]')" = 1000 ] || { dump p.json; fail "$name plain: hunt did not run 1000 times"; }
"$deja" record -q -s random --seed 1 -o plain1.deja -- "./$name.plain" >/dev/null 2>&1 || fail "$name plain: seed 1 failed"
"$deja" show --json plain1.deja >ps.json
[ "$(json ps.json 'sum(c["ticks"] for c in j["coverage"])')" = 0 ] || { dump ps.json; fail "$name plain: ticks counted without the flags"; }
"$deja" show plain1.deja | grep -q "no ticks (not built with deja cflags)" || fail "$name plain: deja show does not point to deja cflags"
note "$name built without deja cflags: 1000 runs, not found, no ticks"
