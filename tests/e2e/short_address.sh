#!/usr/bin/env bash
# short_address.sh DEJA SHORT_ADDRESS_PROG
#
# An address buffer smaller than the address (accept, getsockname,
# getpeername, recvmsg), right before a page the program cannot touch:
# the kernel fills only the buffer and returns the whole length.  The
# recording read the address by its whole length (and died on that page),
# and a replay wrote it back so.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: short_address.sh DEJA SHORT_ADDRESS_PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

path=$tmp/a-unix-socket-with-a-path-longer-than-a-sockaddr_in-holds
"$prog" "$path" >native || fail "the program failed natively"
timeout 60 "$deja" record -q -o s.deja -- "$prog" "$path" >rec 2>err || { dump err; fail "record failed"; }
cmp -s native rec || { diff native rec >&2 || true; fail "the recording printed other than the native run"; }
grep -q "^getsockname: length [2-9][0-9], family 1$" rec || { dump rec; fail "getsockname's output is not as expected"; }
replays_match "$deja" s.deja rec 3
note "addresses longer than their buffers: nothing read or written past them, recorded or replayed"
