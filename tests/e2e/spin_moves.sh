#!/usr/bin/env bash
# spin_moves.sh DEJA PROG
#
# A thread that deja's interrupt finds in code it then leaves for good is
# looked at again where it spins.  PROG's main thread fills 256 MiB of
# fresh memory with one `rep stosb`, where the first interrupt lands, then
# spins on a flag its worker sets.  Before, the breakpoint set on the
# fill's instruction kept every later interrupt from watching the spin,
# and every recording spun until --timeout (the same happened, one
# recording in about fifteen under load, when the kernel's breakpoint
# stopped counting after its first hit: e2e.spin_at_end).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: spin_moves.sh DEJA PROG"
deja=$(abspath "$1")
prog=$(abspath "$2")
require_file "$deja"
require_file "$prog"
cd "$tmp"

for i in 1 2 3; do
	rc=0
	timeout 30 "$deja" record -q -o moves.deja -- "$prog" >rec 2>err || rc=$?
	[ $rc -eq 0 ] || { dump err; fail "recording $i exited $rc"; }
	[ "$(cat rec)" = "done 5a" ] || { dump rec; fail "recording $i printed something else than 'done 5a'"; }
	[ "$(sqlite3 moves.deja "SELECT count(*) FROM events WHERE op = 'interrupt'")" -ge 1 ] ||
		fail "recording $i has no interrupt: the spin was not stopped"
	replays_match "$deja" moves.deja rec 2 30
done
note "a spin after the instruction an interrupt found is stopped, and replays"
