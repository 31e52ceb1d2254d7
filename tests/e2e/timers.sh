#!/usr/bin/env bash
# timers.sh DEJA TIMERS_PROG
#
# Timers run on the virtual clock, and a signal interrupts a wait in the
# model: alarm() cuts a 10 s nanosleep() short with EINTR and 9 s left
# (in well under a second of real time), an interval timer ticks 5 times
# through a loop of 1 ms sleeps, a POSIX timer with SIGEV_SIGNAL ticks 3
# times into sigsuspend(), `alarm(2); pause()` returns at once, and
# pthread_kill() reaches a worker waiting in nanosleep(), a condition
# variable or a mutex; alarm() ends a poll(), a read() of a pipe and a
# sem_wait() with EINTR, or lets the read go on under SA_RESTART; and a
# POSIX timer set for an absolute CLOCK_REALTIME time fires there; a
# timerfd counts its expirations on the virtual clock too; sigwait(),
# sigwaitinfo() and sigtimedwait() take signals from a thread, an alarm
# and a POSIX timer, or time out; an alarm set before an exec ends the new
# image's pause().  Each mode prints what a native run prints; each is
# recorded under four schedules and every recording replays 20 times with
# the same bytes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: timers.sh DEJA TIMERS_PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

declare -A expect=(
	[sleep]="sleep: nanosleep=-1 Interrupted system call, 9 s left, handler ran 1 time(s)"
	[interval]="interval: 5 ticks in 50 ms, about 50 naps, interval still 10000 us"
	[posix]="posix: 3 ticks in 90 ms, 3 sigsuspend EINTR, value 42, SI_TIMER, next in 20 ms"
	[pause]="pause: pause=-1 Interrupted system call after 2.000 s, handler ran 1 time(s)"
	[tsleep]="tsleep: worker nanosleep=-1 Interrupted system call, 9 s left, handler ran in the worker"
	[tcond]="tcond: worker saw the flag, handler ran in the worker"
	[tmutex]="tmutex: worker got the mutex after main set 1, handler ran in the worker"
	[poll]="poll: -1 Interrupted system call after 1 s, handler ran 1 time(s)"
	[read]="read: -1 Interrupted system call after 1 s, handler ran 1 time(s)"
	[restart]="restart: 1  after 3 s, handler ran 1 time(s)"
	[sem]="sem: -1 Interrupted system call after 1 s, handler ran 1 time(s)"
	[abstime]="abstime: SIGALRM after 2 s, handler ran 1 time(s)"
	[timerfd]="timerfd: 5 reads for 5 expirations at 0.65 s, 3 after the nap, poll 1 at 1.05 s"
	[sigwait]="sigwait: SIGUSR1 then SIGALRM by 3 s, 3 timer ticks by 3.4 s, sigtimedwait -1 Resource temporarily unavailable"
	[exec]="exec: the alarm set before exec ended the new image's pause()=-1 Interrupted system call, handler ran 1 time(s)"
)
declare -A signal_of=([sleep]=SIGALRM [interval]=SIGALRM [posix]="(SIGRTMIN|34)" [pause]=SIGALRM
		      [tsleep]=SIGUSR1 [tcond]=SIGUSR1 [tmutex]=SIGUSR1 [poll]=SIGALRM
		      [read]=SIGALRM [restart]=SIGALRM [sem]=SIGALRM [abstime]=SIGALRM
		      [timerfd]= [sigwait]= [exec]=SIGALRM)

for mode in sleep interval posix pause tsleep tcond tmutex poll read restart sem abstime timerfd sigwait exec; do
	for seed in none 1 2 3; do
		rc=0
		start=$(date +%s%N)
		# shellcheck disable=SC2046
		timeout 30 "$deja" record -q $(schedule_of "$seed") -o "$mode.deja" -- "$prog" "$mode" \
			>rec 2>err || rc=$?
		ms=$(( ($(date +%s%N) - start) / 1000000 ))
		[ $rc -eq 0 ] || { dump rec err; fail "$mode seed $seed: record exited $rc"; }
		[ "$(cat rec)" = "${expect[$mode]}" ] ||
			{ dump rec; fail "$mode seed $seed: expected '${expect[$mode]}'"; }
		[ $ms -lt 1000 ] || fail "$mode seed $seed: took $ms ms of real time (the timers are virtual)"
		"$deja" show "$mode.deja" >show.txt
		[ -z "${signal_of[$mode]}" ] || grep -Eq "signal\\(${signal_of[$mode]}\\) handled" show.txt ||
			{ dump show.txt; fail "$mode seed $seed: no ${signal_of[$mode]} event"; }
		replays_match "$deja" "$mode.deja" rec 20
	done
done
note "virtual timers and interrupted waits: 15 behaviours x 4 schedules, each replayed 20 times"

# The sleep that a signal cuts short shows as interrupted in the trace.
"$deja" record -q -o s.deja -- "$prog" sleep >/dev/null 2>&1
"$deja" show s.deja | grep -q 'sleep(10000000000ns) = -4' ||
	{ "$deja" show s.deja >&2; fail "the interrupted sleep is not shown with its EINTR"; }
