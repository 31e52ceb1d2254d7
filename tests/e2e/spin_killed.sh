#!/usr/bin/env bash
# spin_killed.sh DEJA
#
# A process killed with SIGKILL while it spins in code that makes no
# calls: a shell's `while :; do :; done` under `timeout -s KILL`, and the
# top process killed from outside.  Its recording ends with its last
# event; a replay holds back the kill of a process of the tree (the
# process replays its recorded signals), and its runtime ends it with the
# recorded signal only at its next call, which a spinning process never
# makes: the replay spun for ever.  Now deja sends the signal once the
# process has replayed its last event: each replay ends at once,
# identical, printing what the recording printed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || fail "usage: spin_killed.sh DEJA"
deja=$(abspath "$1")
require_file "$deja"
cd "$tmp"

# A child killed by its parent (timeout's SIGKILL).
# (timeout -s KILL kills its own group, itself too, and bash says so with
# its pid: not printed.  The spinning child prints nothing: the order of
# what several processes write to one file is the kernel's, in a replay
# too.)
job='echo started; { timeout -s KILL 0.3 sh -c "while :; do :; done"; } 2>/dev/null; echo "timeout said $?"'
bash -c "$job" >native 2>&1 || fail "the job failed natively"
timeout 60 "$deja" record -q -o child.deja -- bash -c "$job" >rec 2>err || { dump err; fail "record of the job failed"; }
cmp -s native rec || { diff native rec >&2 || true; fail "the job printed other bytes under deja"; }
replays_match "$deja" child.deja rec 3 30
note "a spinning child killed by timeout -s KILL replays identically, at once"

# The top process killed from outside.
"$deja" record -q -o top.deja -- sh -c 'echo spinning; while :; do :; done' >rec 2>err &
deja_pid=$!
target=
for _ in $(seq 100); do
	target=$(pgrep -P $deja_pid | head -1) || true
	[ -n "$target" ] && grep -q spinning rec && break
	sleep 0.1
done
[ -n "$target" ] || { dump err; fail "the recorded program did not start"; }
kill -KILL "$target"
rc=0
wait $deja_pid || rc=$?
[ $rc -eq 1 ] || { dump err; fail "record of the killed program exited $rc, not 1"; }
replays_match "$deja" top.deja rec 3 30
note "a spinning top process killed from outside replays identically, at once"
