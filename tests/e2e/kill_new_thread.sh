#!/usr/bin/env bash
# kill_new_thread.sh DEJA KILL_NEW_THREAD
#
# pthread_kill() of a thread made at once after pthread_create(), before
# the new thread has run.  The new thread noted its kernel id itself, as
# it started, so the runtime often found no thread of the model with the
# id it was asked to signal: the kernel sent the signal, no event was made
# and another thread (main) handled it (3 of 20 signals reached their
# thread), and the replays diverged.  pthread_create now returns once the
# new thread's id is known.  Recorded under the default strategy, seeded
# random schedules and --strategy parallel; every signal reaches its
# thread and each recording replays 3 times identically.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: kill_new_thread.sh DEJA KILL_NEW_THREAD"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

expected="20 of 20 signals handled by the thread they were sent to"
[ "$("$prog")" = "$expected" ] || fail "the native run does not print: $expected"

records_print "$deja" "$prog" k.deja "$expected" "" "-s random --seed 1" "-s random --seed 2" "-s random --seed 3" "-s parallel"
note "pthread_kill() of a thread not yet run reaches it: 5 recordings x 3 identical replays"
