#!/usr/bin/env bash
# py_processes.sh DEJA SCRIPT
#
# Python's ProcessPoolExecutor, multiprocessing.Pool, Queue and Lock share
# semaphores between processes (sem_open).  Under deja each process has
# its own scheduler, so such a semaphore is the real one and its calls are
# inputs: the run behaves as natively (no "released too many times", no
# broken pool), and replays identically, three recordings x 5 replays.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: py_processes.sh DEJA SCRIPT"
deja=$(abspath "$1") script=$(abspath "$2")
require_file "$deja" "$script"
command -v python3 >/dev/null || fail "python3 is needed"
cd "$tmp"

expected='executor: [32, 243, 1024]
pool: 2500
queue: [0, 1, 2, 3, 4, 100, 101, 102, 103, 104]
lock exits: [0, 0]'
[ "$(python3 "$script")" = "$expected" ] || fail "the script's native output is not the expected one"
for run in 1 2 3; do
	rc=0
	timeout 120 "$deja" record -q -o p.deja -- python3 "$script" >rec 2>err || rc=$?
	[ $rc -eq 0 ] || { dump rec err; fail "record $run exited $rc"; }
	[ "$(cat rec)" = "$expected" ] || { dump rec err; fail "record $run printed other output"; }
	replays_match "$deja" p.deja rec 5 120
done
"$deja" show p.deja >show.txt
grep -q 'sem_shared(try) = 0' show.txt || fail "no shared semaphore call was recorded"
note "process pools, queues and locks over shared semaphores: 3 recordings x 5 identical replays"
