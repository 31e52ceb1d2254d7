#!/usr/bin/env bash
# shared_sync.sh DEJA PROG
#
# Locks shared between processes are the real ones: a parent and its
# forked child each add to counters in shared memory under a
# process-shared mutex, rwlock and spinlock. Modelled per process, each
# process took its own copy of the lock and updates were lost (a counter
# came out at half). Recorded under two schedules, every counter is whole,
# and the replays, which take the real locks where the recording did,
# print the same; a timed wait on a shared condition times out.  Two
# threads of the parent and the child meet at a process-shared barrier of
# three, 20 rounds of two waits: modelled per process, the parent's two
# threads waited for a third that never came (a deadlock, or a hang).
# Each party must see the others' writes of every round, one wait per
# round returns PTHREAD_BARRIER_SERIAL_THREAD, and the replays print it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: shared_sync.sh DEJA PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

"$prog" >native || { dump native; fail "the program fails natively"; }
for seed in none 3; do
	rc=0
	timeout 120 "$deja" record -q $(schedule_of $seed) -o s.deja -- "$prog" >rec 2>err || rc=$?
	[ $rc -eq 0 ] || { dump err rec; fail "record ($seed) exited $rc: a lock shared between processes did not exclude, or a shared barrier did not meet"; }
	cmp -s native rec || { dump native rec; fail "the recording ($seed) printed other counters than the native run"; }
	timeout 120 "$deja" show s.deja >show.txt
	grep -q 'sync_shared(mutex_lock_try) = 0' show.txt || fail "no shared mutex call was recorded"
	grep -q 'sync_shared(spin_unlock) = 0' show.txt || fail "no shared spinlock call was recorded"
	grep -q 'sync_shared(barrier_enter) = 0' show.txt || fail "no shared barrier's entry was recorded"
	grep -q 'sync_shared(barrier_leave) = 1' show.txt || fail "no shared barrier's serial leave was recorded"
	grep -q 'sync_shared(barrier_destroy) = 0' show.txt || fail "no shared barrier's destroy was recorded"
	replays_match "$deja" s.deja rec 3 120
	rm -f s.deja
done
note "process-shared mutex, rwlock, spinlock exclude across processes, a shared barrier meets across them; 2 recordings x 3 replays"
