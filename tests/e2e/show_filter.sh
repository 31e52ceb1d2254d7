#!/usr/bin/env bash
# show_filter.sh DEJA LOCK_ORDER
#
# `deja show --events A-B` and `--thread T` narrow the listing of a
# recorded run to a range of events and to one thread (a long run's
# listing was all of it, hundreds of thousands of lines): exactly the
# events asked for, in order, with a line saying how many were shown,
# and the rest of the report (counts, outcome) as before.  A range or a
# thread that is not one, a range backwards, and --json or --script
# with either are usage errors (exit 2).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: show_filter.sh DEJA LOCK_ORDER"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

rc=0
"$deja" record -q -s random --seed 3 -o t.deja -- "$prog" >/dev/null 2>&1 || rc=$?
[ $rc -le 1 ] || fail "deja record exited $rc"
total=$(sqlite3 t.deja "SELECT count(*) FROM events")
[ "$total" -ge 10 ] || fail "the recording has only $total events"

# The event numbers a listing shows (its lines that start with a number).
listed() { awk '$1 ~ /^[0-9]+$/ && $2 ~ /^T[0-9]+$/ { print $1 }' "$1" | paste -sd' '; }

"$deja" show --events 3-6 t.deja >range || fail "show --events 3-6 failed"
[ "$(listed range)" = "3 4 5 6" ] || { dump range; fail "show --events 3-6 listed: $(listed range)"; }
grep -q "^(4 of the top process's events shown" range || fail "show --events 3-6 does not say how many it showed"
grep -q "^outcome:" range || fail "show --events 3-6 left out the outcome"

"$deja" show --events 5 t.deja >one
[ "$(listed one)" = "5" ] || fail "show --events 5 listed: $(listed one)"
"$deja" show --events "$((total - 2))-" t.deja >tail
[ "$(listed tail)" = "$((total - 2)) $((total - 1))" ] || fail "show --events $((total - 2))- listed: $(listed tail)"

want=$(sqlite3 t.deja "SELECT group_concat(seq, ' ') FROM (SELECT seq FROM events WHERE thread = 2 ORDER BY seq)")
for t in T2 2; do
	"$deja" show --thread "$t" t.deja >thread
	[ "$(listed thread)" = "$want" ] || { dump thread; fail "show --thread $t listed $(listed thread), want $want"; }
	awk '$1 ~ /^[0-9]+$/ && $2 ~ /^T[0-9]+$/ && $2 != "T2" { exit 1 }' thread || fail "show --thread $t listed another thread's event"
done
"$deja" show --thread T2 --events -6 t.deja >both
want=$(sqlite3 t.deja "SELECT group_concat(seq, ' ') FROM (SELECT seq FROM events WHERE thread = 2 AND seq <= 6 ORDER BY seq)")
[ "$(listed both)" = "$want" ] || fail "show --thread T2 --events -6 listed $(listed both), want $want"

"$deja" show t.deja >all
[ "$(listed all | wc -w)" -eq "$total" ] || fail "show without a filter did not list all $total events"
grep -q "events shown" all && fail "show without a filter says it narrowed the listing"

for bad in "--events x" "--events -" "--events 6-3" "--thread x" "--thread T" "--events 1-2 --json" "--thread 1 --script" "--thread T99"; do
	rc=0
	# shellcheck disable=SC2086 # the options are words on purpose
	"$deja" show $bad t.deja >out 2>err || rc=$?
	[ $rc -eq 2 ] || fail "show $bad exited $rc, not 2"
	[ -s err ] || fail "show $bad: no message on stderr"
done
grep -q "no thread 99" err || { dump err; fail "show --thread T99 does not say there is no such thread"; }
note "show --events and --thread list exactly what they ask for; 8 bad uses (a thread the trace lacks among them) exit 2"
