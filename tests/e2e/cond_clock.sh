#!/usr/bin/env bash
# cond_clock.sh DEJA PROG
#
# A condition variable's clock is its attribute: a timed wait on one set to
# CLOCK_MONOTONIC measures its deadline on the monotonic clock (glibc keeps
# the choice in bit 1 of __wrefs; bit 0 means process-shared). Read as the
# realtime clock, a deadline 2 s away lay decades in the past and the wait
# timed out at once. Recorded with the default schedule, the program is
# signalled, and replays the same.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: cond_clock.sh DEJA PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

"$prog" >native || fail "the program fails natively"
rc=0
timeout 60 "$deja" record -q -o a.deja -- "$prog" >rec 2>err || rc=$?
[ $rc -eq 0 ] || { dump err rec; fail "record exited $rc (the wait timed out?)"; }
grep -qx signalled rec || { dump rec; fail "the monotonic timed wait did not see the signal"; }
replays_match "$deja" a.deja rec 3
note "a CLOCK_MONOTONIC condition's timed wait waits for its signal"
