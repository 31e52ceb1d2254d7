#!/usr/bin/env bash
# file_times.sh DEJA FILE_TIMES
#
# The kernel stamps files with the real time, and the program's clock under
# deja is virtual and runs behind it (a child's too: it starts where its
# parent's stood).  A file the program had just written was stamped in its
# future: `make` warned "Clock skew detected", `ls -l` printed a year for a
# time.  Now the times a stat gives move the clock up to them: the program
# (a parent and a forked child, each after working a while without a
# scheduling point) finds its file's times in the past by stat, fstat,
# statx, clock_gettime and time(), as natively, and the recordings replay
# identically.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: file_times.sh DEJA FILE_TIMES"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

"$prog" >native
grep -q 'in the future\|before the mtime' native && fail "natively a file was stamped in the future"
for run in 1 2 3; do
	"$deja" record -q -o "t$run.deja" -- "$prog" >rec || fail "record $run exited $?"
	cmp -s native rec || { diff native rec >&2 || true; fail "record $run: the program saw its file stamped in its future"; }
	replays_match "$deja" "t$run.deja" rec 2
done
note "a file just written is stamped in the program's past, under record and replay"
