#!/usr/bin/env bash
# group_kill.sh DEJA
#
# kill(0, sig) signals the caller's whole process group.  The program runs
# in deja's group, and deja took such a kill as a signal to the caller
# alone: a shell's `trap 'kill 0' EXIT` left its background job running
# and the recording waited for it to end of its own accord (30 s here),
# and `kill -USR1 0` in a subshell never reached the parent shell.  Now
# the other processes of the program in the group get it (deja does not):
# each case ends as fast and prints what it prints natively, and replays
# identically.  The background `sleep` is often killed in its exec, where
# no runtime sees the signal, and nobody reaps it (its shell is killed
# too): its replay ends where its recording stopped.  Each run is in a session of its own (setsid), so that
# the native kill 0 stays inside it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || fail "usage: group_kill.sh DEJA"
deja=$(abspath "$1")
require_file "$deja"
command -v setsid >/dev/null || fail "setsid (util-linux) is needed"
cd "$tmp"

cases=(
	"trap 'kill 0' EXIT; sleep 30 & echo started"
	"trap 'echo parent got USR1' USR1; ( trap 'echo child got USR1' USR1; kill -USR1 0; sleep 0.1 ); echo done"
	"sleep 30 & ( kill -TERM 0 ); echo not reached"
)
n=0
for c in "${cases[@]}"; do
	n=$((n + 1))
	setsid -w bash -c "$c" >native 2>/dev/null || true
	start=$(date +%s)
	rc=0
	timeout 25 setsid -w "$deja" record -q -o "c$n.deja" -- bash -c "$c" >rec 2>/dev/null || rc=$?
	[ $rc -ne 124 ] || fail "case $n: the recording hung (its background job was not killed): $c"
	[ $(($(date +%s) - start)) -lt 10 ] || fail "case $n: the recording waited for the background job: $c"
	cmp -s native rec || { diff native rec >&2 || true; fail "case $n: recorded output differs from native: $c"; }
	for i in 1 2 3; do
		rc=0
		timeout 60 setsid -w "$deja" replay -q "c$n.deja" >out 2>err || rc=$?
		[ $rc -eq 0 ] || { dump err; fail "case $n: replay $i exited $rc"; }
		cmp -s rec out || fail "case $n: replay $i printed other bytes"
	done
done
note "kill 0 reaches the program's processes in the group, not deja ($n cases)"
