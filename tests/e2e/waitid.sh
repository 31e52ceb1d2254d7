#!/usr/bin/env bash
# waitid.sh DEJA WAITID_THREADS_PROG
#
# waitid for a child that ends only once another thread of the parent has
# written to it waited in the kernel holding the right to run, and the
# run hung (wait4 was already a wait among threads).  Now it is made as
# that wait4: under several schedules the program prints what it does
# natively (the siginfo of an exit and of a kill), and replays
# identically.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: waitid.sh DEJA WAITID_THREADS_PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

records_like_native "$deja" "$prog" w.deja
note "waitid among threads waits while they run, and replays"
