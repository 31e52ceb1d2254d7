#!/usr/bin/env bash
# stdin_kinds.sh DEJA STDIN_KINDS_PROG
#
# A replay feeds what the program read from stdin, so it needs no stdin,
# or any: whether a read may wait (a point where a switch is no
# preemption) must still be what it was in the recording.  It was asked
# of the replay's own stdin: `pigz -p 2` recorded reading a file under a
# random schedule and replayed with stdin from /dev/null diverged ("event
# 29 differs in whether the scheduler switched or preempted there").  Now
# recordings reading a file and a pipe each replay identically from
# /dev/null, a file, a pipe and a closed stdin.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: stdin_kinds.sh DEJA STDIN_KINDS_PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

seq 1 200 >input.txt
other=$(mktemp "$tmp/other.XXXXXX")
printf 'something else\n' >"$other"

replay_with() { # TRACE HOW: replay with stdin from /dev/null, a file, a pipe, closed
	local rc=0
	case $2 in
	null) timeout 60 "$deja" replay -q "$1" >out 2>err </dev/null || rc=$? ;;
	file) timeout 60 "$deja" replay -q "$1" >out 2>err <"$other" || rc=$? ;;
	pipe) timeout 60 "$deja" replay -q "$1" >out 2>err < <(cat "$other") || rc=$? ;;
	closed) timeout 60 "$deja" replay -q "$1" >out 2>err <&- || rc=$? ;;
	esac
	[ $rc -eq 0 ] || { dump err; fail "replay of $1 with stdin $2 exited $rc"; }
	cmp -s out "$1.out" || fail "replay of $1 with stdin $2 printed other bytes"
}

preempted_reads=0
for seed in 1 2 3 4; do
	for kind in file pipe; do
		t=$kind$seed.deja
		if [ $kind = file ]; then
			timeout 60 "$deja" record -q --strategy random --seed $seed -o $t -- "$prog" <input.txt >$t.out
		else
			timeout 60 "$deja" record -q --strategy random --seed $seed -o $t -- "$prog" < <(cat input.txt) >$t.out
		fi
		grep -qx 'read 692 bytes, 200 lines' $t.out || fail "the recording $t printed: $(tail -1 $t.out)"
		# A switch away from the reader at a read: in a file, a preemption.
		n=$(sqlite3 $t "SELECT count(*) FROM events e JOIN events p ON p.seq = e.seq - 1
			WHERE e.flags & 2 AND p.thread = 0 AND e.flags & 1")
		preempted_reads=$((preempted_reads + n))
		for how in null file pipe closed; do
			replay_with $t $how
		done
	done
done
[ $preempted_reads -gt 0 ] || fail "no recording preempted the main thread at all"
note "8 recordings replayed identically with four kinds of stdin each"
