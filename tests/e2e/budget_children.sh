#!/usr/bin/env bash
# budget_children.sh DEJA PY_BUDGET_CHILD_SCRIPT
#
# A recording whose top process spends its step budget ends its children
# too.  The runtime ended the top process there, but its forked children
# ran on, and deja waited for each to end: a child waiting for the top
# process for ever (a ProcessPoolExecutor's worker reading its call queue,
# whose write end it holds itself; CPython's test_concurrent_futures
# test_hang_global_shutdown_lock) kept the recording running until it
# was killed from outside.  The recording now ends at once as a timeout,
# its child "killed by deja as the run ended", and replays twice
# identically.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: budget_children.sh DEJA PY_BUDGET_CHILD_SCRIPT"
deja=$(abspath "$1") script=$(abspath "$2")
require_file "$deja" "$script" /usr/bin/python3
cd "$tmp"

rc=0
timeout 30 "$deja" record --max-steps 20000 -o b.deja -- /usr/bin/python3 "$script" >rec 2>err || rc=$?
[ $rc -eq 1 ] || { dump err; fail "the recording exited $rc, not 1 (124: it waited for the child)"; }
[ "$(outcome_of "$deja" b.deja)" = "timeout" ] || { dump err; fail "the outcome is not a timeout"; }
"$deja" show b.deja >show
grep -q "^process 1 .*killed by deja as the run ended" show || { dump show; fail "the child was not ended by deja"; }
replays_match "$deja" b.deja rec 2 30
note "a step budget spent ends the child processes too: recorded at once, replayed twice"
