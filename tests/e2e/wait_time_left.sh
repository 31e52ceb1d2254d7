#!/usr/bin/env bash
# wait_time_left.sh DEJA WAIT_TIME_LEFT
#
# Linux writes the time left into the timeout of select() (glibc hands it
# the caller's timeval) and of the raw ppoll and pselect6 syscalls.  Under
# deja these waits run on the virtual clock and the kernel saw a zero
# timeout (or, in a replay, no call): a timed-out select left its timeval
# as it was (10000 us where natively 0), and so did an interrupted one.
# Now the time left on the virtual clock is written, the same in record
# and replay: the program prints what it prints natively, and replays
# identically.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: wait_time_left.sh DEJA WAIT_TIME_LEFT"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

records_like_native "$deja" "$prog" left.deja
grep -q 'select timed out: 0, left 0.000000' native || fail "natively the select did not leave 0"
note "select, ppoll and pselect6 leave the time left in their timeout, as natively"
