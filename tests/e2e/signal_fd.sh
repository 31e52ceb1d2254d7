#!/usr/bin/env bash
# signal_fd.sh DEJA PROG
#
# Signals a program blocks and reads through a signalfd: sent to itself
# (kill, pthread_kill), they go to the kernel, where the signalfd sees
# them, rather than into deja's own pending signals, which the signalfd
# cannot see (it then never became readable and the program's epoll_wait
# timed out). Recorded under the default schedule and three random ones;
# each recording replays.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: signal_fd.sh DEJA PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

timeout 20 "$prog" >native || { dump native; fail "the program fails natively"; }
for seed in none 1 2 3; do
	rc=0
	timeout 60 "$deja" record -q $(schedule_of $seed) -o s.deja -- "$prog" >rec 2>err || rc=$?
	[ $rc -eq 0 ] || { dump err rec; fail "record ($seed) exited $rc"; }
	grep -qx '2 signals, 3 posts' rec || { dump rec; fail "the recording ($seed) did not read both signals"; }
	replays_match "$deja" s.deja rec 2
	rm -f s.deja
done
note "signals read through a signalfd: 4 schedules, replayed"
