#!/usr/bin/env bash
# pidfd.sh DEJA PY_PIDFD
#
# A replay shows the program its children's recorded pids; pidfd_open()
# passed such a pid to the kernel unmapped, and failed (no such process):
# Python's os.pidfd_open(child.pid) raised in the replay, which diverged.
# Now pidfd_open maps the pid as kill() does, and a signal sent through a
# pidfd of a process of the tree is held back (that process replays its
# recorded signals): the program prints what it prints natively, and its
# recording replays identically.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: pidfd.sh DEJA PY_PIDFD"
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
note "pidfds of children: opened, selected, signalled and waited on, replayed identically"
