#!/usr/bin/env bash
# replay_memory.sh DEJA PING_PONG
#
# A replay's memory grows by little per recorded event.  ping_pong hands
# a token between two threads, about ten events a round; recordings of
# 25,000 and 100,000 rounds (a quarter of a million and a million events)
# are replayed and deja's peak memory (the largest of its process and
# the program's) is compared: a replay held every recorded event whole,
# 112 bytes each on top of what the runtime follows (the thread, tick
# stop and clock of each event), and grew by over 130 bytes an event.
# It now keeps of each only its digest and the few fields a comparison
# reads, and streams the events in once; a divergence's recorded event
# is read again from the trace.  The growth is asserted per event, well
# above the new cost (arrays grow by doubling) and well below the old.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: replay_memory.sh DEJA PING_PONG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

# peak_kb CMD...: run CMD (it must exit 0) and print the largest resident
# set, in KiB, of the processes it waited for.
peak_kb() {
	python3 - "$@" <<'PY'
import resource, subprocess, sys
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
if r.returncode != 0:
    sys.exit("exit %d: %s" % (r.returncode, " ".join(sys.argv[1:])))
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PY
}

declare -A events kb
for rounds in 25000 100000; do
	"$deja" record -q -o "r$rounds.deja" -- "$prog" "$rounds" >/dev/null ||
		fail "the recording of $rounds rounds failed"
	events[$rounds]=$(sqlite3 "r$rounds.deja" 'SELECT COUNT(*) FROM events')
	kb[$rounds]=$(peak_kb "$deja" replay -q "r$rounds.deja") ||
		fail "the replay of $rounds rounds is not identical"
done
[ "${events[100000]}" -gt 900000 ] || fail "100000 rounds made only ${events[100000]} events"
more=$((events[100000] - events[25000]))
per_event=$(((kb[100000] - kb[25000]) * 1024 / more))
[ "$per_event" -le 90 ] ||
	fail "a replay's memory grew by $per_event bytes an event (${kb[25000]} KiB for ${events[25000]} events, ${kb[100000]} KiB for ${events[100000]})"
note "a replay's memory grows by $per_event bytes an event (${kb[100000]} KiB for ${events[100000]} events)"
