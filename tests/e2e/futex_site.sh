#!/usr/bin/env bash
# futex_site.sh DEJA FUTEX_SITE
#
# A raw futex call made through glibc's syscall() is named by its caller.
# syscall() is a leaf without a frame, and the trap named every call
# through it by the instruction inside it: the deadlock of futex_site's
# two threads (a lock order inversion on locks waited for in raw futex
# calls, as Rust's std::sync and C++20's latches, semaphores and atomic
# waits wait) said "waits in futex_resume(futex#1) at syscall (libc.so.6)"
# for both threads.  Now each names wait_for_lock (futex_site.c:24), in
# the recording and in `deja show`, and the recording replays.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: futex_site.sh DEJA FUTEX_SITE"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

rc=0
timeout 60 "$deja" record -o t.deja -- "$prog" >out 2>err || rc=$?
[ $rc = 1 ] || { dump err; fail "the recording exited $rc, not 1"; }
grep -q 'outcome: deadlock' err || { dump err; fail "no deadlock reported"; }
for th in 1 2; do
	grep -q "^  thread $th waits in futex_resume(futex#[0-9]*) at wait_for_lock (futex_site.c:24)\$" err ||
		{ dump err; fail "thread $th's futex wait is not named by its caller"; }
done
"$deja" show t.deja >show
[ "$(grep -c 'futex_wait(futex#[0-9]*) = 0 *wait_for_lock (futex_site.c:24)' show)" = 2 ] ||
	{ dump show; fail "deja show does not name both futex waits by their caller"; }
for i in 1 2 3; do
	timeout 60 "$deja" replay -q t.deja >/dev/null 2>err || { dump err; fail "replay $i diverged"; }
done
note "futex calls through syscall() are named by their caller"
