#!/usr/bin/env bash
# hidden_count.sh DEJA HIDDEN_COUNT_PROG
#
# A loop that computes, not spins, although each pass over an instruction
# leaves the registers and the top 128 bytes of the stack as the pass
# before: what it counts lies further up the stack (programs/hidden_count.c,
# the shape of `openssl speed`).  The interrupt watch took it for a spin:
# the recording stopped it and jumped the clock to its alarm, which ended
# the loop early, and every replay stopped it at another pass and
# diverged.  Passes are now compared by the thread's whole stack: the loop
# runs to its end, as natively, and replays identically.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: hidden_count.sh DEJA HIDDEN_COUNT_PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

records_like_native "$deja" "$prog" count.deja
"$deja" show count.deja >shown || fail "deja show exited $?"
! grep -q " interrupt(" shown || fail "the computing loop was stopped as a spin"
note "a loop whose count lies up the stack is left to compute: native output, identical replays"
