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

records_like_native "$deja" python3 pidfd.deja "$script"
note "pidfds of children: opened, selected, signalled and waited on, replayed identically"
