#!/usr/bin/env bash
# early_stdio.sh DEJA EARLY_STDIO
#
# A library the program links is initialised before deja's preloaded
# runtime, and its constructor may use stdio (libselinux's reads
# /proc/filesystems, in ls): the runtime's stdio interposers
# (interpose_stdio.c) had not yet found libc's functions then, and every
# recording of ls crashed with SIGSEGV before the runtime started.  Now
# they find them on first use: the program records (default and
# parallel) and replays, printing what it prints natively.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: early_stdio.sh DEJA EARLY_STDIO"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

"$prog" >native
for strategy in nonpreemptive parallel; do
	rc=0
	timeout 30 "$deja" record -q -s "$strategy" -o e.deja -- "$prog" >rec 2>err || rc=$?
	[ $rc -eq 0 ] || { dump rec err; fail "$strategy: record exited $rc"; }
	cmp -s native rec || { diff native rec >&2 || true; fail "$strategy: other output"; }
	replays_match "$deja" e.deja rec 2 30
done
ls / >lsnative
rc=0
timeout 30 "$deja" record -q -o ls.deja -- ls / >lsrec 2>err || rc=$?
[ $rc -eq 0 ] || { dump err; fail "ls: record exited $rc"; }
cmp -s lsnative lsrec || fail "ls: other output"
replays_match "$deja" ls.deja lsrec 1 30
note "a library's constructor using stdio before the runtime starts: recorded and replayed"
