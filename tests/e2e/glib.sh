#!/usr/bin/env bash
# glib.sh DEJA PROG
#
# A GLib program (PROG, programs/glib_pool.c: a GThreadPool, a
# GAsyncQueue, a GMutex and GCond, a thread made with g_thread_new)
# records under nonpreemptive, random and pct:3 and prints what it prints
# natively, and each recording replays identically: GLib's locks and
# conditions wait in raw futex calls, which deja models.  Under
# --strategy parallel it records too; its replay is identical or
# diverges with the line that says parallel mode cannot steer GLib's
# locks in memory (README: record such a program with a serialised
# strategy), never anything else.  Needs libglib2.0-dev
# (scripts/setup.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: glib.sh DEJA PROG"
deja=$(abspath "$1") prog=$2
require_file "$deja"
[ "$prog" != missing ] || fail "libglib2.0-dev was not found when deja was configured: run scripts/setup.sh"
prog=$(abspath "$prog")
require_file "$prog"
cd "$tmp"

"$prog" >expected || fail "native run failed"
[ "$(cat expected)" = "popped 210, summed 210" ] || { dump expected; fail "the native run printed something else"; }
for opts in "" "--strategy random --seed 3" "--strategy pct:3 --seed 5" "--strategy random --seed 8"; do
	rc=0
	# shellcheck disable=SC2086 # the options are words on purpose
	timeout 60 "$deja" record -q $opts -o pool.deja -- "$prog" >out 2>err || rc=$?
	[ $rc -eq 0 ] || { dump err; fail "${opts:-default}: deja record exited $rc"; }
	cmp -s expected out || { diff expected out >&2 || true; fail "${opts:-default}: output differs"; }
	replays_match "$deja" pool.deja out 3
	note "${opts:-default}: recorded; 3 replays identical"
done

for i in 1 2 3; do
	rc=0
	timeout 60 "$deja" record -q --strategy parallel -o par.deja -- "$prog" >out 2>err || rc=$?
	[ $rc -eq 0 ] || { dump err; fail "parallel: deja record exited $rc"; }
	cmp -s expected out || { diff expected out >&2 || true; fail "parallel: output differs"; }
	rc=0
	timeout 60 "$deja" replay -q par.deja >rout 2>err </dev/null || rc=$?
	if [ $rc -eq 0 ]; then
		cmp -s expected rout || fail "parallel: an identical replay printed other bytes"
		note "parallel recording $i: replay identical"
	else
		# (The lock named by the replay's check of the event, or a thread
		# found stuck on it by the runtime: either names GLib's.)
		grep -q "GLib's GMutex and GCond" err ||
			{ dump err; fail "parallel: the replay exited $rc without saying why"; }
		note "parallel recording $i: replay diverged, naming GLib's locks in memory"
	fi
done
