#!/usr/bin/env bash
# spin_at_end.sh DEJA PROG
#
# A run that ends while a thread stands stopped at an interrupt (a spin
# deja stopped in code built without ticks): PROG's worker spins on a flag
# nobody sets, is stopped there, and main exits.  The recording keeps
# where it stood (threads.stopped_ip, stopped_regs), and each replay stops
# it there again after its last event.  Before, the replay let the worker
# run on after its last event, it spun for ever where the recording's had
# given the turn away to main, and every replay hung (an OpenMP program
# under OMP_WAIT_POLICY=active, whose idle workers spin at its exit, did
# the same).  PROG's main yields to the worker twice first, and it goes
# on from its stop into the same spin: where the interrupt lands decides
# whether its last event has the same instruction and registers as the
# stop it stands at when main exits, which is a stop all the same (a
# first version of the fix skipped it, and a recording of an OpenMP
# program whose worker stood stopped twice alike hung in its replay).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: spin_at_end.sh DEJA PROG"
deja=$(abspath "$1")
prog=$(abspath "$2")
require_file "$deja"
require_file "$prog"
cd "$tmp"

timeout 60 "$deja" record -q -o end.deja -- "$prog" >rec 2>err || { dump err; fail "the recording failed"; }
[ "$(cat rec)" = done ] || { dump rec; fail "the recording printed something else than 'done'"; }
[ "$(sqlite3 end.deja 'SELECT count(*) FROM threads WHERE stopped_ip IS NOT NULL')" = 1 ] ||
	fail "the recording does not say that the worker stood stopped at an interrupt"
replays_match "$deja" end.deja rec 3 30
note "a thread stopped at an interrupt when the run ended stops there in each replay"
