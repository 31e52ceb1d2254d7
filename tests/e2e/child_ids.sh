#!/usr/bin/env bash
# child_ids.sh DEJA PY_CHILD_IDS
#
# A replay shows the program its children's recorded pids; calls that
# take a pid besides kill() passed them to the kernel unmapped:
# setpriority(PRIO_PROCESS, child) (Python's os.setpriority, renice)
# failed with ESRCH in the replay, which diverged.  Now they map it
# (getpriority, setpriority, ioprio_get/set, sched_*attr,
# process_vm_readv/writev, kcmp, and the sched_* and prlimit calls also
# for another process of the tree): the program prints what it prints
# natively, and replays identically.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: child_ids.sh DEJA PY_CHILD_IDS"
deja=$(abspath "$1") script=$(abspath "$2")
require_file "$deja" "$script"
cd "$tmp"

records_like_native "$deja" python3 ids.deja "$script"
note "calls naming a child by its pid replay identically"
