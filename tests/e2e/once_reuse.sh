#!/usr/bin/env bash
# once_reuse.sh DEJA ONCE_REUSE
#
# A pthread_once_t made where a freed one was.  The model kept a once
# done by its address alone, so a new once at that address (every
# std::promise holds one, which set_value runs through) was taken for
# done: its function never ran, and a program that set two promises one
# after the other died of "std::future_error: Promise already satisfied"
# under deja, as did std::async in a loop.  A done once whose memory reads
# PTHREAD_ONCE_INIT is now a new one.  Recorded under the default
# strategy, seeded random and pct schedules and --strategy parallel;
# each recording prints what the native run does and replays 3 times.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: once_reuse.sh DEJA ONCE_REUSE"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

expected="promises 380 onces 20"
[ "$("$prog")" = "$expected" ] || fail "the native run does not print: $expected"

records_print "$deja" "$prog" o.deja "$expected" "" "-s random --seed 1" "-s random --seed 2" "-s pct --seed 5" "-s parallel"
note "onces made where freed ones were run their functions: 5 recordings x 3 identical replays"
