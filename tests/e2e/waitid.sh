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

"$prog" >native 2>&1 || { dump native; fail "the program failed natively"; }
for seed in none 1 2 3; do
	# shellcheck disable=SC2046
	timeout 60 "$deja" record -q $(schedule_of $seed) -o w.deja -- "$prog" >rec 2>err ||
		{ dump rec err; fail "record (schedule $seed) failed or hung"; }
	cmp -s native rec || { diff native rec >&2 || true; fail "schedule $seed printed other bytes than the native run"; }
	replays_match "$deja" w.deja rec 2 30
done
note "waitid among threads waits while they run, and replays"
