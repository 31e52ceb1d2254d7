#!/usr/bin/env bash
# futex.sh DEJA RAW_FUTEX_PROG
#
# Two threads synchronising only through raw futex syscalls: deja must
# emulate FUTEX_WAIT/FUTEX_WAKE (a real blocking wait would hang the
# serialised run).  Under the nonpreemptive strategy and 20 random seeds
# every recording must exit 0 well within 30 s and replay identically, and
# `deja show` must list the futex_wait and futex_wake events.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: futex.sh DEJA RAW_FUTEX_PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

n=0
for strategy in nonpreemptive $(seq 0 19); do
	if [ "$strategy" = nonpreemptive ]; then
		args=(-s nonpreemptive) what="nonpreemptive"
	else
		args=(-s random --seed "$strategy") what="random seed $strategy"
	fi
	trace=$tmp/futex-$n.deja
	rc=0
	timeout 30 "$deja" record -q "${args[@]}" -o "$trace" -- "$prog" >"$tmp/out" 2>"$tmp/err" || rc=$?
	if [ $rc -ne 0 ]; then
		dump "$tmp/err"
		[ $rc -ne 124 ] || fail "raw_futex under $what: deja record hung (killed after 30 s): raw futex waits not emulated?"
		fail "raw_futex under $what: deja record exited $rc, expected 0"
	fi
	grep -qx 'raw_futex ok' "$tmp/out" || { dump "$tmp/out"; fail "raw_futex under $what: no 'raw_futex ok' on stdout"; }
	rc=0
	timeout 30 "$deja" replay -q "$trace" >"$tmp/rout" 2>"$tmp/rerr" || rc=$?
	[ $rc -eq 0 ] || { dump "$tmp/rerr"; fail "raw_futex under $what: replay exited $rc, expected 0 (identical)"; }
	grep -qx 'raw_futex ok' "$tmp/rout" || { dump "$tmp/rout"; fail "raw_futex under $what: replay printed no 'raw_futex ok'"; }

	"$deja" show "$trace" >"$tmp/show" || fail "deja show of raw_futex ($what) exited $?"
	for op in futex_wait futex_wake; do
		grep -Eq "\b$op\(" "$tmp/show" || { dump "$tmp/show"; fail "deja show of raw_futex ($what) lists no $op events"; }
	done
	# The timed wait that nobody ends is recorded as timed out.
	timedout=$(sqlite3 "$trace" "SELECT count(*) FROM events WHERE op LIKE 'futex%' AND flags & 4")
	[ "$timedout" -ge 1 ] || fail "raw_futex ($what): the timed FUTEX_WAIT is not recorded as timed out"
	n=$((n + 1))
done
note "$n recordings exit 0, replay identical, futex_wait/futex_wake listed by show"
