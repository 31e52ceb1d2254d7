#!/usr/bin/env bash
# child_diverge.sh DEJA
#
# A forked child whose replay goes on past the end of its recording is
# ended by its runtime (exit status 86), without an event of its own to
# show why.  The replay said only that its parent's wait got another
# status ("status 0x5600 now"), or that the child "ended otherwise:
# replay divergence 0".  Now the replay names the child and what its
# runtime found.  The trace is made to diverge by deleting a subshell's
# last recorded event.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || fail "usage: child_diverge.sh DEJA"
deja=$(abspath "$1")
require_file "$deja"
cd "$tmp"

"$deja" record -q -o t.deja -- bash -c '( echo a; echo b ); echo c' >/dev/null ||
	fail "record exited $?"
last=$(sqlite3 t.deja 'SELECT max(seq) FROM process_events WHERE process = 1')
[ -n "$last" ] || fail "the subshell was not recorded as process 1"
sqlite3 t.deja "DELETE FROM process_events WHERE process = 1 AND seq = $last"
for i in 1 2 3; do
	rc=0
	timeout 60 "$deja" replay -q t.deja >/dev/null 2>err || rc=$?
	[ $rc -eq 1 ] || { dump err; fail "replay $i exited $rc, expected 1 (diverged)"; }
	grep -q "process 1 (fork #0 of process 0), after $last of its $last recorded events: the replay went on past the end of the recording" err ||
		{ dump err; fail "replay $i did not say that process 1 went on past its recording"; }
done
note "a child ended by its runtime for diverging is named, with what it found"
