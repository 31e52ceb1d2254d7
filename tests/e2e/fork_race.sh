#!/usr/bin/env bash
# fork_race.sh DEJA FORK_RACE
#
# Threads that fork at the same time, each waiting for the child its
# fork() returned (two threads calling system() together).  Under random
# schedules the fork event was a point to switch at, while glibc's fork()
# still held its malloc arenas' locks: a thread chosen there and started
# a thread of its own (deja's pthread_create allocates in glibc, where the
# trap does not see its waits) waited in the kernel for the forking
# thread, which waited for it, and the recording hung (seed 1).  And a
# fork() whose event let another thread fork returned that thread's
# child's pid in a replay, whose waitpid() then failed (system() returned
# -1).  Now a fork's event goes on with the forking thread: 20 random
# schedules each print what the program prints natively and replay
# identically twice.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: fork_race.sh DEJA FORK_RACE"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

"$prog" >native 2>&1 || fail "the program failed natively"
for seed in $(seq 1 20); do
	rc=0
	timeout 60 "$deja" record -q --timeout 20 -s random --seed "$seed" -o race.deja -- "$prog" \
		>rec 2>err || rc=$?
	[ $rc -eq 0 ] || { dump err; fail "record with seed $seed exited $rc"; }
	cmp -s native rec || { diff native rec >&2 || true; fail "seed $seed printed other bytes than the native run"; }
	replays_match "$deja" race.deja rec 2 30
done
note "20 random schedules of threads forking together: as natively, replays identical"
