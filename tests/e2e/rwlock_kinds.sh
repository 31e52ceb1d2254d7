#!/usr/bin/env bash
# rwlock_kinds.sh DEJA PROG
#
# A reader-writer lock's kind: glibc's default lets a second reader in
# while a writer waits; PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP keeps
# it out (so a recursive read lock deadlocks). deja modelled every lock as
# the default, so it could not find the deadlocks the writer-preferring
# kind makes. Recorded, the program prints what it prints natively, and
# replays.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: rwlock_kinds.sh DEJA PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

timeout 20 "$prog" >native || fail "the program fails natively"
grep -qx 'writer-preferring kind: second read lock Connection timed out' native ||
	{ dump native; fail "natively the writer-preferring lock let the second reader in: the test shows nothing"; }
rc=0
timeout 60 "$deja" record -q -o r.deja -- "$prog" >rec 2>err || rc=$?
[ $rc -eq 0 ] || { dump err rec; fail "record exited $rc"; }
cmp -s native rec || { dump native rec; fail "the recording printed otherwise than the native run"; }
replays_match "$deja" r.deja rec 3
note "rwlock kinds as glibc has them: $(tr '\n' ';' <rec)"
