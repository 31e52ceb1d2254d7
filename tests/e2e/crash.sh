#!/usr/bin/env bash
# crash.sh DEJA CRASH_PROG
#
# A program that dies by SIGSEGV (a fault, or sent by kill), SIGABRT,
# SIGKILL or exit(3) after its
# threads did mutex work must leave a readable trace with the right outcome
# and every event up to the end (same count when recorded twice with the same
# seed, and the same as every other ending, since the endings differ only
# after the last event); each trace must replay identically.  Interrupting
# `deja record` of a program that blocks for ever (SIGINT, and SIGTERM) must
# make deja exit 130 with a complete trace (outcome signal, interrupted)
# that replays identically.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: crash.sh DEJA CRASH_PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"
seed=3

# check_trace TRACE EXPECTED_OUTCOME: prints the number of events.
check_trace() {
	local trace=$1 expect=$2 got js=$tmp/check.json
	[ -s "$trace" ] || fail "$trace: no trace written"
	"$deja" show --json "$trace" >"$js" 2>"$tmp/show.err" ||
		{ dump "$tmp/show.err"; fail "deja show --json $trace exited non-zero"; }
	got=$(outcome_of "$deja" "$trace")
	[ "$got" = "$expect" ] || fail "$trace: outcome '$got', expected '$expect'"
	local events rows exits
	events=$(json "$js" 'j["events"]')
	[ "$events" -gt 0 ] || fail "$trace: no events recorded"
	rows=$(sqlite3 "$trace" 'SELECT count(*) FROM events')
	[ "$rows" = "$events" ] || fail "$trace: run says $events events, events table has $rows rows"
	exits=$(sqlite3 "$trace" "SELECT count(*) FROM events WHERE op = 'thread_exit'")
	[ "$exits" -ge 2 ] || fail "$trace: $exits thread_exit events, expected both workers' (2)"
	echo "$events"
}

replay_ok() { # TRACE
	local rc=0
	timeout 60 "$deja" replay -q "$1" >"$tmp/rout" 2>"$tmp/rerr" || rc=$?
	[ $rc -eq 0 ] || { dump "$tmp/rerr"; fail "replay of $1 exited $rc, expected 0 (identical)"; }
}

reference=
for spec in "segv:signal 11" "abort:signal 6" "kill:signal 9" "sent:signal 11" "exit3:exit 3"; do
	mode=${spec%%:*} expect=${spec#*:}
	counts=()
	for take in 1 2; do
		trace=$tmp/$mode-$take.deja
		rc=0
		timeout 60 "$deja" record -q -s random --seed $seed -o "$trace" -- "$prog" "$mode" \
			>"$tmp/out" 2>"$tmp/err" || rc=$?
		[ $rc -ne 124 ] || fail "deja record of crash $mode hung"
		[ $rc -eq 1 ] || { dump "$tmp/err"; fail "deja record of crash $mode exited $rc, expected 1 (failed run)"; }
		counts+=("$(check_trace "$trace" "$expect")")
		replay_ok "$trace"
	done
	[ "${counts[0]}" = "${counts[1]}" ] ||
		fail "crash $mode, seed $seed: ${counts[0]} events the first time, ${counts[1]} the second"
	if [ -z "$reference" ]; then
		reference=${counts[0]}
	elif [ "${counts[0]}" != "$reference" ]; then
		fail "crash $mode, seed $seed: ${counts[0]} events, but $reference for segv (events lost at the crash?)"
	fi
	note "$mode: outcome $expect, ${counts[0]} events twice, replays identical"
done

# A run stuck where no event comes (here pause() for ever) ends at
# --timeout as a timeout, and its trace replays.
rc=0
timeout 60 "$deja" record -q --timeout 1 -o "$tmp/wall.deja" -- "$prog" hang >/dev/null 2>"$tmp/err" || rc=$?
[ $rc -eq 1 ] || { dump "$tmp/err"; fail "record --timeout 1 of a hang exited $rc, expected 1"; }
"$deja" show --json "$tmp/wall.deja" >"$tmp/wall.json"
[ "$(json "$tmp/wall.json" 'j["outcome"]["kind"]')" = timeout ] || { dump "$tmp/wall.json"; fail "--timeout: outcome is not timeout"; }
replay_ok "$tmp/wall.deja"
# Its message says that every thread waited (the pause, for a signal),
# not that a thread ran on; one of a run still making events (a livelock)
# says so instead.
msg=$(json "$tmp/wall.json" 'j["outcome"]["message"]')
case $msg in *"every thread waited"*) ;; *) fail "--timeout of a hang: message '$msg'" ;; esac
rc=0
timeout 60 "$deja" record -q --timeout 1 -o "$tmp/busy.deja" -- "$prog" yields >/dev/null 2>"$tmp/err" || rc=$?
[ $rc -eq 1 ] || { dump "$tmp/err"; fail "record --timeout 1 of a livelock exited $rc, expected 1"; }
"$deja" show --json "$tmp/busy.deja" >"$tmp/busy.json"
msg=$(json "$tmp/busy.json" 'j["outcome"]["message"]')
case $msg in *"still making events"*) ;; *) fail "--timeout of a livelock: message '$msg'" ;; esac
# A child still running when the time is up is killed with the tree, and
# says so (it said "ended by a signal deja did not see").
rc=0
timeout 60 "$deja" record -q --timeout 1 -o "$tmp/tree.deja" -- sh -c 'sleep 30; echo done' >/dev/null 2>"$tmp/err" || rc=$?
[ $rc -eq 1 ] || { dump "$tmp/err"; fail "record --timeout 1 of a shell waiting for sleep exited $rc, expected 1"; }
"$deja" show --json "$tmp/tree.deja" >"$tmp/tree.json"
msg=$(json "$tmp/tree.json" 'j["processes"][1]["message"]')
[ "$msg" = "killed by deja as the run ended" ] || { dump "$tmp/tree.json"; fail "--timeout: the killed child's message is '$msg'"; }
note "--timeout: a stuck run ends as timeout and replays; the message tells a stuck run from a livelock"

# A fault names the thread and the code location.
"$deja" show --json "$tmp/segv-1.deja" >"$tmp/segv.json"
[ "$(json "$tmp/segv.json" 'j["outcome"]["thread"]')" = 0 ] || { dump "$tmp/segv.json"; fail "segv: outcome.thread is not the faulting main thread"; }
json "$tmp/segv.json" 'j["outcome"]["location"]' | grep -q "crash.c:" || { dump "$tmp/segv.json"; fail "segv: outcome.location does not name crash.c"; }
note "segv: $(json "$tmp/segv.json" 'j["outcome"]["location"]')"

# Interrupting deja itself.  The python wrapper restores the default
# disposition of SIGINT, which a background job of a script inherits ignored.
for sig in INT TERM; do
	trace=$tmp/hang-$sig.deja
	python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])' "$deja" record -s random --seed $seed -o "$trace" -- "$prog" hang \
		>"$tmp/hang.out" 2>"$tmp/hang.err" &
	pid=$!
	# Wait until the program is blocked in pause(), then about 1 s more.
	for _ in $(seq 100); do
		grep -q 'now hang' "$tmp/hang.out" 2>/dev/null && break
		kill -0 $pid 2>/dev/null || break
		sleep 0.1
	done
	grep -q 'now hang' "$tmp/hang.out" || { kill -KILL $pid 2>/dev/null || true; dump "$tmp/hang.err"; fail "crash hang never started under deja record"; }
	kill -0 $pid 2>/dev/null || { dump "$tmp/hang.err"; fail "deja record of crash hang ended by itself"; }
	sleep 1
	kill -$sig $pid
	for _ in $(seq 150); do
		kill -0 $pid 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 $pid 2>/dev/null; then
		kill -KILL $pid 2>/dev/null || true
		wait $pid 2>/dev/null || true
		dump "$tmp/hang.err"
		fail "deja record still running 15 s after SIG$sig"
	fi
	rc=0
	wait $pid || rc=$?
	[ $rc -eq 130 ] || { dump "$tmp/hang.err"; fail "deja record interrupted by SIG$sig exited $rc, expected 130"; }
	[ -s "$trace" ] || fail "no trace after SIG$sig"
	"$deja" show --json "$trace" >"$tmp/hang.json" || fail "deja show --json of the interrupted trace exited $?"
	kind=$(json "$tmp/hang.json" 'j["outcome"]["kind"]')
	interrupted=$(json "$tmp/hang.json" 'j["outcome"]["interrupted"]')
	[ "$kind" = signal ] || fail "interrupted trace (SIG$sig): outcome.kind '$kind', expected signal"
	[ "$interrupted" = true ] || fail "interrupted trace (SIG$sig): outcome.interrupted is $interrupted, expected true"
	events=$(check_trace "$trace" "$(outcome_of "$deja" "$trace")")
	[ "$events" = "$reference" ] ||
		fail "interrupted trace (SIG$sig): $events events, expected $reference (all events before pause())"
	rc=0
	timeout 60 "$deja" replay -q "$trace" >"$tmp/rout" 2>"$tmp/rerr" || rc=$?
	[ $rc -ne 124 ] || fail "replay of the interrupted trace (SIG$sig) hung"
	[ $rc -eq 0 ] || { dump "$tmp/rerr"; fail "replay of the interrupted trace (SIG$sig) exited $rc, expected 0"; }
	note "SIG$sig: deja exited 130, trace complete ($events events, interrupted), replay identical"
done
