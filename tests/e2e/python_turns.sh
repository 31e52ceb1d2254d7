#!/usr/bin/env bash
# python_turns.sh DEJA PY_SPIN_FLAG_SCRIPT
#
# A CPython worker spinning in pure Python until the main thread, back
# from a sleep, sets its flag, recorded with --python-lines under the
# default strategy and pct, finishes.  Each Python line's hook is a call
# through ctypes, which drops and takes the GIL: 8 events a line.  The
# main thread, woken by each drop, waited for the GIL's mutex, and a
# thread's turn (DEJA_SLICE_EVENTS events in a row while another could
# run) was 65,536 events, a multiple of 8: every turn ended at the same
# point of the line, where the worker held the GIL again, so the main
# thread went back to waiting, woken (never timed out, so never asking
# for the GIL), and the run spun until the step budget (CPython's own
# test_threading test_can_interrupt_tight_loops the same).  A turn is
# now a prime number of events, so turns end at every point of such a
# cycle.  Each recording exits 0, prints "done True" and replays twice
# identically.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: python_turns.sh DEJA PY_SPIN_FLAG_SCRIPT"
deja=$(abspath "$1") script=$(abspath "$2")
require_file "$deja" "$script" /usr/bin/python3
cd "$tmp"

for opts in "" "-s pct:3 --seed 1" "-s random --seed 2"; do
	rc=0
	# shellcheck disable=SC2086 # the options are words on purpose
	timeout 60 "$deja" record -q --python-lines $opts -o s.deja -- /usr/bin/python3 "$script" \
		>rec 2>err || rc=$?
	[ $rc -eq 0 ] || { dump rec err; fail "recording (${opts:-default}) exited $rc"; }
	[ "$(cat rec)" = "done True" ] || { dump rec; fail "recording (${opts:-default}) does not print: done True"; }
	replays_match "$deja" s.deja rec 2 60
done
note "a pure-Python spin on a flag the main thread sets ends under --python-lines: 3 strategies x 2 identical replays"
