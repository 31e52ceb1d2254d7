#!/usr/bin/env bash
# datagrams.sh DEJA DATAGRAMS PASS_FDS
#
# A datagram's sender is input as much as its bytes: recvfrom's and
# recvmsg's address (and recvmsg's msg_flags) replay as recorded, so a UDP
# echo that replies to the sender and prints whether each datagram came
# from whom it should replays identically, twice, under two schedules.
# A descriptor received in recvmsg's control data (SCM_RIGHTS) exists in
# the replay under its recorded number: the receiver's reads, its next
# open and its closes give what they gave.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 3 ] || fail "usage: datagrams.sh DEJA DATAGRAMS PASS_FDS"
deja=$(abspath "$1") prog=$(abspath "$2") pass_fds=$(abspath "$3")
require_file "$deja" "$prog" "$pass_fds"
cd "$tmp"

expected='echo got 4 bytes from family 2, length 16
echo saw the client'"'"'s port: yes
reply ping! from the server: yes
recvmsg: 8 bytes, from the client: yes, name length 16, truncated: yes'
[ "$("$prog")" = "$expected" ] || fail "the program's native output is not the expected one"
for seed in none 3; do
	rc=0
	# shellcheck disable=SC2046
	timeout 60 "$deja" record -q -o d.deja $(schedule_of "$seed") -- "$prog" >rec 2>err || rc=$?
	[ $rc -eq 0 ] || { dump rec err; fail "record (seed $seed) exited $rc"; }
	[ "$(cat rec)" = "$expected" ] || { dump rec err; fail "record (seed $seed) printed other output"; }
	replays_match "$deja" d.deja rec 2
done
for seed in none 1 2; do
	rc=0
	# shellcheck disable=SC2046
	timeout 60 "$deja" record -q -o f.deja $(schedule_of "$seed") -- "$pass_fds" >rec 2>err || rc=$?
	[ $rc -eq 0 ] || { dump rec err; fail "pass_fds record (seed $seed) exited $rc"; }
	grep -q '^received descriptor [0-9]*, read 16: through the pipe; then opened [0-9]*$' rec ||
		{ dump rec err; fail "pass_fds (seed $seed) did not read the passed pipe"; }
	grep -qx 'close: 0 0' rec || { dump rec err; fail "pass_fds (seed $seed) could not close"; }
	replays_match "$deja" f.deja rec 2
done
note "a descriptor passed in SCM_RIGHTS replays: 3 schedules x 2 identical replays"
note "UDP senders' addresses and recvmsg's flags replay: 2 schedules x 2 identical replays"
