#!/usr/bin/env bash
# fed_too_much.sh DEJA SMALL_READ
#
# A trace that says a read got more bytes than the replayed call's buffer
# holds (a read of 16 bytes recorded as one of 64 KiB, with its bytes) is
# a replay gone off its recording: it must be reported as a divergence at
# that read.  The runtime copied all the recorded bytes into the 16-byte
# buffer on the program's stack, and the replay ended in a crash
# ("the replay ended (signal)"); now it copies no more than the buffer
# holds, and the read's bytes differ from the recording's.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: fed_too_much.sh DEJA SMALL_READ"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

printf 0123456789abcdef | timeout 60 "$deja" record -q -o r.deja -- "$prog" >out 2>err ||
	{ dump err; fail "record failed"; }
[ "$(cat out)" = "read 16" ] || { dump out; fail "the program did not read 16 bytes"; }
seq=$(sqlite3 r.deja "SELECT seq FROM inputs WHERE length = 16")
[ -n "$seq" ] || fail "no read of 16 bytes in the trace"
sqlite3 r.deja "UPDATE events SET result = 65536, data_len = 65536 WHERE seq = $seq;
	UPDATE syscall_data SET bytes = zeroblob(65536) WHERE seq = $seq;
	UPDATE inputs SET length = 65536 WHERE seq = $seq;"
rc=0
timeout 60 "$deja" replay -q r.deja >/dev/null 2>err || rc=$?
[ $rc -eq 1 ] || { dump err; fail "replay of the changed trace exited $rc, expected 1 (diverged)"; }
grep -q "event $seq differs in the bytes it sent or got" err ||
	{ dump err; fail "the divergence is not the read's bytes (a crash?)"; }
note "a read recorded with more bytes than the buffer holds: divergence at event $seq, no crash"
