#!/usr/bin/env bash
# nonblocking.sh DEJA NONBLOCKING_PROG
#
# Sockets as event loops use them: a read of a non-blocking socket that has
# nothing fails with EAGAIN at once under deja too (it does not wait for
# input, which would hang a loop that drains its socket), and an accepted
# socket takes options in a replay as it did when recorded (the replay
# feeds accept and stands a socket in for the connection), and a recv with
# MSG_WAITALL does not start waiting in the kernel at its first byte while
# the rest must come from another thread (it hung).  Recorded under
# several schedules, each replayed, the peer gone.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: nonblocking.sh DEJA NONBLOCKING_PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

want_server="server: TCP_NODELAY set, got 2 bytes, then EAGAIN"
for seed in none 1 2 3; do
	rc=0
	timeout 60 "$deja" record -q $(schedule_of "$seed") -o n.deja -- "$prog" >rec 2>err || rc=$?
	[ $rc -ne 124 ] || fail "seed $seed: record hung"
	[ $rc -eq 0 ] || { dump rec err; fail "seed $seed: record exited $rc"; }
	grep -qxF "$want_server" rec || { dump rec; fail "seed $seed: the server did not see '$want_server'"; }
	grep -qx "client: got 'ok' (2 bytes)" rec || { dump rec; fail "seed $seed: the client did not get the answer"; }
	replays_match "$deja" n.deja rec 3 60
done
note "non-blocking reads give EAGAIN, accepted sockets take options in replay (4 schedules x 3 replays)"
