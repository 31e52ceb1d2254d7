#!/usr/bin/env bash
# pipelines.sh DEJA FIFO_OPEN_PROG
#
# Shell pipelines whose writer dies of SIGPIPE when its reader stops
# early (`yes | head`), a pipeline inside a Python subprocess, and a
# replay whose own stdout is a pipe.  In a replay a pipe between the
# program's processes carries nothing (its reader is fed), and a writer
# that the recording saw killed inside a blocked write dies of the same
# signal where its recording stops; output still reaches the user's pipe.
# Two threads that meet at a FIFO (each open waits for the other end) and
# a shell that writes to a FIFO from a background job record under several
# schedules without hanging, and replay.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: pipelines.sh DEJA FIFO_OPEN_PROG"
deja=$(abspath "$1") fifo_prog=$(abspath "$2")
require_file "$deja" "$fifo_prog"
cd "$tmp"
command -v python3 >/dev/null || fail "python3 is needed"

script='yes | head -3; seq 1 200000 | head -2; printf "%s\n" a b c | tac; echo end'
for run in 1 2 3; do
	rc=0
	timeout 60 "$deja" record -q -o sh.deja -- sh -c "$script" >rec 2>err || rc=$?
	[ $rc -eq 0 ] || { dump rec err; fail "record $run of the shell pipelines exited $rc"; }
	[ "$(tr '\n' ' ' <rec)" = "y y y 1 2 c b a end " ] || { dump rec; fail "record $run printed other output"; }
	replays_match "$deja" sh.deja rec 10 60
done
# The writers died of SIGPIPE in the recording, and do so in a replay.
"$deja" show sh.deja >show.txt
grep -q 'reap(fork #[0-9]*) = [0-9]*, status 0xd ' show.txt || { dump show.txt; fail "no child of the recording died of SIGPIPE"; }

# A replay's stdout is itself a pipe: the output still reaches it.
timeout 60 "$deja" replay -q sh.deja </dev/null | cat >piped
cmp -s rec piped || { diff rec piped >&2 || true; fail "a replay into a pipe printed other bytes"; }

py='import subprocess
r = subprocess.run(["sh", "-c", "echo hi | tr a-z A-Z; yes | head -1"], capture_output=True)
print(r.stdout, r.returncode)'
timeout 60 "$deja" record -q -o py.deja -- python3 -c "$py" >rec 2>err || { dump rec err; fail "record of the Python subprocess pipeline failed"; }
grep -qx "b'HI\\\\ny\\\\n' 0" rec || { dump rec; fail "the Python subprocess pipeline printed other output"; }
replays_match "$deja" py.deja rec 10 60
mkdir fifodir
for seed in none 1 2 3; do
	rc=0
	timeout 30 "$deja" record -q $(schedule_of "$seed") -o f.deja -- "$fifo_prog" "$tmp/fifodir" >rec 2>err || rc=$?
	[ $rc -eq 0 ] || { dump rec err; fail "fifo seed $seed: record exited $rc"; }
	grep -qx "read 17: through the fifo" rec || { dump rec; fail "fifo seed $seed: the reader did not get the writer's line"; }
	replays_match "$deja" f.deja rec 5 30
done
timeout 30 "$deja" record -q -o sf.deja -- sh -c "mkfifo $tmp/p; (echo via-fifo >$tmp/p &); cat $tmp/p; rm $tmp/p" >rec 2>err ||
	{ dump rec err; fail "the shell's FIFO run failed"; }
grep -qx via-fifo rec || { dump rec; fail "the shell's FIFO run printed other output"; }
replays_match "$deja" sf.deja rec 5 30
note "pipelines with SIGPIPE, in sh and under Python, and FIFOs opened by two threads and by a shell, replayed identically"
