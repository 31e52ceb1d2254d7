#!/usr/bin/env bash
# tick_modules.sh DEJA CC PROGRAMS_DIR
#
# Ticks counted in several modules: tick_modules.c and its library
# tick_modules_lib.c, both built with $(deja cflags), each count their
# ticks in their own thread-local counter (runtime/deja-ticks.h), and the
# runtime sums them (runtime/tick_counters.c).  Natively the program runs
# as built (no deja, no runtime).  Under deja a thread's tick count is the
# same whatever the stops, a script stops a thread at exactly the tick it
# names, in the library or in the executable; a hunt finds the lost update
# whose window spans both modules, and its trace replays identically and
# diverges when a tick stop is moved by one.  Once with the executable
# built as PIE (the stub's counter local-exec) and once with -fPIC
# (initial-exec, as in a shared library).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 3 ] || fail "usage: tick_modules.sh DEJA CC PROGRAMS_DIR"
deja=$(abspath "$1") cc=$2 programs=$(abspath "$3")
require_file "$deja" "$programs/tick_modules.c" "$programs/tick_modules_lib.c"
cd "$tmp"

flags=$("$deja" cflags) || fail "deja cflags exited $?"
# shellcheck disable=SC2086 # the flags are words on purpose
"$cc" $flags -O2 -g -shared -fPIC -Wall -Wextra -Werror -o libtm.so "$programs/tick_modules_lib.c" 2>err ||
	{ dump err; fail "building the library with \$(deja cflags) failed"; }

# tick_of TRACE THREAD: the ticks THREAD passed in the run.
tick_of() { sqlite3 "$1" "SELECT ticks FROM threads WHERE id = $2"; }

# check NAME: ./NAME, built, behaves as the header says.
check() {
	local name=$1 rc n
	# Natively, outside deja: runs as built.
	[ "$(env -u LD_PRELOAD "./$name" serial)" = "balance 400" ] || fail "$name serial: wrong output natively"

	# The thread's ticks: both modules, the same in every run.
	"$deja" record -q -s nonpreemptive -o plain.deja -- "./$name" serial >/dev/null 2>&1 || fail "$name: nonpreemptive record failed"
	local total
	total=$(tick_of plain.deja 1)
	[ "$total" -gt 4000 ] || { "$deja" show plain.deja >&2; fail "$name: thread 1 passed only $total ticks"; }

	# Stops at exactly the tick a script names, wherever it falls.
	local modules=
	for n in 2 3 17 1000 $((total / 2)) $((total - 1)) "$total"; do
		echo "1 1 2 tick $n" >s.txt
		rc=0
		"$deja" record -q --script s.txt -o "s$n.deja" -- "./$name" >/dev/null 2>&1 || rc=$?
		local got
		got=$(sqlite3 "s$n.deja" "SELECT arg FROM events WHERE op = 'tick' AND thread = 1")
		[ "$got" = "$n" ] || { "$deja" show "s$n.deja" >&2; fail "$name: told to stop thread 1 at tick $n, it stopped at '$got'"; }
		[ "$(tick_of "s$n.deja" 1)" = "$total" ] || fail "$name: thread 1 passed $(tick_of "s$n.deja" 1) ticks with a stop at $n, $total without"
		modules+=" $(sqlite3 "s$n.deja" "SELECT s.module FROM events e JOIN sites s ON s.address = e.site WHERE e.op = 'tick'")"
		"$deja" replay -q "s$n.deja" >/dev/null 2>&1 || fail "$name: the run stopped at tick $n does not replay"
	done
	case $modules in *libtm.so*) ;; *) fail "$name: no stop fell in the library (modules:$modules)" ;; esac
	case " $modules " in *" $name "*) ;; *) fail "$name: no stop fell in the executable (modules:$modules)" ;; esac
	note "$name: $total ticks in thread 1; stops exact at 7 ticks (modules:$modules)"

	# The lost update, found by a preemption at a tick, replays exactly.
	rc=0
	timeout 250 "$deja" hunt -q --json --runs 1000 -o "$name.deja" -- "./$name" >h.json 2>err || rc=$?
	[ $rc -eq 1 ] || { dump h.json err; fail "$name: hunt exited $rc, expected 1 (found)"; }
	[ "$(outcome_of "$deja" "$name.deja")" = "signal 6" ] || { "$deja" show "$name.deja" >&2; fail "$name: the failure is not the assert"; }
	local ticks
	ticks=$(sqlite3 "$name.deja" "SELECT count(*) FROM events WHERE op = 'tick'")
	[ "$ticks" -gt 0 ] || { "$deja" show "$name.deja" >&2; fail "$name: the failing run has no tick event"; }
	for n in $(seq 1 20); do
		rc=0
		timeout 60 "$deja" replay -q "$name.deja" >/dev/null 2>err || rc=$?
		[ $rc -eq 0 ] || { dump err; fail "$name: replay $n/20 exited $rc"; }
	done
	cp "$name.deja" moved.deja
	sqlite3 moved.deja "UPDATE events SET arg = arg + 1 WHERE seq = (SELECT min(seq) FROM events WHERE op = 'tick')"
	rc=0
	timeout 60 "$deja" replay moved.deja >/dev/null 2>err || rc=$?
	[ $rc -eq 1 ] || { dump err; fail "$name: a replay told to stop one tick later exited $rc, expected 1 (diverged)"; }
	note "$name: lost update found in run $(json h.json 'j["failing_run"]["index"]'), 20 replays identical, a tick moved by one diverges"
}

# shellcheck disable=SC2086
"$cc" $flags -O2 -g -pthread -o tm "$programs/tick_modules.c" -L. -ltm -Wl,-rpath,"$tmp" 2>err ||
	{ dump err; fail "building the program with \$(deja cflags) failed"; }
check tm
# shellcheck disable=SC2086
"$cc" $flags -O2 -g -fPIC -pthread -o tm_pic "$programs/tick_modules.c" -L. -ltm -Wl,-rpath,"$tmp" 2>err ||
	{ dump err; fail "building the program with \$(deja cflags) -fPIC failed"; }
check tm_pic
