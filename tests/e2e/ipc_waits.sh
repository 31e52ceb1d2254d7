#!/usr/bin/env bash
# ipc_waits.sh DEJA IPC_WAITS_PROG
#
# msgrcv, msgsnd, semop and the POSIX queue's receive and send waited in
# the kernel for another thread of the process, holding the right to
# run, and the run hung; now their waits are attempts.  Under several
# schedules the program prints what it does natively (a System V
# message's whole text, which a replay cut short by a long, the POSIX
# priorities, timeouts in virtual time), and each recording replays
# identically.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: ipc_waits.sh DEJA IPC_WAITS_PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

records_like_native "$deja" "$prog" i.deja
grep -q "'a whole text of twenty-nine b'" native || { dump native; fail "unexpected native output"; }
note "System V and POSIX IPC waits between threads are attempts: no hang, native output, identical replays"
