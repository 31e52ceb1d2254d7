#!/usr/bin/env bash
# child_time.sh DEJA PY_CHILD_TIME
#
# Child processes run in real time: a child's sleep lasts, against its
# parent's clock, what it lasts natively, so subprocess.run's timeout
# expires on a child that sleeps longer, a child to terminate is still
# there, and one that sleeps less than its parent has ended.  (With
# virtual time in the child, `sleep 30` ended at once: no timeout, exit 0
# instead of -15.)  Recorded twice, each replayed identically (and a
# replay does not wait).  A child's clock reads are events only under
# --time real; either way a threaded CPython child replays.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: child_time.sh DEJA PY_CHILD_TIME"
deja=$(abspath "$1") script=$(abspath "$2")
require_file "$deja" "$script" /usr/bin/python3
cd "$tmp"

expected='run: timed out
terminated: -15
after the parent'"'"'s longer sleep: 0
a child'"'"'s sleep took its time: True'
[ "$(/usr/bin/python3 "$script")" = "$expected" ] || fail "the script's native output is not the expected one"
for run in 1 2; do
	rc=0
	timeout 60 "$deja" record -q -o c.deja -- /usr/bin/python3 "$script" >rec 2>err || rc=$?
	[ $rc -eq 0 ] || { dump rec err; fail "record $run exited $rc"; }
	[ "$(cat rec)" = "$expected" ] || { diff <(echo "$expected") rec >&2 || true; fail "record $run printed other output"; }
	start=$(date +%s)
	replays_match "$deja" c.deja rec 2 60
	[ $(($(date +%s) - start)) -lt 20 ] || fail "the replays waited for the children's sleeps"
done
note "children's sleeps against their parent's timeouts and sleeps: as native, 2 recordings x 2 identical replays"

# A child's clock reads are not events unless the run is --time real: a
# threaded CPython child passing items through a queue (its GIL and queue
# read the clock at every hand-over) records none, and prints and replays
# the same; --time real records each.
queue_script='import queue, sys, threading, time
q = queue.Queue()
def feed():
    for i in range(2000):
        q.put(i)
    q.put(None)
t = threading.Thread(target=feed)
t.start()
total = 0
while (x := q.get()) is not None:
    total += x
t.join()
print(total, time.monotonic() > 0)'
for time_mode in virtual real; do
	rc=0
	timeout 60 "$deja" record -q --time $time_mode -o q$time_mode.deja -- bash -c \
		'/usr/bin/python3 -c "$1"; true' sh "$queue_script" >q$time_mode.rec 2>err || rc=$?
	[ $rc -eq 0 ] || { dump q$time_mode.rec err; fail "record of the queue child ($time_mode) exited $rc"; }
	[ "$(cat q$time_mode.rec)" = "1999000 True" ] || { dump q$time_mode.rec; fail "the queue child ($time_mode) printed other output"; }
	replays_match "$deja" q$time_mode.deja q$time_mode.rec 2 60
done
reads=$(sqlite3 qvirtual.deja "SELECT count(*) FROM process_events WHERE op = 'clock_read'")
[ "$reads" -eq 0 ] || fail "a virtual-time run's child recorded $reads clock reads as events"
reads=$(sqlite3 qreal.deja "SELECT count(*) FROM process_events WHERE op = 'clock_read'")
[ "$reads" -gt 100 ] || fail "--time real recorded only $reads of the child's clock reads as events"
note "a child's clock reads: no events in virtual time, $reads under --time real; each replays"
