#!/usr/bin/env bash
# receive_timeout.sh DEJA RECEIVE_TIMEOUT
#
# A socket read that SO_RCVTIMEO ends.  A server thread sets a receive
# timeout of 0.2 s and reads twice; nothing comes the second time, so the
# read fails with EAGAIN and only then does the server answer the client
# (the main thread), which polls for the answer for up to 5 s.  The
# serialised mode waited for that read's input in the model with no
# timeout at all, and parallel mode waited for it in the kernel the same
# way: every recording hung, the client's poll timing out meanwhile.  The
# timeout the program set is now the wait's, in virtual time (an EAGAIN
# at its deadline, as the kernel gives), in a recording and its replay.
# Recorded under the default strategy, a seeded random schedule, PCT and
# parallel mode, each replayed three times with the same output.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: receive_timeout.sh DEJA RECEIVE_TIMEOUT"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

records_print "$deja" "$prog" t.deja "server read 4, then EAGAIN; client got 3" "" \
	"-s random --seed 1" "-s pct:3 --seed 1" "-s parallel"
note "SO_RCVTIMEO ends a read in its wait: 4 recordings x 3 identical replays"
