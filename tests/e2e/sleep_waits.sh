#!/usr/bin/env bash
# sleep_waits.sh DEJA SLEEP_WAITS_PROG
#
# select, pselect and poll on no descriptor are sleeps: each ends by its
# timeout in virtual time (select returned at once, with the clock where
# it was), and replays print the same.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: sleep_waits.sh DEJA SLEEP_WAITS_PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

timeout 60 "$deja" record -q -o s.deja -- "$prog" >rec 2>err || { dump err; fail "record failed"; }
printf '%s\n' "select: 0 after 1500 ms" "select of an empty set: 0 after 250 ms" \
	"pselect: 0 after 300 ms" "poll: 0 after 700 ms" >expected
cmp -s expected rec || { diff expected rec >&2 || true; fail "a wait on no descriptor did not last its timeout"; }
replays_match "$deja" s.deja rec 3
note "select, pselect and poll on no descriptor sleep their timeouts in virtual time; 3 replays identical"
