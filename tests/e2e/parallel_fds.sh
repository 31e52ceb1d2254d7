#!/usr/bin/env bash
# parallel_fds.sh DEJA FD_NUMBERS
#
# Descriptor numbers in parallel mode.  Four threads open, pipe, dup,
# make eventfds and socketpairs and close them at once; each adds the
# numbers it got, which depend on how the threads' calls interleave (the
# kernel gives the lowest free number).  A pipe2, dup or close was no
# event in parallel mode and an open was made before its event, so a
# replay's threads got other numbers than the recording's: every parallel
# replay diverged at the first printed sum, and CPython's
# subprocess.communicate() from several threads (poll's array given back
# with the recorded numbers) diverged one replay in two.  Such calls are
# now events made at their turn, in the recording and in its replay.  An
# open was made before its event in every mode, so a seeded random
# schedule that switched at an open let another thread's pipe take its
# number in the replay (where the open's stand-in comes at its event):
# opens in a process with threads are made at their event now.  Three
# parallel recordings, a default one, two seeded random ones and a PCT
# one, each replayed twice with the same output.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: parallel_fds.sh DEJA FD_NUMBERS"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

four_sums() {
	[ "$(grep -c 'sum of descriptors' "$1")" -eq 4 ]
}
records_check "$deja" "$prog" f.deja four_sums 2 120 "-s parallel" "-s parallel" "-s parallel" "" \
	"-s random --seed 1" "-s random --seed 2" "-s pct --seed 5"
note "descriptors numbered in the events' order: 7 recordings x 2 identical replays"
