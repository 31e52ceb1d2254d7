#!/usr/bin/env bash
# pipe_writes.sh DEJA PIPE_WRITES_PROG
#
# A write (or writev, send, sendmsg) bigger than a pipe or a socket buffer
# holds, read by another thread of the same process, waited in the kernel
# holding the right to run, and the run hung.  Now it goes in parts, each an event, with the
# reader running between: recorded under several schedules the reader
# gets every byte and the writer the whole count, and each replays
# identically; a reader that closes early leaves a short count.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: pipe_writes.sh DEJA PIPE_WRITES_PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

records_like_native "$deja" "$prog" w.deja
parts=$(sqlite3 w.deja "SELECT count(*) FROM events WHERE flags & 32")
[ "$parts" -gt 10 ] || fail "the big writes were not recorded in parts ($parts events flagged as parts)"
note "writes bigger than a pipe or socket buffer go in parts: no hang, whole counts, identical replays"
