#!/usr/bin/env bash
# glibc_threads.sh DEJA GLIBC_THREADS_PROG
#
# Threads glibc makes for itself with a raw clone(), past pthread_create
# (POSIX AIO's workers, the helper of SIGEV_THREAD timers), are followed as
# threads of the model: the reads complete, the virtual timer fires three
# times, under several schedules, every replay prints the recorded bytes,
# and a hunt of 200 runs finds no failure.  Under --strategy parallel they
# are not followed, and deja says so: it said "a raw clone() of a thread
# without thread-local storage of its own", which they have.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: glibc_threads.sh DEJA GLIBC_THREADS_PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

printf 'abcdefgh12345678ABCDEFGH87654321' >input
"$prog" input >native
for seed in none 1 2 3; do
	rc=0
	timeout 60 "$deja" record -q $(schedule_of "$seed") -o g.deja -- "$prog" input >rec 2>err || rc=$?
	[ $rc -eq 0 ] || { dump rec err; fail "seed $seed: record exited $rc"; }
	cmp -s native rec || { diff native rec >&2 || true; fail "seed $seed: the output differs from native"; }
	"$deja" show g.deja >show.txt
	grep -q 'thread_create() -> thread [0-9]* *__clone' show.txt ||
		{ dump show.txt; fail "seed $seed: no thread of glibc's own was followed"; }
	replays_match "$deja" g.deja rec 10 60
done
rc=0
timeout 120 "$deja" hunt -q --runs 200 -o h.deja -- "$prog" input >hunt.out 2>&1 || rc=$?
[ $rc -eq 0 ] || { dump hunt.out; fail "a hunt failed (exit $rc)"; }
note "POSIX AIO's and SIGEV_THREAD's own threads followed: 4 schedules x 10 identical replays, 200 hunt runs without a failure"

rc=0
timeout 60 "$deja" record -q -s parallel -o p.deja -- "$prog" input >prec 2>perr || rc=$?
grep -q 'not followed under --strategy parallel' perr || { dump perr; fail "--strategy parallel: no message saying glibc's threads are not followed there"; }
! grep -q 'without thread-local storage' perr || { dump perr; fail "--strategy parallel: the message blames thread-local storage"; }
note "under --strategy parallel, deja says glibc's own threads are not followed there"
