#!/usr/bin/env bash
# mmsg.sh DEJA MMSG_PROG
#
# recvmmsg is an input like recvmsg: its messages, their lengths and
# senders are recorded and fed back, so a replay, which does not send the
# datagrams again, prints what the recording received (it waited for
# datagrams that never came); sendmmsg's bytes are compared.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: mmsg.sh DEJA MMSG_PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

timeout 60 "$deja" record -q -o m.deja -- "$prog" >rec 2>err || { dump err; fail "record failed"; }
printf '%s\n' "sent 3" 'got 5 bytes "first" from the sender'"'"'s port: yes' \
	'got 15 bytes "second datagram" from the sender'"'"'s port: yes' \
	'got 3 bytes "3rd" from the sender'"'"'s port: yes' >expected
cmp -s expected rec || { diff expected rec >&2 || true; fail "the recording did not receive the three datagrams"; }
replays_match "$deja" m.deja rec 3 30
note "recvmmsg's messages fed back, sendmmsg compared: 3 replays identical"
