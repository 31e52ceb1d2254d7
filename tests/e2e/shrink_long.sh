#!/usr/bin/env bash
# shrink_long.sh DEJA POOL_STATS
#
# shrink of a random run with thousands of preemptions.  pool_stats loses
# a count when a worker is preempted inside one job in a hundred; a
# random schedule (seed 1) preempts it 1856 times and fails.  ddmin keeps
# the forced switches where they were while it cuts the preemptions, so
# the removal-minimum (no preemption at all) ran with hundreds of them
# (forced switches that now switched from a thread that could go on),
# and the 1-minimality check then removed those one run at a time,
# starting over from the first after each one it took: hundreds of check
# runs for a result of two or three.  ddmin now goes again over the kept
# run's own preemptions while that run has more than the script asked
# for, and the check goes on from where it took one; the few preemptions
# left take a check run or two each.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: shrink_long.sh DEJA POOL_STATS"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

rc=0
"$deja" record -q -s random --seed 1 -o fail.deja -- "$prog" >/dev/null 2>&1 || rc=$?
[ $rc = 1 ] || fail "the random recording (seed 1) exited $rc, not 1"
recorded=$(sqlite3 fail.deja 'SELECT preemptions FROM run')
[ "$recorded" -gt 1000 ] || fail "the random recording has only $recorded preemptions"

rc=0
"$deja" shrink --search-time 0 -o small.deja fail.deja >out 2>err || rc=$?
[ $rc = 0 ] || { dump out err; fail "shrink exited $rc"; }
line=$(grep '^shrunk:' out err | head -1)
[[ $line =~ preemptions\ [0-9]+\ -\>\ ([0-9]+),.*1-minimal.*:\ ([0-9]+)\ check\ runs?\)\;\ ([0-9]+)\ runs ]] ||
	{ dump out err; fail "no result line with the preemptions and the runs"; }
kept=${BASH_REMATCH[1]} checks=${BASH_REMATCH[2]} runs=${BASH_REMATCH[3]}
[ "$kept" -ge 1 ] && [ "$kept" -le 4 ] || { dump out err; fail "shrink kept $kept preemptions"; }
# One check run per preemption kept, and one more pass when one was taken.
[ "$checks" -le $((2 * kept + 2)) ] ||
	{ dump out err; fail "the 1-minimality check took $checks runs for $kept preemptions"; }
[ "$runs" -le 600 ] || { dump out err; fail "shrink took $runs runs"; }
rc=0
"$deja" replay -q small.deja >/dev/null 2>&1 || rc=$?
[ $rc = 0 ] || fail "the shrunk trace does not replay identically (exit $rc)"
note "a random run's $recorded preemptions shrink to $kept in $runs runs ($checks check runs)"
