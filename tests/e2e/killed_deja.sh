#!/usr/bin/env bash
# killed_deja.sh DEJA
#
# deja itself killed with SIGKILL while it records (no handler runs, so
# nothing seals the trace): the program ends with it, and the trace keeps
# every batch of events committed before the kill.  A kill in the middle of
# a batch leaves a rollback journal beside the trace; the next deja to open
# it puts the unfinished batch back, so `deja show` reads the trace (outcome
# incomplete) and no side file is left; a replay replays it to where it
# stopped.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || fail "usage: killed_deja.sh DEJA"
deja=$(abspath "$1")
require_file "$deja"
cd "$tmp"

# A program that makes events without end: a shell reading a file in a loop.
"$deja" record -q -o k.deja -- sh -c 'while :; do read -r x </etc/hostname; done' >/dev/null 2>err &
pid=$!
# (Only once deja has made the file, and read-only: sqlite3 run before it
# made an empty k.deja, and deja, which never writes over a file, refused
# to record: "cannot create the trace k.deja: File exists".)
for _ in $(seq 100); do # until a first batch is committed (8192 events)
	[ -e k.deja ] && [ "$(sqlite3 -readonly k.deja 'SELECT count(*) FROM events' 2>/dev/null || echo 0)" -gt 0 ] && break
	sleep 0.1
done
sleep 0.5
kill -KILL $pid 2>/dev/null || { dump err; fail "deja record had ended before it was killed"; }
wait $pid 2>/dev/null || true
journal=no
[ -s k.deja-journal ] && journal=yes
for _ in $(seq 50); do # the runtime notices its supervisor is gone
	pgrep -f 'read -r x </etc/hostname' >/dev/null || break
	sleep 0.1
done
! pgrep -f 'read -r x </etc/hostname' >/dev/null || { pkill -KILL -f 'read -r x </etc/hostname'; fail "the program outlived the killed deja"; }

"$deja" show --json k.deja >k.json 2>show.err || { dump show.err; fail "deja show of the killed recording's trace exited $?"; }
[ "$(json k.json 'j["outcome"]["kind"]')" = incomplete ] || { dump k.json; fail "outcome is not incomplete"; }
events=$(json k.json 'j["events"]')
[ "$events" -gt 0 ] || fail "no events kept"
[ $((events % 8192)) -eq 0 ] || fail "$events events kept: not whole batches of 8192"
[ ! -e k.deja-journal ] || fail "the rollback journal is still beside the trace after deja show"
sqlite3 k.deja 'PRAGMA integrity_check' | grep -qx ok || fail "the trace fails SQLite's integrity check"
# It replays as far as it goes: every kept event, then the replay stops
# there as the recording did (it said "diverged: the replay went on past
# the end of the recording" and exited 1).
rc=0
timeout 120 "$deja" replay k.deja >/dev/null 2>replay.err </dev/null || rc=$?
[ $rc -eq 0 ] || { dump replay.err; fail "the replay of the killed recording's trace exited $rc, expected 0"; }
grep -q "replay identical: $events events, outcome incomplete" replay.err ||
	{ dump replay.err; fail "the replay did not replay the $events kept events"; }
note "deja killed mid-recording: $events events kept, readable (a journal to roll back: $journal), replayed to where it stopped"
