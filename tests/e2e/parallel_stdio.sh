#!/usr/bin/env bash
# parallel_stdio.sh DEJA PARALLEL_STDIO PY_PRINT_THREADS_SCRIPT
#
# Under --strategy parallel, threads printing to one stream (printf,
# fputs, fwrite, putchar, fprintf, puts, flockfile) filled its buffer in the order
# they took glibc's stream lock, in memory, where deja saw nothing: a
# replay's threads took it in another order, so its writes had other bytes
# or a thread stood in a futex for a lock that a thread waiting for its
# turn held; every parallel replay of a recording to a file diverged.
# Each stdio call now takes its stream's lock in the model first.  Three
# parallel recordings, to a file and to a pipe, each replayed three times:
# identical, and the lines, sorted, are the native ones.
#
# A write made before its event reached the file in the order the
# threads got to the kernel, not the events' order, which a replay shows
# it again in: a CPython script's threads printing to a file (each print
# a write, the GIL let go meanwhile) replayed "identically" with its
# lines in another order, 5 replays in 6.  A write that cannot wait is
# now made at its event: three recordings, each replayed twice, print
# what the recording printed, or diverge saying that CPython's GIL is
# handed over in memory (most are identical).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 3 ] || fail "usage: parallel_stdio.sh DEJA PARALLEL_STDIO PY_PRINT_THREADS_SCRIPT"
deja=$(abspath "$1") prog=$(abspath "$2") script=$(abspath "$3")
require_file "$deja" "$prog" "$script" /usr/bin/python3
cd "$tmp"

"$prog" | sort >native
for run in 1 2 3; do
	rc=0
	timeout 60 "$deja" record -q -s parallel -o f.deja -- "$prog" >rec 2>err || rc=$?
	[ $rc -eq 0 ] || { dump err; fail "recording $run to a file exited $rc"; }
	sort rec | cmp -s native - || fail "recording $run to a file printed other lines"
	replays_match "$deja" f.deja rec 3 60
	rc=0
	timeout 60 "$deja" record -q -s parallel -o p.deja -- "$prog" 2>err | cat >prec || rc=$?
	[ $rc -eq 0 ] || { dump err; fail "recording $run to a pipe exited $rc"; }
	sort prec | cmp -s native - || fail "recording $run to a pipe printed other lines"
	replays_match "$deja" p.deja prec 3 60
done
[ "$(sqlite3 f.deja "SELECT count(*) FROM events WHERE op = 'stream_lock'")" -ge 4500 ] ||
	fail "the stream's lock is not taken in the model"
# CPython hands its GIL over through memory too, which parallel mode does
# not steer, so a parallel replay of it may diverge (about one in ten
# here), and must then say so (replayer/describe.c, cpython_hint); what it
# must never do is call a replay identical whose bytes differ.
identical=0
for run in 1 2 3; do
	rc=0
	timeout 120 "$deja" record -q -s parallel -o py.deja -- /usr/bin/python3 "$script" >pyrec 2>err || rc=$?
	[ $rc -eq 0 ] || { dump err; fail "Python recording $run exited $rc"; }
	[ "$(tail -1 pyrec)" = "count 900" ] || fail "Python recording $run printed another count"
	for replay in 1 2; do
		rc=0
		timeout 120 "$deja" replay -q py.deja >pyout 2>err </dev/null || rc=$?
		if [ $rc -eq 0 ]; then
			cmp -s pyrec pyout ||
				{ diff pyrec pyout >&2 || true; fail "Python replay $replay of recording $run printed other bytes"; }
			identical=$((identical + 1))
		else
			grep -q "CPython hands its GIL over through memory" err ||
				{ dump err; fail "Python replay $replay of recording $run exited $rc without saying why"; }
		fi
	done
done
[ $identical -ge 3 ] || fail "only $identical of 6 parallel Python replays were identical"
note "threads printing to one stream in parallel mode replay exactly, in C, and in CPython ($identical of 6 replays identical, the others saying why)"
