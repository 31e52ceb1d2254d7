#!/usr/bin/env bash
# closed_reader.sh DEJA MANY_LINES_PROG
#
# A replay shows the program's output again on deja's own stdout; whether
# it gets there is the user's affair.  `deja replay T | head -1` made the
# replayed program's next write fail with EPIPE and die of SIGPIPE, and an
# identical replay was reported as a divergence (exit 1).  Now the replay
# piped into a reader that leaves early is identical, under several
# schedules; and a program recorded into such a reader (which natively
# dies of SIGPIPE) still replays its SIGPIPE where it came, into a file,
# showing only the bytes the recording delivered (not those of the write
# that failed).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: closed_reader.sh DEJA MANY_LINES_PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

records_like_native "$deja" "$prog" lines.deja
for seed in none 1 2; do
	# shellcheck disable=SC2046
	"$deja" record -q $(schedule_of $seed) -o "s$seed.deja" -- "$prog" >full.out
	for i in 1 2 3; do
		# the replay's own status, not head's
		set +o pipefail
		timeout 60 "$deja" replay -q "s$seed.deja" 2>err | head -1 >first.out
		rc=${PIPESTATUS[0]}
		set -o pipefail
		[ "$rc" -eq 0 ] || { dump err; fail "replay $i of schedule $seed into a reader that left exited $rc"; }
		[ "$(cat first.out)" = "$(head -1 full.out)" ] || fail "replay $i of schedule $seed showed '$(cat first.out)' first"
	done
done

# Recorded into a reader that leaves: the program dies of SIGPIPE, and the
# replay (into a file) ends the same way, identical.
set +o pipefail
"$deja" record -q -o cut.deja -- "$prog" 2>/dev/null | head -1 >/dev/null
set -o pipefail
[ "$(outcome_of "$deja" cut.deja)" = "signal 13" ] || fail "the recording into a closed pipe did not end by SIGPIPE: $(outcome_of "$deja" cut.deja)"
# What the replay shows is what the recording delivered: not the bytes of
# the write that failed with EPIPE.
delivered=$(sqlite3 cut.deja "SELECT coalesce(sum(result), 0) FROM events
	WHERE op = 'syscall' AND arg = 1 AND result > 0")
[ "$(sqlite3 cut.deja "SELECT count(*) FROM events WHERE op = 'syscall' AND arg = 1 AND result = -32")" -ge 1 ] ||
	fail "the recording into a closed pipe has no write that failed with EPIPE"
for i in 1 2; do
	timeout 60 "$deja" replay -q cut.deja >cut.out 2>err || { dump err; fail "replay $i of the SIGPIPE recording exited $?"; }
	[ "$(stat -c %s cut.out)" -eq "$delivered" ] ||
		fail "replay $i showed $(stat -c %s cut.out) bytes; the recording delivered $delivered"
done
note "a replay into a reader that leaves early is identical; a recorded SIGPIPE still replays, showing only what the recording delivered"
