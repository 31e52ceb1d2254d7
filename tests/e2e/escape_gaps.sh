#!/usr/bin/env bash
# escape_gaps.sh DEJA ESCAPE_GAPS
#
# The watched syscalls with six arguments, none of which the kernel
# ignores, are watched like the others (docs/architecture.md, Escapes):
# made by a thread that switched deja's trap off, pselect6, sendto and
# recvfrom with an address, epoll_pwait with a signal mask,
# copy_file_range, process_vm_readv and FUTEX_WAKE_BITSET are each
# reported once, in the trace, in deja show --json and on stderr, in
# record and in replay; made by the program with the trap on, which makes
# the runtime make them (from its one unmarkable syscall instruction, or
# as an equivalent marked call), they are not reported at all, not even
# as the runtime's: in the process, nor in a forked child that exec'd the
# program anew (another image, whose runtime announces itself again).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: escape_gaps.sh DEJA ESCAPE_GAPS"
deja=$(abspath "$1") gaps=$(abspath "$2")
require_file "$deja" "$gaps"
cd "$tmp"

escaped="pselect6(), sendto(), recvfrom(), epoll_pwait(), copy_file_range(), getpid(), process_vm_readv(), futex(), exit_group()"

rc=0
"$deja" record -o g.deja -- "$gaps" >out 2>err || rc=$?
[ $rc -eq 0 ] || { dump out err; fail "record of escape_gaps exited $rc"; }
grep -qx "managed: sent 4 ready 1 polled 1 got 4 copied 4 woke 0 0 requeued 0 waited timed out" out ||
	{ dump out; fail "the managed calls did not give their results under deja"; }
grep -qx "child image: 0" out || { dump out err; fail "the child's new image did not run its calls"; }
grep -q "process 0 (pid [0-9]*) made 9 syscalls outside deja's runtime, not recorded: $escaped\$" err ||
	{ dump err; fail "the escaped calls are not each reported once on stderr"; }
"$deja" show --json g.deja >g.json
# Every row of these syscalls, whatever its kind: one escape each, the
# escaped call; the runtime's own calls have none (not even `runtime`).
[ "$(json g.json 'sorted((x["syscall"], x["kind"], x["count"]) for x in j["escapes"] if x["syscall"] in ("pselect6", "sendto", "recvfrom", "epoll_pwait", "copy_file_range", "process_vm_readv", "futex"))')" = \
  "[('copy_file_range', 'escape', 1), ('epoll_pwait', 'escape', 1), ('futex', 'escape', 1), ('process_vm_readv', 'escape', 1), ('pselect6', 'escape', 1), ('recvfrom', 'escape', 1), ('sendto', 'escape', 1)]" ] ||
	{ dump g.json; fail "the trace's rows for the unmarkable syscalls are not the seven escapes"; }
[ "$(json g.json 'sum(x["count"] for x in j["escapes"] if x["kind"] == "runtime")')" = 0 ] ||
	{ dump g.json; fail "calls of the runtime's counted as reports"; }

rc=0
"$deja" replay g.deja >rout 2>rerr || rc=$?
[ $rc -eq 0 ] || { dump rout rerr; fail "replay of escape_gaps exited $rc"; }
cmp -s out rout || { diff out rout >&2 || true; fail "the replay printed other bytes"; }
grep -q "process 0 (pid [0-9]*) made 9 syscalls outside deja's runtime, not replayed: $escaped\$" rerr ||
	{ dump rerr; fail "the replay does not report each escaped call once"; }

note "unmarkable syscalls: seven escaped calls reported once each in record and replay; the runtime's own calls of them not reported"
