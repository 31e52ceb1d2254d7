#!/usr/bin/env bash
# syscalls.sh DEJA SYSCALL_EDGES_PROG
#
# The syscall trap, end to end: unsupported and unknown syscalls fail with
# ENOSYS and are reported on stderr, in `deja show` and in --json; output
# syscalls are compared in replay (other bytes: divergence, exit 1); a raw
# nanosleep is virtual (a 30 s sleep records in well under 30 s); a
# program waiting in pause() for its SIGALRM handler gets it; the kernel-side
# policy gives ENOSYS to unsupported syscalls even in a forked child that
# deja does not follow (parallel mode), and a followed child's runtime
# refuses them as events of its own stream.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: syscalls.sh DEJA SYSCALL_EDGES_PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

# Unsupported syscalls.
rc=0
timeout 60 "$deja" record -o u.deja -- "$prog" unsupported >out 2>err || rc=$?
[ $rc -eq 0 ] || { dump out err; fail "record of the unsupported case exited $rc (the program saw something other than ENOSYS)"; }
grep -q "io_uring_setup, which deja does not support" err || { dump err; fail "no stderr report for io_uring_setup"; }
grep -q "syscall 999, which deja does not support" err || { dump err; fail "no stderr report for syscall 999"; }
"$deja" show u.deja >show.txt
grep -q "unsupported syscalls (they failed with ENOSYS): io_uring_setup x1 syscall 999 x1" show.txt \
	|| { dump show.txt; fail "deja show does not list the unsupported syscalls"; }
"$deja" show --json u.deja >u.json
[ "$(json u.json 'len(j["unsupported_syscalls"])')" = 2 ] || { dump u.json; fail "--json: unsupported_syscalls should have 2 entries"; }
[ "$(json u.json 'j["unsupported_syscalls"][0]["name"]')" = io_uring_setup ] || { dump u.json; fail "--json: first unsupported syscall is not io_uring_setup"; }
timeout 60 "$deja" replay -q u.deja >/dev/null 2>err || { dump err; fail "replay of the unsupported case was not identical"; }
note "unsupported syscalls: ENOSYS, reported, replayed"

# Output compared in replay.
E2E_WORD=hello timeout 60 "$deja" record -q -o o.deja -- "$prog" output >out 2>err || { dump err; fail "record of the output case failed"; }
[ "$(cat out)" = hello ] || fail "the program's output did not reach stdout under record"
rc=0
E2E_WORD=hello timeout 60 "$deja" replay -q o.deja >out 2>err || rc=$?
[ $rc -eq 0 ] || { dump err; fail "replay with the same output exited $rc"; }
[ "$(cat out)" = hello ] || fail "the program's output did not reach stdout under replay"
# The replay gives the program the recorded environment: changed in the
# trace, the program writes other bytes.
cp o.deja o2.deja
sqlite3 o2.deja "UPDATE environ SET var = 'E2E_WORD=hellO' WHERE var = 'E2E_WORD=hello'" ||
	fail "cannot change the recorded environment"
rc=0
timeout 60 "$deja" replay o2.deja >out 2>err || rc=$?
[ $rc -eq 1 ] || { dump err; fail "replay that writes other bytes exited $rc, expected 1 (diverged)"; }
grep -q "syscall write()" err || { dump err; fail "the divergence does not name the write"; }
note "output syscalls: other bytes in replay diverge at the write"

# Raw sleeps are virtual.
start=$(date +%s)
timeout 25 "$deja" record -q -o s.deja -- "$prog" sleep >/dev/null 2>err || { dump err; fail "record of a raw 30 s nanosleep failed or took 25 s or more"; }
[ $(( $(date +%s) - start )) -lt 10 ] || fail "a raw 30 s nanosleep was not virtual"
"$deja" show s.deja | grep -q "sleep(30000000000ns)" || { "$deja" show s.deja >&2; fail "the raw nanosleep is not a sleep event"; }
note "raw nanosleep: virtual"

# pause() until a signal handler runs: signals reach blocking syscalls.
rc=0
timeout 20 "$deja" record -q -o a.deja -- "$prog" alarm >out 2>err || rc=$?
[ $rc -ne 124 ] || fail "a program in pause() never got its SIGALRM under deja"
[ $rc -eq 0 ] && grep -q "alarm handled" out || { dump out err; fail "the alarm case exited $rc"; }
note "pause() gets its SIGALRM"

# The kernel-side policy reaches processes the runtime does not manage (a
# child forked with the trap switched off, which deja does not follow).
timeout 20 "$deja" record -q -o c.deja -- "$prog" unseenchild >out 2>err || { dump out err; fail "the unseen child case failed"; }
grep -q "child io_uring_setup: -1 Function not implemented" out || { dump out; fail "a forked child's io_uring_setup did not get ENOSYS from the seccomp policy"; }
grep -q "pid [0-9]* (not followed) made [0-9]* syscalls outside deja's runtime" err ||
	{ dump err; fail "the unfollowed child's syscalls are not reported"; }
note "seccomp policy: ENOSYS in an unfollowed child"
# A followed child: its runtime refuses the call, an event of its stream.
timeout 20 "$deja" record -q -o f.deja -- "$prog" child >out 2>err || { dump out err; fail "the followed child case failed"; }
grep -q "child io_uring_setup: -1 Function not implemented" out || { dump out; fail "a followed child's io_uring_setup did not get ENOSYS"; }
[ "$(sqlite3 f.deja "SELECT count(*) FROM process_events WHERE op = 'syscall_unsupported'")" -eq 1 ] \
	|| fail "the followed child's refused syscall is not an event of its stream"
note "a followed child's unsupported syscall is an event of its own stream"
# A process clone deja cannot follow (shared descriptor table) is refused.
timeout 20 "$deja" record -q -o cf.deja -- "$prog" clonefiles >out 2>err || { dump out err; fail "the clonefiles case failed"; }
grep -q "clone(CLONE_FILES): Function not implemented" out || { dump out err; fail "clone(CLONE_FILES) was not refused with ENOSYS"; }
grep -q "deja: clone() of a process with flags deja cannot follow" err || { dump err; fail "the refusal has no message"; }
"$prog" clonefiles | grep -q "made a process" || fail "natively, clone(CLONE_FILES) should make a process"
note "clone(CLONE_FILES) of a process: refused with a message"
