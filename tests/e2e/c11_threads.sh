#!/usr/bin/env bash
# c11_threads.sh DEJA C11_THREADS
#
# C11 threads (<threads.h>: thrd_create, thrd_exit, thrd_join, call_once,
# plain, recursive and timed mtx_t, trylock, a cnd_t with a timed wait)
# record and replay under the serialised strategies and --strategy
# parallel, as the pthread objects they are.  glibc makes them with its
# own internal pthread calls, past the runtime's interposers: the threads
# came as raw clone()s, which parallel mode refused (the recording failed),
# and the locks as futex words.  The runtime now interposes the C11 calls
# (runtime/interpose_c11.c): the events are mutex and condition
# operations at the program's lines.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: c11_threads.sh DEJA C11_THREADS"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

expected="results 6, total 600, timed wait timed out, 1 init, trylock busy, timedlock locked"
[ "$("$prog")" = "$expected" ] || fail "the native run does not print: $expected"

records_print "$deja" "$prog" c.deja "$expected" "" "-s random --seed 1" "-s random --seed 2" "-s pct --seed 5" \
	"-s parallel" "-s parallel"
note "C11 threads: 4 serialised and 2 parallel recordings x 3 identical replays"

# The C11 calls are the model's operations, at the program's own lines.
n=$(sqlite3 c.deja "SELECT count(*) FROM events e JOIN sites s ON s.address = e.site
	WHERE e.op IN ('mutex_lock', 'mutex_unlock') AND s.file LIKE '%c11_threads.c'")
[ "$n" -ge 600 ] || fail "the parallel recording has $n mutex events at c11_threads.c's lines (want 600 or more)"
for op in thread_create join once_begin cond_wait mutex_trylock; do
	[ "$(sqlite3 c.deja "SELECT count(*) FROM events WHERE op = '$op'")" -gt 0 ] ||
		fail "the parallel recording has no $op event"
done
note "C11 calls are recorded as thread, mutex, condition and once operations"
