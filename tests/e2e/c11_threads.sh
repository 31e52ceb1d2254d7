#!/usr/bin/env bash
# c11_threads.sh DEJA C11_THREADS
#
# C11 threads (<threads.h>: thrd_create, mtx_t, cnd_t, a timed wait,
# thrd_join) record and replay under serialised strategies: glibc makes
# them with its own pthread_create, past the runtime's, so they come to
# the runtime as raw clone()s, which it follows.  Under --strategy
# parallel such clones are refused, and the message now names C11's
# thrd_create beside glibc's timer and AIO helpers (it named only those,
# which a program with neither could not make sense of).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: c11_threads.sh DEJA C11_THREADS"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

expected="results 6, total 600, timed wait timed out"
[ "$("$prog")" = "$expected" ] || fail "the native run does not print: $expected"

for opts in "" "-s random --seed 1" "-s random --seed 2" "-s pct --seed 5"; do
	rm -f c.deja
	rc=0
	# shellcheck disable=SC2086 # the options are words on purpose
	timeout 60 "$deja" record -q $opts -o c.deja -- "$prog" >rec 2>err || rc=$?
	[ $rc -eq 0 ] || { dump rec err; fail "recording (${opts:-default}) exited $rc"; }
	[ "$(cat rec)" = "$expected" ] || { dump rec; fail "recording (${opts:-default}) printed other output"; }
	replays_match "$deja" c.deja rec 3 60
done
note "C11 threads: 4 serialised recordings x 3 identical replays"

rc=0
timeout 60 "$deja" record -q -s parallel -o p.deja -- "$prog" >prec 2>perr || rc=$?
grep -q 'thrd_create().*not followed under --strategy parallel' perr ||
	{ dump perr; fail "--strategy parallel: the message does not name thrd_create"; }
note "under --strategy parallel, deja says C11 threads are not followed there"
