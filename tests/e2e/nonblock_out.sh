#!/usr/bin/env bash
# nonblock_out.sh DEJA NONBLOCK_OUT_PROG
#
# A replay shows the program's output again on deja's own stdout, which
# the program may have made non-blocking (xz does).  Into a pipe whose
# reader is slower, the replay's write took part of the bytes or failed
# with EAGAIN while the program got the recorded count, and the rest was
# lost: `xz -T3 -c` recorded into a file and replayed into `| cat` passed
# on 72 KiB of 1.6 MB, and the replay still said identical.  Now every
# byte the recording delivered reaches a slow reader, under several
# schedules, and a recording into a slow reader (whose writes came up
# short) replays the same bytes, no more, into a file and into a pipe.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: nonblock_out.sh DEJA NONBLOCK_OUT_PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

slow_replay() { # TRACE OUT: replay into a reader that starts late
	set +o pipefail
	timeout 60 "$deja" replay -q "$1" 2>err | (sleep 0.5; cat) >"$2"
	local rc=${PIPESTATUS[0]}
	set -o pipefail
	[ "$rc" -eq 0 ] || { dump err; fail "replay of $1 into a slow reader exited $rc"; }
}

"$prog" >native.out 2>/dev/null
[ "$(stat -c %s native.out)" -eq 1048576 ] || fail "the program natively wrote $(stat -c %s native.out) bytes"

for opts in "" "--strategy random --seed 1" "--strategy pct:3 --seed 2" "--strategy parallel"; do
	# shellcheck disable=SC2086
	timeout 60 "$deja" record -q $opts -o file.deja -- "$prog" >file.out 2>/dev/null ||
		fail "recording ($opts) into a file exited $?"
	cmp -s native.out file.out || fail "the recording ($opts) printed other bytes than natively"
	slow_replay file.deja slow.out
	cmp -s file.out slow.out ||
		fail "replay ($opts) into a slow reader passed on $(stat -c %s slow.out) of $(stat -c %s file.out) bytes"
done

# Recorded into a slow reader: its writes came up short, and the replay
# shows what each delivered, once.
set +o pipefail
timeout 60 "$deja" record -q -o pipe.deja -- "$prog" 2>rec.err | (sleep 0.5; cat) >pipe.out
set -o pipefail
cmp -s native.out pipe.out || fail "the recording into a slow reader printed other bytes"
timeout 60 "$deja" replay -q pipe.deja >again.out 2>err || { dump err; fail "replay into a file exited $?"; }
cmp -s pipe.out again.out || fail "replay into a file printed $(stat -c %s again.out) bytes, not those recorded"
slow_replay pipe.deja again.out
cmp -s pipe.out again.out || fail "replay into a slow reader printed $(stat -c %s again.out) bytes, not those recorded"
note "every byte recorded reached slow readers ($(cat rec.err))"
