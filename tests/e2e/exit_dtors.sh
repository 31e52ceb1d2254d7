#!/usr/bin/env bash
# exit_dtors.sh DEJA EXIT_DTORS
#
# A thread's thread_local and pthread key destructors run in the model.
# glibc runs them after the thread's routine has returned, and the
# runtime recorded THREAD_EXIT there, before them: they ran unmanaged, so
# what they did to the model's objects went past it.  A
# std::notify_all_at_thread_exit, a thread_local's or a key's destructor
# that notifies a condition never woke its waiter, and every run ended as
# a deadlock; so did a key's of a cancelled thread.  The trampoline (its
# cleanup handler for a cancelled thread) now runs both lists before the
# thread leaves.  Recorded under the default strategy, seeded random and pct
# schedules and --strategy parallel; each recording prints what the
# native run does and replays 3 times identically.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: exit_dtors.sh DEJA EXIT_DTORS"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

expected="notify 1 promise 7 thread_local 1 key 1 cancelled 1"
[ "$("$prog")" = "$expected" ] || fail "the native run does not print: $expected"

records_print "$deja" "$prog" e.deja "$expected" "" "-s random --seed 1" "-s random --seed 2" "-s pct --seed 5" "-s parallel"
note "destructors run at a thread's exit reach the model: 5 recordings x 3 identical replays"
