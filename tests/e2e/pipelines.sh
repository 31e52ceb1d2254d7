#!/usr/bin/env bash
# pipelines.sh DEJA
#
# Shell pipelines whose writer dies of SIGPIPE when its reader stops
# early (`yes | head`), a pipeline inside a Python subprocess, and a
# replay whose own stdout is a pipe.  In a replay a pipe between the
# program's processes carries nothing (its reader is fed), and a writer
# that the recording saw killed inside a blocked write dies of the same
# signal where its recording stops; output still reaches the user's pipe.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || fail "usage: pipelines.sh DEJA"
deja=$(abspath "$1")
require_file "$deja"
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
note "pipelines with SIGPIPE, in sh and under Python, replayed identically (30 + 10 replays, and into a pipe)"
