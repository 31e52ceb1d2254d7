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

python3 "$script" >native
for seed in none 1 2; do
	# shellcheck disable=SC2046
	timeout 60 "$deja" record -q $(schedule_of $seed) -o "s$seed.deja" -- python3 "$script" >rec ||
		fail "record (schedule $seed) exited $?"
	cmp -s native rec || { diff native rec >&2 || true; fail "schedule $seed printed other bytes than natively"; }
	replays_match "$deja" "s$seed.deja" rec 3
done
note "calls naming a child by its pid replay identically"
