#!/usr/bin/env bash
# shared_accept.sh DEJA SHARED_ACCEPT
#
# Threads waiting for the same input.  Three threads wait in a blocking
# accept() on one listening socket while the main thread connects six
# times, one connection at a time.  Each connection made every waiting
# acceptor ready, and a wait seen ready stayed so: after the first had
# taken the connection at its event, the second was chosen, its accept
# ran at its event and blocked in the kernel holding the right to run,
# and the main thread, which was to connect next, never ran.  Every
# serialised recording hung.  Readiness is now looked at again before
# each choice.  Recorded under the default strategy, two seeded random
# schedules and PCT, each replayed three times with the same output.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: shared_accept.sh DEJA SHARED_ACCEPT"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

records_print "$deja" "$prog" t.deja "handled 6" "" "-s random --seed 1" "-s random --seed 2" \
	"-s pct:3 --seed 1"
note "acceptors sharing one listener: 4 recordings x 3 identical replays"
