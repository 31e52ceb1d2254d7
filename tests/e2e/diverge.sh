#!/usr/bin/env bash
# diverge.sh DEJA ENV_BRANCH_PROG
#
# Replay must notice when the run no longer follows the recording: the
# program's synchronisation depends on an environment variable.  A replay
# gives the program the recorded environment, whatever deja's own is; with
# another value put into the trace's recorded environment the replay must
# exit 1 and name the first differing event; a trace whose recorded outcome
# differs from the replay's must exit 1 too.  (The other tests only ever
# see identical replays.)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: diverge.sh DEJA ENV_BRANCH_PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"
unset E2E_EXTRA_LOCKS

for seed in 0 1 2 3; do
	trace=$tmp/env-$seed.deja
	rc=0
	timeout 60 "$deja" record -q -s random --seed $seed -o "$trace" -- "$prog" >/dev/null 2>"$tmp/err" || rc=$?
	[ $rc -eq 0 ] || { dump "$tmp/err"; fail "record of env_branch seed $seed exited $rc"; }

	rc=0
	timeout 60 "$deja" replay -q "$trace" >/dev/null 2>"$tmp/err" || rc=$?
	[ $rc -eq 0 ] || { dump "$tmp/err"; fail "seed $seed: replay in the same environment exited $rc, expected 0"; }

	rc=0
	E2E_EXTRA_LOCKS=1 timeout 60 "$deja" replay -q "$trace" >/dev/null 2>"$tmp/err" || rc=$?
	[ $rc -eq 0 ] || { dump "$tmp/err"; fail "seed $seed: replay with another environment of deja's own exited $rc, expected 0 (the recorded one is the program's)"; }

	cp "$trace" "$tmp/changed.deja"
	sqlite3 "$tmp/changed.deja" "INSERT INTO environ (idx, var) SELECT max(idx) + 1, 'E2E_EXTRA_LOCKS=1' FROM environ" ||
		fail "seed $seed: cannot change the recorded environment"
	for q in "" -q; do
		rc=0
		timeout 60 "$deja" replay $q "$tmp/changed.deja" >/dev/null 2>"$tmp/err" || rc=$?
		[ $rc -ne 124 ] || fail "seed $seed: replay with E2E_EXTRA_LOCKS=1 hung"
		[ $rc -eq 1 ] || { dump "$tmp/err"; fail "seed $seed: replay $q of a run that takes more locks exited $rc, expected 1 (diverged)"; }
		grep -qi 'diverg' "$tmp/err" || { dump "$tmp/err"; fail "seed $seed: replay $q exit 1 but no 'diverged' message"; }
		grep -Eq 'event [0-9]+' "$tmp/err" || { dump "$tmp/err"; fail "seed $seed: replay $q does not name the differing event"; }
	done
done
note "replays get the recorded environment; one changed in the trace diverges (exit 1) and names the event"

# Same events, but the recorded outcome says exit 5.
cp "$tmp/env-0.deja" outcome.deja
sqlite3 outcome.deja 'UPDATE run SET exit_code = 5'
rc=0
timeout 60 "$deja" replay -q outcome.deja >/dev/null 2>"$tmp/err" || rc=$?
[ $rc -eq 1 ] || { dump "$tmp/err"; fail "replay with a different outcome exited $rc, expected 1"; }
grep -qi 'outcome' "$tmp/err" || { dump "$tmp/err"; fail "replay with a different outcome: message does not mention the outcome"; }
note "a different outcome is a divergence too: $(head -n1 "$tmp/err")"

# Same schedule, but a write's recorded bytes were others: the report says
# that the bytes differ, not only which event.
cp "$tmp/env-0.deja" bytes.deja
n=$(sqlite3 bytes.deja "SELECT count(*) FROM events WHERE op = 'syscall' AND data != 0")
[ "$n" -gt 0 ] || fail "the recording has no output syscall whose bytes a replay compares"
sqlite3 bytes.deja "UPDATE events SET data = data + 1 WHERE seq = (SELECT max(seq) FROM events WHERE op = 'syscall' AND data != 0)"
rc=0
timeout 60 "$deja" replay -q bytes.deja >/dev/null 2>"$tmp/err" || rc=$?
[ $rc -eq 1 ] || { dump "$tmp/err"; fail "replay of a write whose recorded bytes differ exited $rc, expected 1"; }
grep -q 'differs in the bytes it sent or got' "$tmp/err" || { dump "$tmp/err"; fail "the report does not say that the bytes differ"; }
note "differing bytes named: $(head -n1 "$tmp/err")"
