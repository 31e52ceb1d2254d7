#!/usr/bin/env bash
# signal_actions.sh DEJA SIGNAL_ACTIONS_PROG
#
# What a signal action promises besides running its handler, kept under
# deja: pthread_kill() runs the handler in the thread it names; sa_mask
# holds a signal back until the handler returns while an unmasked one nests;
# SA_RESETHAND puts the default action back; sigprocmask() blocks and
# unblocks for real, and unblocking runs a waiting handler before it
# returns; SIGSYS, which deja's trap owns, reads as what the program set;
# SIGPIPE's handler runs before the failing write returns.
# Each mode prints what native runs print, under several
# schedules, and replays to the same bytes and outcome.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: signal_actions.sh DEJA SIGNAL_ACTIONS_PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

expect_thread="thread: worker 1 handled, worker 2 handled, main ran none"
expect_mask="mask: [1 1] 2 [3 2 3]"
expect_procmask="procmask: blocked raised [1] unblocked, mask: SIGUSR1 only"
expect_resethand="resethand: handler ran 1 time(s)"
expect_sigsys="sigsys: default, then the program's handler"
expect_sigpipe="sigpipe: [pipe] EPIPE"

for mode in thread mask procmask resethand sigsys sigpipe; do
	want=expect_$mode
	"$prog" "$mode" >native 2>/dev/null || true
	grep -qxF "${!want}" native || { dump native; fail "$mode: the native run does not print '${!want}'"; }
	for seed in none 1 2 3; do
		rc=0
		timeout 30 "$deja" record -q $(schedule_of "$seed") -o a.deja -- "$prog" "$mode" >rec 2>err || rc=$?
		[ $rc -ne 124 ] || fail "$mode seed $seed: record hung"
		cmp -s native rec || { diff native rec >&2 || true; dump err; fail "$mode seed $seed: the recording printed other bytes than the native run"; }
		outcome=$(outcome_of "$deja" a.deja)
		if [ "$mode" = resethand ]; then
			[ "$outcome" = "signal 12" ] || fail "$mode seed $seed: outcome $outcome, expected signal 12 (SIGUSR2's default action)"
		else
			[ "$outcome" = "exit 0" ] || fail "$mode seed $seed: outcome $outcome"
		fi
		replays_match "$deja" a.deja rec 3 30
	done
done
# Run from a traced shell (a fork, then an exec from inside deja's trap):
# the program starts with the mask the shell had, not the trap's, and its
# SIGPIPE handler still runs before write() returns.
for mode in startmask sigpipe; do
	want=expect_$mode
	[ "$mode" = startmask ] && want_line="start mask: empty" || want_line=${!want}
	rc=0
	timeout 30 "$deja" record -q -o sh.deja -- sh -c "\"$prog\" $mode; exit 0" >rec 2>err || rc=$?
	[ $rc -eq 0 ] || { dump rec err; fail "$mode from a shell: record exited $rc"; }
	grep -qxF "$want_line" rec || { dump rec; fail "$mode from a shell: expected '$want_line'"; }
	timeout 30 "$deja" replay -q sh.deja >rep 2>err || { dump err; fail "$mode from a shell: the replay differs"; }
	cmp -s rec rep || fail "$mode from a shell: the replay printed other bytes"
done

# The handler of a pthread_kill() is an event of the thread it was sent to.
"$deja" record -q -s random --seed 2 -o t.deja -- "$prog" thread >/dev/null
"$deja" show t.deja >t.txt
handlers=$(awk '/signal\(SIGUSR1\) handled/ { print $2 }' t.txt | sort | tr '\n' ' ')
[ "$handlers" = "T1 T2 " ] || { dump t.txt; fail "thread: SIGUSR1 handled by '$handlers', expected once by each worker (T1 T2)"; }
note "pthread_kill, sa_mask, SA_RESETHAND and sigprocmask kept under 4 schedules, each replayed 3 times"
