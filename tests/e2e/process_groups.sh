#!/usr/bin/env bash
# process_groups.sh DEJA PROCESS_GROUPS
#
# A replay shows the program the recorded pids, but process groups and
# sessions, named after pids, went to the kernel and came back unmapped:
# a replayed child's setpgid(getpid(), getpid()) failed with ESRCH, and
# getpgid, getpgrp, getsid and setsid gave the replay's real ids where the
# program compared them with getpid().  bash's job control (`set -m`: a
# background job in a group of its own) printed "child setpgid (...): No
# such process" and diverged.  Then they were mapped both ways, but a
# pipeline's later members join the group of its first, and a replay,
# not keeping the recording's timing, had sometimes ended and reaped
# every earlier member by then: "child setpgid (...): Operation not
# permitted", a divergence in about one run of this test in four on a
# busy machine.  Now they are recorded, and a replay gives their results
# back: the program and bash under `set -m` (a job, a pipeline, a job
# killed by its group) print what they print natively, and replay
# identically.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: process_groups.sh DEJA PROCESS_GROUPS"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
command -v setsid >/dev/null || fail "setsid (util-linux) is needed"
cd "$tmp"

records_like_native "$deja" "$prog" groups.deja
grep -q 'setpgid(own pid) worked' native || fail "natively the child's setpgid failed"

cases=(
	"set -m; sleep 0.1 & wait; echo job done"
	"set -m; seq 5 | sort -r | head -2"
	"set -m; sleep 30 & pid=\$!; kill -- -\$pid; wait \$pid; echo job ended \$?"
)
n=0
for c in "${cases[@]}"; do
	n=$((n + 1))
	setsid -w bash -c "$c" >native 2>/dev/null || true
	timeout 60 setsid -w "$deja" record -q -o "c$n.deja" -- bash -c "$c" >rec 2>/dev/null ||
		fail "case $n: record exited $?"
	cmp -s native rec || { diff native rec >&2 || true; fail "case $n: recorded output differs from native: $c"; }
	for i in $(seq 1 12); do # the pipeline's failure came in some replays only
		rc=0
		timeout 60 setsid -w "$deja" replay -q "c$n.deja" >out 2>err || rc=$?
		[ $rc -eq 0 ] || { dump err; fail "case $n: replay $i exited $rc: $c"; }
		cmp -s rec out || fail "case $n: replay $i printed other bytes"
	done
done
note "process groups and sessions replay as recorded (the program and $n bash job-control cases)"
