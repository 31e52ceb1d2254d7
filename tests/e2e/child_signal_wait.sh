#!/usr/bin/env bash
# child_signal_wait.sh DEJA CHILD_SIGNAL_WAIT
#
# A parent waits in sigsuspend() for its child's SIGCHLD with a virtual
# timer armed (coreutils' `timeout` waits so).  A recording gives a
# running child the real time the parent's wait stands for, but the
# child's SIGCHLD stayed pending in the kernel, blocked while the runtime
# let the child run, so the parent's clock jumped to the timer and
# `timeout 5 sleep 0.2` timed out (exit 124).  Now the signals some
# thread does not block come in while the child runs: the child's end
# interrupts the parent's wait first, as natively.  Both the C program
# and `timeout` itself, replayed identically.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: child_signal_wait.sh DEJA CHILD_SIGNAL_WAIT"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

records_like_native "$deja" "$prog" wait.deja
grep -q 'the child ended first; child exit 3' native || fail "natively the alarm rang first"

if command -v timeout >/dev/null; then
	timeout_bin=$(command -v timeout)
	records_like_native "$deja" "$timeout_bin" timeout.deja 5 sh -c 'sleep 0.2; echo slept'
	[ "$(outcome_of "$deja" timeout.deja)" = "exit 0" ] || fail "timeout 5 sleep 0.2 did not exit 0 under deja"
fi
note "a child's SIGCHLD ends its parent's sigsuspend() before the parent's timer, as natively"
