#!/usr/bin/env bash
# sig_pending.sh DEJA SIG_PENDING
#
# Signals a program sends itself while blocking them are held by deja,
# not by the kernel: sigpending() shows them as natively (Python's
# signal.sigpending() read an empty set), and not once sigwait() took
# them.  Recorded under two schedules, each replayed identically.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: sig_pending.sh DEJA SIG_PENDING"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

expected='before: 0 0
sent: 1 1
took 12, left: 1 0
took 10, left: 0 0'
[ "$("$prog")" = "$expected" ] || fail "the program's native output is not the expected one"
for seed in none 1; do
	rc=0
	# shellcheck disable=SC2046
	timeout 30 "$deja" record -q -o s.deja $(schedule_of "$seed") -- "$prog" >rec 2>err || rc=$?
	[ $rc -eq 0 ] || { dump rec err; fail "record (seed $seed) exited $rc"; }
	[ "$(cat rec)" = "$expected" ] || { diff <(echo "$expected") rec >&2 || true; fail "record (seed $seed) printed other output"; }
	replays_match "$deja" s.deja rec 3 30
done
note "sigpending() shows the signals deja holds: 2 schedules x 3 identical replays"
