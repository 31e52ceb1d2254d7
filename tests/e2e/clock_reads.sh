#!/usr/bin/env bash
# clock_reads.sh DEJA CLOCK_SPINS
#
# Under --strategy parallel a thread reads a clock of its own between its
# events (runtime/clock.c): the run's clock just after its last event
# plus a tick per read, and one read in DEJA_CLOCK_READS_PER_EVENT (256)
# is an event, which moves the run's clock on.  Every read was an event
# before: a million reads took 66 times as long to record as to run.
# CLOCK_SPINS's timer thread reads the clock 200,000 times: the parallel
# recordings must hold one clock_read event for each 256 of them, print what the program prints natively (in the recording's order: the
# threads finish in any order), with a thread's clock never going back,
# a 5 ms loop of clock reads ending, and a condition wait timing out
# beside them; and replay identically, although how often one thread
# reads the clock while it waits for a flag in memory is the timing's
# (a parallel replay makes the recorded clock_read events where the
# thread gets to them, runtime/baton.c).  In the serialised modes one
# read in 256 is an event too, a scheduling point: the spinner had none,
# deja could not interrupt it (the clock it reads changes each pass), and
# its recordings hung under every strategy; random and pct now switch
# away from it, and each recording replays.  Under nonpreemptive (the
# default) the spinner kept running while the others waited on it, main
# in a join and the waiter in its timed wait long overdue, until the step
# budget ended the run (35 s, outcome timeout); a turn that ends
# (DEJA_SLICE_EVENTS events in a row) now lets an overdue wait time out,
# so that recording ends too, with exit 0, and replays.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: clock_reads.sh DEJA CLOCK_SPINS"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

"$prog" >native
sort native >native.sorted
grep -q "never back" native || fail "natively the clock went back: $(cat native)"

reads=0
for run in 1 2 3 4; do
	rm -f p.deja
	rc=0
	timeout 60 "$deja" record -q -s parallel -o p.deja -- "$prog" >rec 2>err || rc=$?
	[ $rc -eq 0 ] || { dump rec err; fail "parallel recording $run exited $rc"; }
	sort rec | cmp -s native.sorted - || { diff native.sorted <(sort rec) >&2 || true; fail "parallel recording $run printed other lines than the native run"; }
	# The timer thread (thread 2: the spinner is created first) reads
	# the clock 200,000 times in a row: one read in 256 is an event.
	n=$(sqlite3 p.deja "SELECT count(*) FROM events WHERE op = 'clock_read' AND thread = 2")
	[ "$n" -eq $((200000 / 256)) ] ||
		fail "parallel recording $run: the timer thread's 200,000 clock reads are $n clock_read events (want $((200000 / 256)))"
	n=$(sqlite3 p.deja "SELECT count(*) FROM events WHERE op = 'clock_read'")
	reads=$((reads + n))
	replays_match "$deja" p.deja rec 3 60
done

for strategy in "nonpreemptive" "random --seed 3" "random --seed 5" "pct --seed 5"; do
	rm -f s.deja
	rc=0
	# shellcheck disable=SC2086 # the options are words on purpose
	timeout 60 "$deja" record -q -s $strategy -o s.deja -- "$prog" >rec 2>err || rc=$?
	[ $rc -eq 0 ] || { dump rec err; fail "recording (-s $strategy) exited $rc"; }
	sort rec | cmp -s native.sorted - || fail "recording (-s $strategy) printed other lines than the native run"
	replays_match "$deja" s.deja rec 2 60
done
note "threads read their own clocks ($reads clock_read events in 4 recordings; 12 replays identical); the serialised nonpreemptive, random and pct recordings end and replay"
