#!/usr/bin/env bash
# escapes.sh DEJA ESCAPE_SUD API_TOUR LISTENER_ABOVE
#
# Syscalls made outside deja's runtime are reported, never silently
# missed (docs/architecture.md, Kernel-side policy).  A program whose main
# thread switches the syscall trap off (escape_sud) makes getppid() three
# times and one write() behind the runtime's back: the run still works,
# and the escapes are in the trace's `escapes` table, in `deja show
# --json` and `deja show`, and on stderr at the end of the record and of
# the replay.  A child it forks with the trap off, which deja does not
# follow, escapes as a process deja does not follow.  A normal program
# reports no escape, only the expected syscalls of the dynamic loader.
# Under a seccomp listener of someone else's (listener_above), deja cannot
# watch: it runs the program all the same and says escapes go unreported.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 4 ] || fail "usage: escapes.sh DEJA ESCAPE_SUD API_TOUR LISTENER_ABOVE"
deja=$(abspath "$1") sud=$(abspath "$2") normal=$(abspath "$3") above=$(abspath "$4")
require_file "$deja" "$sud" "$normal" "$above"
cd "$tmp"

# escape_sud: recorded, reported three ways, replayed.
rc=0
"$deja" record -o e.deja -- "$sud" >out 2>err || rc=$?
[ $rc -eq 0 ] || { dump out err; fail "record of escape_sud exited $rc"; }
grep -qx "after: escaped" out || { dump out; fail "the escaped write did not happen"; }
grep -q "process 0 (pid [0-9]*) made [0-9]* syscalls outside deja's runtime, not recorded: getppid() x3, write()" err ||
	{ dump err; fail "no stderr line for the escapes"; }
[ "$(grep -c "outside deja's runtime" err)" -eq 1 ] || { dump err; fail "more than one stderr line for one process"; }
"$deja" show --json e.deja >e.json
[ "$(json e.json '[(x["syscall"], x["count"], x["process"], x["class"]) for x in j["escapes"] if x["kind"] == "escape" and x["syscall"] != "exit_group"]')" = \
  "[('getppid', 3, 0, 'input_live'), ('write', 1, 0, 'output')]" ] ||
	{ dump e.json; fail "deja show --json does not list the two escapes"; }
[ "$(json e.json 'all(x["first_ip"] > 0 and x["pid"] > 0 for x in j["escapes"])')" = true ] ||
	fail "an escape without its first instruction pointer or pid"
"$deja" show e.deja | grep -q "^syscalls that escaped the runtime" || { "$deja" show e.deja >&2; fail "deja show has no escapes section"; }
python3 - e.deja <<'PY' || fail "the trace's escapes table does not hold the getppid() escape"
import sqlite3, sys
rows = sqlite3.connect(sys.argv[1]).execute(
    "SELECT count, nr, class, first_us FROM escapes WHERE kind = 'escape' AND syscall = 'getppid'").fetchall()
assert rows == [(3, 110, "input_live", rows[0][3])], rows
PY
rc=0
"$deja" replay e.deja >rout 2>rerr || rc=$?
[ $rc -eq 0 ] || { dump rerr; fail "replay of escape_sud exited $rc"; }
cmp -s out rout || { diff out rout >&2 || true; fail "the replay printed other bytes"; }
grep -q "made [0-9]* syscalls outside deja's runtime, not replayed: getppid() x3, write()" rerr ||
	{ dump rerr; fail "the replay does not report the escapes"; }

# A normal program: nothing escapes; the loader's start-up is expected.
"$deja" record -o n.deja -- "$normal" >out 2>err || { dump err; fail "record of api_tour failed"; }
! grep -q "outside deja's runtime" err || { dump err; fail "a normal program reported escapes"; }
"$deja" show --json n.deja >n.json
[ "$(json n.json 'sum(1 for x in j["escapes"] if x["kind"] == "escape")')" = 0 ] ||
	{ dump n.json; fail "a normal program has escape rows"; }
[ "$(json n.json 'sum(x["count"] for x in j["escapes"] if x["kind"] == "loader") > 0')" = true ] ||
	{ dump n.json; fail "the dynamic loader's syscalls before the runtime are not counted"; }
"$deja" replay -q n.deja >/dev/null 2>err || { dump err; fail "replay of api_tour failed"; }
! grep -q "outside deja's runtime" err || { dump err; fail "a normal replay reported escapes"; }

# A child deja does not follow (forked with the trap off) escapes as an
# unfollowed process.
"$deja" record -q -o p.deja -- "$sud" fork >out 2>err || { dump err; fail "record of escape_sud fork failed"; }
grep -qx "child: unseen" out || { dump out; fail "the unseen child did not run"; }
grep -q "pid [0-9]* (not followed) made [0-9]* syscalls outside deja's runtime" err ||
	{ dump err; fail "no stderr line for the unfollowed children"; }
"$deja" show --json p.deja >p.json
[ "$(json p.json 'any(x["kind"] == "escape" and x["process"] is None and x["syscall"] == "write" for x in j["escapes"])')" = true ] ||
	{ dump p.json; fail "the unfollowed children's writes are not listed"; }
# Someone else's listener above deja: no watch, but the run goes on.
rc=0
"$above" "$deja" record -o a.deja -- "$sud" >out 2>err || rc=$?
[ $rc -eq 0 ] || { dump out err; fail "record under another listener exited $rc"; }
grep -qx "after: escaped" out || { dump out; fail "the program did not run under another listener"; }
grep -q "they go unreported" err || { dump err; fail "no message that escapes go unreported"; }
[ "$("$deja" show --json a.deja | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["escapes"]))')" = 0 ] ||
	fail "escapes listed although nothing watched"

note "escapes of a trap switched off and of unfollowed children reported in the trace, show --json and stderr; none for a normal program; unwatched under another listener"
