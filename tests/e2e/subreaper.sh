#!/usr/bin/env bash
# subreaper.sh DEJA SUBREAPER
#
# A subreaper (PR_SET_CHILD_SUBREAPER) reaps its orphaned grandchild.  A
# replay gave each wait of a child of its own the recorded pid, but the
# grandchild's was the replay's real one (the recorded reap of a process
# that was not the reaper's own fork was not mapped), and the replay
# diverged.  Now the replay asks deja which process of the tree the
# recorded pid was, waits for it, and gives the recorded pid: the program
# prints what it prints natively and replays identically, again and again.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: subreaper.sh DEJA SUBREAPER"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

records_like_native "$deja" "$prog" reaper.deja
grep -q 'reaped the grandchild: exit 7' native || fail "natively the grandchild was not reaped"
replays_match "$deja" reaper.deja rec 10
note "a subreaper's wait for an orphaned grandchild replays identically"
