#!/usr/bin/env bash
# api.sh DEJA API_TOUR_PROG
#
# api_tour asserts the results of every interposed call.  Recorded under the
# nonpreemptive strategy and 30 random seeds, every run must exit 0 (the
# asserts hold under every schedule), print "api_tour ok" and the lines of
# its threads, finish in under 5 s of wall time although it sleeps over a
# second (deja's sleeps are virtual), and replay identically.  The trace
# must show that deja really scheduled every family of calls, and modelled
# the timeouts.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: api.sh DEJA API_TOUR_PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

check_output() { # WHAT FILE
	grep -qx 'api_tour ok' "$2" || { dump "$2"; fail "$1: stdout lacks 'api_tour ok'"; }
	local i
	for i in 0 1 2; do
		grep -qx "hello from sleeper $i" "$2" || { dump "$2"; fail "$1: stdout lacks 'hello from sleeper $i'"; }
	done
}

runs=0
for strategy in nonpreemptive $(seq 0 29); do
	if [ "$strategy" = nonpreemptive ]; then
		args=(-s nonpreemptive) what="nonpreemptive"
	else
		args=(-s random --seed "$strategy") what="random seed $strategy"
	fi
	trace=$tmp/api-$runs.deja
	rc=0
	start=$(date +%s%N)
	timeout 20 "$deja" record -q "${args[@]}" -o "$trace" -- "$prog" >"$tmp/out" 2>"$tmp/err" || rc=$?
	ms=$((($(date +%s%N) - start) / 1000000))
	if [ $rc -ne 0 ]; then
		dump "$tmp/err"
		[ -s "$trace" ] && "$deja" show "$trace" 2>&1 | tail -n 15 >&2
		[ $rc -ne 124 ] || fail "api_tour under $what: deja record hung (killed after 20 s)"
		fail "api_tour under $what: deja record exited $rc, expected 0 (an assert failed or deja failed)"
	fi
	[ $ms -lt 5000 ] || fail "api_tour under $what: record took ${ms} ms, expected < 5000 (sleeps should be virtual)"
	check_output "record under $what" "$tmp/out"

	rc=0
	timeout 20 "$deja" replay -q "$trace" >"$tmp/rout" 2>"$tmp/rerr" || rc=$?
	[ $rc -eq 0 ] || { dump "$tmp/rerr"; fail "api_tour under $what: replay exited $rc, expected 0 (identical)"; }
	check_output "replay of $what" "$tmp/rout"
	runs=$((runs + 1))
done
note "$runs recordings exit 0 in < 5 s each, all replayed identically"

# Coverage, on the last trace: every family of calls went through deja...
trace=$tmp/api-$((runs - 1)).deja
missing=
for op in thread_create thread_exit join tryjoin detach \
	mutex_init mutex_destroy mutex_lock mutex_trylock mutex_unlock \
	cond_init cond_destroy cond_wait cond_resume cond_signal cond_broadcast \
	rwlock_init rwlock_destroy rwlock_rdlock rwlock_wrlock rwlock_tryrdlock rwlock_trywrlock rwlock_unlock \
	sem_init sem_destroy sem_wait sem_trywait sem_post sem_getvalue \
	barrier_init barrier_destroy barrier_wait \
	spin_init spin_destroy spin_lock spin_trylock spin_unlock \
	once_begin once_end yield sleep; do
	n=$(sqlite3 "$trace" "SELECT count(*) FROM events WHERE op = '$op'")
	[ "$n" -gt 0 ] || missing="$missing $op"
done
[ -z "$missing" ] || fail "api_tour trace has no events for:$missing"
# ... and its timeouts were modelled (events flagged "timed out", 4).
for op in mutex_lock rwlock_rdlock rwlock_wrlock cond_resume sem_wait join; do
	n=$(sqlite3 "$trace" "SELECT count(*) FROM events WHERE op = '$op' AND flags & 4")
	[ "$n" -gt 0 ] || missing="$missing $op"
done
[ -z "$missing" ] || fail "api_tour trace has no timed-out events for:$missing"
# The program slept over a second of virtual time.
vt=$(sqlite3 "$trace" 'SELECT max(vtime) FROM events')
[ "$vt" -ge 1000000000 ] || fail "api_tour trace: virtual time reached only $vt ns, expected >= 1 s"
note "every interposed family recorded, timeouts modelled, virtual time $vt ns"
