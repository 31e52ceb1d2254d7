#!/usr/bin/env bash
# own_fds.sh DEJA OWN_FDS_PROG
#
# The program dup2()s its stderr onto every descriptor from 3 to 1023,
# then forks a child with a thread and execs a shell.  deja's own
# descriptors move out of the way: the run is followed to its end (the
# child and the exec'd shell included) and replays identically.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: own_fds.sh DEJA OWN_FDS_PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

rc=0
timeout 60 "$deja" record -o o.deja -- "$prog" >rec 2>err || rc=$?
[ $rc -eq 0 ] || { dump rec err; fail "record exited $rc"; }
grep -qx "took 1021 descriptors" rec || { dump rec; fail "the program could not take every descriptor"; }
grep -qx "child said: from the child's thread" rec || { dump rec err; fail "the child's thread did not report"; }
grep -qx "exec went on" rec || { dump rec err; fail "the exec'd shell did not run"; }
grep -q "child processes followed: 1" err || { dump err; fail "the forked child was not followed"; }
"$deja" show o.deja >show
grep -q " exec() = 0 " show || { dump show; fail "the exec was not followed into the shell"; }
replays_match "$deja" o.deja rec 10 60
note "descriptors 3-1023 taken by the program; fork, thread and exec still followed, 10 replays identical"
