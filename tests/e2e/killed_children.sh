#!/usr/bin/env bash
# killed_children.sh DEJA
#
# deja killed with SIGKILL (no handler runs) while the program's forked
# children run: a shell's background loop making events, a child in a
# session of its own (setsid), and one blocked in the kernel (`sleep`).
# The top process died with deja (PR_SET_PDEATHSIG), but the children
# are the program's, not deja's: the loop spun on for some 30 s, until
# its full event ring made its runtime give up, and the sleep lived as
# long as it slept.  Now deja's guard (recorder/tree_guard.c), handed a
# pidfd of each followed child, kills them once deja is gone: none is
# left a few seconds later, whether deja recorded or replayed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || fail "usage: killed_children.sh DEJA"
deja=$(abspath "$1")
require_file "$deja"
cd "$tmp"

# The children's command lines carry the mark, made by the top shell (so
# that neither its own command line nor deja's has it): pgrep finds them.
mark="killed-children-e2e-$$"
half=${mark%-*}
prog="m=\${0}-$$
sh -c \"while :; do read -r x </etc/hostname; done # \$m\" &
setsid sh -c \"while :; do read -r x </etc/hostname; done # \$m\" &
sh -c \"sleep 1000; : \$m\" &
wait"
# A tree that ends by itself, for a replay to be killed in.
finite="m=\${0}-$$
for k in 1 2; do sh -c \"i=0; while [ \\\$i -lt 60000 ]; do i=\\\$((i+1)); read -r x </etc/hostname; done # \$m\" & done
wait"

# gone WHAT: no process of the program is left within 5 s.
gone() {
	for _ in $(seq 50); do
		pgrep -f "$mark" >/dev/null || return 0
		sleep 0.1
	done
	local left
	left=$(pgrep -af "$mark" || true)
	pkill -KILL -f "$mark" || true
	fail "$1: the program's children outlived the killed deja: $left"
}

# started N: N children are running.
started() {
	for _ in $(seq 100); do
		[ "$(pgrep -f "$mark" | wc -l)" -ge "$1" ] && return 0
		sleep 0.1
	done
	pkill -KILL -f "$mark" || true
	fail "the program's children did not start"
}

"$deja" record -q -o k.deja -- sh -c "$prog" "$half" >/dev/null 2>&1 &
pid=$!
started 3
sleep 0.5
kill -KILL $pid
wait $pid 2>/dev/null || true
gone "deja record"

# A recording to replay: two children's loops.
"$deja" record -q -o r.deja -- sh -c "$finite" "$half" >/dev/null 2>&1 || fail "recording the finite tree failed"
gone "deja record of the finite tree"
"$deja" replay r.deja >/dev/null 2>&1 &
pid=$!
started 2
kill -KILL $pid
wait $pid 2>/dev/null || true
gone "deja replay"
note "deja killed while recording or replaying: its program's children are ended"
