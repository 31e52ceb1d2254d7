#!/usr/bin/env bash
# interrupted.sh DEJA
#
# SIGTERM or SIGINT sent to deja's own pid (by `kill`, or `timeout`; not
# a terminal's ^C, which the whole group gets) while it hunts with -j 2
# or replays.  `deja hunt -j 2` had no handler in the process that runs
# the workers: SIGTERM killed it without a word (exit 143), and SIGINT,
# which a script's background job inherits ignored, went unnoticed while
# the hunt ran to its last run.  A replay ended by either exited 130 but
# said "replay diverged: ... the replay ended (signal)", as if it had
# gone off the recording.  Now each exits 130 within seconds, saying it
# was interrupted, with no scratch trace and no process of the program
# left running.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || fail "usage: interrupted.sh DEJA"
deja=$(abspath "$1")
require_file "$deja"
cd "$tmp"

# A program that runs for a while, making events (N loops, a few events
# each; a hunt's run stays under its budget of 100000); its marker finds it.
loop() {
	echo "i=0; while [ \$i -lt $1 ]; do i=\$((i+1)); read -r x </etc/hostname; done # interrupted-e2e"
}

# wait_for_end PID WHAT: deja ends within 20 s; its exit code in $rc.
wait_for_end() {
	for _ in $(seq 200); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$1" 2>/dev/null; then
		kill -KILL "$1"
		pkill -KILL -f interrupted-e2e || true
		fail "$2 still running 20 s after the signal"
	fi
	rc=0
	wait "$1" || rc=$?
}

no_program_left() {
	for _ in $(seq 50); do pgrep -f interrupted-e2e >/dev/null || return 0; sleep 0.1; done
	pkill -KILL -f interrupted-e2e || true
	fail "$1 left the program running"
}

for sig in TERM INT; do
	"$deja" hunt -j 2 -o h.deja -- sh -c "$(loop 3000)" >/dev/null 2>hunt.err &
	pid=$!
	sleep 2
	kill -$sig $pid
	wait_for_end $pid "deja hunt -j 2 sent SIG$sig"
	[ $rc -eq 130 ] || { dump hunt.err; fail "deja hunt -j 2 sent SIG$sig exited $rc, expected 130"; }
	grep -q "interrupted" hunt.err || { dump hunt.err; fail "deja hunt -j 2 sent SIG$sig did not say it was interrupted"; }
	left=$(ls -A | grep '^h\.deja' || true)
	[ -z "$left" ] || fail "deja hunt -j 2 sent SIG$sig left $left"
	no_program_left "deja hunt -j 2 sent SIG$sig"
done

"$deja" record -q -o loop.deja -- sh -c "$(loop 200000)" >/dev/null 2>&1 || fail "recording the loop failed"
events=$("$deja" show --json loop.deja | python3 -c 'import json,sys; print(json.load(sys.stdin)["events"])')
for sig in TERM INT; do
	"$deja" replay loop.deja >/dev/null 2>replay.err &
	pid=$!
	sleep 1
	kill -$sig $pid
	wait_for_end $pid "deja replay sent SIG$sig"
	[ $rc -eq 130 ] || { dump replay.err; fail "deja replay sent SIG$sig exited $rc, expected 130"; }
	grep -q "^deja: replay interrupted at event [0-9]* of the $events recorded events" replay.err ||
		{ dump replay.err; fail "deja replay sent SIG$sig did not say it was interrupted"; }
	! grep -q "diverged" replay.err || { dump replay.err; fail "deja replay sent SIG$sig said it diverged"; }
	no_program_left "deja replay sent SIG$sig"
done
note "hunt -j 2 and replay sent SIGTERM or SIGINT: exit 130, interrupted, nothing left"
