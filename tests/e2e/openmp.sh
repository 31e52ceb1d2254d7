#!/usr/bin/env bash
# openmp.sh DEJA CC PROGRAMS_DIR
#
# OpenMP programs (gcc -fopenmp, libgomp) under deja.  programs/
# omp_waits.c waits in each of libgomp's ways (a reduction, critical,
# atomic, barrier, tasks, omp_set_lock) in two-thread teams: recorded
# under nonpreemptive, random, pct:3 and parallel, with libgomp's default
# wait policy and with OMP_WAIT_POLICY=active, it prints what it prints
# natively and replays identically.  Under the active policy each
# libgomp thread waits by spinning and counting its passes for up to 30
# billion of them: every serialised recording hung until --timeout, the
# thread whose turn it was never running; deja now stops such a counted
# spin at an interrupt (counted_spins.sh).  Then a seeded bug,
# programs/omp_race.c, a parallel for that adds into a shared sum without
# a reduction or atomic, built with $(deja cflags): deja hunt finds the
# lost update, the kept trace replays to the same assertion, deja shrink
# cuts it to one preemption, and deja bisect names a line between the
# read and the write of the sum (the loop's, or term()'s).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 3 ] || fail "usage: openmp.sh DEJA CC PROGRAMS_DIR"
deja=$(abspath "$1") cc=$2 programs=$(abspath "$3")
require_file "$deja" "$programs/omp_waits.c" "$programs/omp_race.c" "$programs/spin_waits.c"
cd "$tmp"

"$cc" -O1 -g -fopenmp -o omp_waits "$programs/omp_waits.c" ||
	fail "cannot build with -fopenmp (gcc's libgomp is needed)"
"$cc" -O1 -pthread -o probe "$programs/spin_waits.c" || fail "build of the probe failed"
unset OMP_WAIT_POLICY GOMP_SPINCOUNT OMP_NUM_THREADS
./omp_waits >expected || fail "native run failed"
grep -q "^sum 1498500, critical 6, atomic 6, locked 6, fib 21$" expected ||
	{ dump expected; fail "the native run printed something else"; }

policies=(default)
if ./probe probe; then
	policies+=(active)
else
	note "hardware breakpoints (perf_event_open) are refused here: OMP_WAIT_POLICY=active not checked"
fi
for policy in "${policies[@]}"; do
	envs=()
	[ "$policy" = default ] || envs=(OMP_WAIT_POLICY="$policy")
	for opts in "" "--strategy random --seed 3" "--strategy pct:3 --seed 5" "--strategy parallel"; do
		rc=0
		# shellcheck disable=SC2086 # the options are words on purpose
		env "${envs[@]}" timeout 120 "$deja" record -q $opts --timeout 90 -o waits.deja -- ./omp_waits \
			>out 2>err || rc=$?
		[ $rc -eq 0 ] || { dump err; fail "$policy policy (${opts:-default}): deja record exited $rc"; }
		cmp -s expected out || { diff expected out >&2 || true; fail "$policy policy (${opts:-default}): output differs"; }
		replays_match "$deja" waits.deja out 2 90
		note "$policy wait policy (${opts:-default}): recorded; 2 replays identical"
	done
done

"$cc" $("$deja" cflags) -O1 -g -fopenmp -o omp_race "$programs/omp_race.c" || fail "cannot build omp_race"
rc=0
timeout 300 "$deja" hunt -q -n 300 --seed 1 -o race.deja -- ./omp_race >hunt 2>&1 || rc=$?
[ $rc -eq 1 ] || { dump hunt; fail "deja hunt exited $rc, expected 1 (a failing run found)"; }
rc=0
timeout 60 "$deja" replay race.deja >out 2>err || rc=$?
[ $rc -eq 0 ] || { dump err; fail "the replay of the hunt's trace exited $rc"; }
grep -q "Assertion \`sum == 100' failed" err || { dump err; fail "the replay does not fail at the assertion"; }
grep -q "replay identical" err || { dump err; fail "the replay is not identical"; }
note "deja hunt finds the lost update; the trace replays to the assertion"

rc=0
timeout 300 "$deja" shrink race.deja -o small.deja >shrink 2>&1 || rc=$?
[ $rc -eq 0 ] || { dump shrink; fail "deja shrink exited $rc"; }
grep -q "preemptions [0-9]* -> 1," shrink || { dump shrink; fail "deja shrink did not cut the run to 1 preemption"; }
grep -q "Assertion \`sum == 100' failed" shrink || { dump shrink; fail "the shrunk run does not fail the same way"; }
rc=0
timeout 120 "$deja" bisect small.deja >bisect 2>&1 || rc=$?
[ $rc -eq 0 ] || { dump bisect; fail "deja bisect exited $rc"; }
grep -Eq "omp_race.c:(15|23) .*makes it fail" bisect || { dump bisect; fail "deja bisect does not name a line between the read and the write of the sum"; }
note "deja shrink: 1 preemption; deja bisect: $(grep "makes it fail" bisect)"
