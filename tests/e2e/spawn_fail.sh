#!/usr/bin/env bash
# spawn_fail.sh DEJA SPAWN_FAIL
#
# posix_spawn's errors reach the program.  glibc's posix_spawn clones its
# child vfork-style, and the child stores the errno of a failed exec (or
# file action) in the shared memory before it exits 127.  deja turns that
# clone into a fork, so the parent read 0 from its own copy: posix_spawn
# succeeded for a program that does not exist and the child exited 127
# (Rust's Command::new("/no/such").status() was Ok, not Err).  The clone
# now waits for its child's exec or end, as a vfork does, and fails with
# the errno the child reports.  spawn_fail spawns a missing program, a
# PATH search that finds nothing, /dev/null (EACCES), a failing open
# action, two programs that run (exiting 3 and 127) and two spawns from
# threads at once; recorded under the default strategy, seeded random
# schedules, PCT and parallel mode, each replayed three times.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: spawn_fail.sh DEJA SPAWN_FAIL"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

records_print "$deja" "$prog" t.deja \
	"missing ENOENT, searched ENOENT, plain EACCES, action ENOENT; sh 3 127; threads ENOENT" "" \
	"-s random --seed 1" "-s random --seed 2" "-s pct:3 --seed 1" "-s parallel"
note "posix_spawn's child errors reach the parent: 5 recordings x 3 identical replays"
