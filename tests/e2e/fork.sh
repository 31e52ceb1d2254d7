#!/usr/bin/env bash
# fork.sh DEJA FORKER_PROG SPAWNER_PROG FORK_THREADS_PROG CHILD_DEADLOCK_PROG
#
# Forked children are followed: each process of the tree has its own event
# stream in the trace, and a replay reproduces the whole tree.  A parent
# forks children that run threads taking a lock, read the clock,
# randomness and their pids, and report through pipes; recorded under
# seeded random schedules, every replay prints the recorded bytes (pids
# included).  A child that crashes is recorded in its own stream while the
# run's outcome stays the parent's.  A child that diverges, a child the
# recording did not have and a recorded child the replay does not fork are
# divergences named as such.  system(), popen() and posix_spawn() children
# are followed through their exec, and so are bash's background jobs and
# Python's subprocess.  A multi-threaded parent forking from a second
# thread replays under random schedules.  A child that outlives the top process
# is waited for.  deja interrupted while a child blocks still leaves a
# readable trace listing the processes.  A child that deadlocks has its
# wait-for graph recorded and shown.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 5 ] || fail "usage: fork.sh DEJA FORKER_PROG SPAWNER_PROG FORK_THREADS_PROG CHILD_DEADLOCK_PROG"
deja=$(abspath "$1") forker=$(abspath "$2") spawner=$(abspath "$3") threads=$(abspath "$4")
deadlock=$(abspath "$5")
require_file "$deja" "$forker" "$spawner" "$threads" "$deadlock"
cd "$tmp"
unset FORKER_CHILD_LOCKS

# Records and replays, byte for byte.
for seed in 1 2 3; do
	timeout 60 "$deja" record -q -s random --seed $seed -o f$seed.deja -- "$forker" >f$seed.out 2>err \
		|| { dump f$seed.out err; fail "recording forker seed $seed failed"; }
	[ "$(grep -c '^child [0-9]: pid' f$seed.out)" -eq 3 ] || { dump f$seed.out; fail "seed $seed: the children did not all report"; }
	grep -q '^direct child [0-9]* says hello' f$seed.out || { dump f$seed.out; fail "seed $seed: the printing child did not print"; }
	replays_match "$deja" f$seed.deja f$seed.out $([ $seed -eq 1 ] && echo 20 || echo 5) 60
done
note "forker, seeds 1-3: 20, 5 and 5 replays print the recorded bytes"

# Parallel mode follows the children too (each run serialised): forker,
# and system(), popen() and posix_spawn() children through their exec.
# (Not fork_threads: its fork copies a counter that another thread, running
# at the same time in parallel mode, changes between two of its events, a
# race parallel mode does not make exact.)
for prog in "$forker" "$spawner"; do
	name=$(basename "$prog")
	timeout 60 "$deja" record -q -s parallel -o par_$name.deja -- "$prog" >par_$name.out 2>err \
		|| { dump par_$name.out err; fail "recording $name in parallel mode failed"; }
	if grep -q "not followed" err; then dump err; fail "$name in parallel mode: children not followed"; fi
	"$deja" show --json par_$name.deja >par_$name.json
	[ "$(json par_$name.json 'len(j["processes"]) > 1 and min(p["events"] for p in j["processes"][1:]) > 0')" = true ] ||
		{ dump par_$name.json; fail "$name in parallel mode: the children's streams are not in the trace"; }
	replays_match "$deja" par_$name.deja par_$name.out 5 60
done
[ "$(json par_$(basename "$forker").json 'len(j["processes"])')" -eq 5 ] ||
	fail "forker in parallel mode: not 5 processes"
note "parallel mode: forker's and the spawner's children followed, 5 replays each identical"
cmp -s f1.out f2.out && fail "two recordings printed the same bytes (clocks, randomness and pids should differ)"
# What fork() and waitpid() gave is the pid the child saw itself.
python3 - f1.out <<'PY' || fail "fork/waitpid pids do not match the children's own"
import re, sys
lines = open(sys.argv[1]).read().splitlines()
for i, l in enumerate(lines):
    m = re.match(r"child \d: pid (\d+) ppid (\d+)", l)
    if m:
        g = re.match(r"fork gave (\d+), waitpid gave (\d+)", lines[i + 1])
        assert g and g.group(1) == m.group(1) == g.group(2), (l, lines[i + 1])
PY

# deja show --json lists the processes: the top one and four children.
"$deja" show --json f1.deja >f1.json
[ "$(json f1.json 'len(j["processes"])')" -eq 5 ] || { dump f1.json; fail "show --json does not list 5 processes"; }
[ "$(json f1.json '[p["parent"] for p in j["processes"]]')" = "[None, 0, 0, 0, 0]" ] || { dump f1.json; fail "the children's parent is not process 0"; }
[ "$(json f1.json 'sorted(p["fork_index"] for p in j["processes"][1:])')" = "[0, 1, 2, 3]" ] || { dump f1.json; fail "the fork indexes are not 0-3"; }
[ "$(json f1.json 'sorted(p.get("exit_code") for p in j["processes"][1:])')" = "[0, 10, 11, 12]" ] || { dump f1.json; fail "the children's exit codes are not recorded"; }
[ "$(json f1.json 'min(p["events"] for p in j["processes"][1:4])')" -ge 30 ] || { dump f1.json; fail "the children's events are not recorded"; }
"$deja" show f1.deja >f1.txt
grep -q "fork(#3) = 0" f1.txt || { dump f1.txt; fail "the parent's stream has no fork event"; }
grep -q "^process [1-4] (fork #1 of process 0, pid [0-9]*): exit 11" f1.txt || { dump f1.txt; fail "show does not head each child's events"; }
grep -q "child processes followed: 4" f1.txt || { dump f1.txt; fail "show does not count the followed children"; }
note "show and show --json list the processes with their own events"

# A multi-threaded parent forking from its second thread while the first
# takes the lock: the child's only thread is the forking one.
for seed in 1 2 3 4; do
	timeout 60 "$deja" record -q -s random --seed $seed -o t$seed.deja -- "$threads" >t$seed.out 2>err \
		|| { dump t$seed.out err; fail "recording fork_threads seed $seed failed"; }
	[ "$(grep -c '^child [0-2]: counter' t$seed.out)" -eq 3 ] || { dump t$seed.out; fail "fork_threads seed $seed: the children did not all report"; }
	grep -q "^done, counter 50$" t$seed.out || { dump t$seed.out; fail "fork_threads seed $seed: the parent's counter is wrong"; }
	replays_match "$deja" t$seed.deja t$seed.out 5 60
done
note "a multi-threaded parent forking from its second thread, seeds 1-4: 5 replays each identical"
# Each child printed its ids: its main thread's (the forking thread's)
# gettid() equals its pid, the thread it made has another; the replays
# above printed the recorded ones (a replay's child gets a newer pid from
# the kernel, so the live ids would differ and the replay diverge).
python3 - t1.out <<'PY' || { dump t1.out; fail "a child's main thread's id is not its pid"; }
import re, sys
ids = [re.match(r"child \d ids: pid (\d+) tid (\d+) raw (\d+) thread (\d+)$", l)
       for l in open(sys.argv[1]).read().splitlines()]
ids = [m for m in ids if m]
assert len(ids) == 3, "not three children's ids"
for m in ids:
    pid, tid, raw, thread = (int(g) for g in m.groups())
    assert pid == tid == raw, m.group(0)
    assert thread not in (0, pid), m.group(0)
PY
note "a child's main thread's id (its pid) and its created thread's id replay as recorded"

# A child that crashes: its own outcome; the run's is the parent's.
timeout 60 "$deja" record -q -o crash.deja -- "$forker" crash >crash.out 2>err || { dump crash.out err; fail "recording forker crash exited $?"; }
grep -q "signal 11" crash.out && grep -q "signal 6" crash.out || { dump crash.out; fail "the crashing children did not die of SIGSEGV and SIGABRT"; }
"$deja" show --json crash.deja >crash.json
[ "$(json crash.json 'j["outcome"]["kind"]')" = exit ] || { dump crash.json; fail "the run's outcome is not the parent's exit"; }
[ "$(json crash.json '[p["outcome"] for p in j["processes"] if p["fork_index"] == 1][0]')" = signal ] || { dump crash.json; fail "the crashed child's outcome is not signal"; }
[ "$(json crash.json '[p.get("signal") for p in j["processes"] if p["fork_index"] == 1][0]')" = 11 ] || { dump crash.json; fail "the crashed child's signal is not 11"; }
[ "$(json crash.json '[p.get("signal") for p in j["processes"] if p["fork_index"] == 2][0]')" = 6 ] || { dump crash.json; fail "the aborted child's signal is not 6"; }
# Where the SIGSEGV came: the child's thread and the faulting line.
[[ "$(json crash.json '[p["fault"]["location"] for p in j["processes"] if p["fork_index"] == 1][0]')" == *"(forker.c:58)" ]] ||
	{ dump crash.json; fail "the crashed child's fault location is not forker.c:58"; }
"$deja" show crash.deja >crash.txt # whole: a grep -q that leaves early would end show with SIGPIPE
grep -q '^process [0-9]* (fork #1 of process 0, pid [0-9]*): signal 11 (SIGSEGV) in thread 0 at [a-z_]* (forker.c:58)' crash.txt ||
	{ dump crash.txt; fail "show does not say where the child crashed"; }
replays_match "$deja" crash.deja crash.out 5 60
note "a crashing child is recorded in its own stream; 5 replays identical"

# A child that deadlocks: its own outcome, its wait-for graph recorded
# (process_waits) and shown after its events; the run's outcome is the
# parent's, which saw the child end with the runtime's status.
timeout 60 "$deja" record -q -o dl.deja -- "$deadlock" >dl.out 2>err || { dump dl.out err; fail "recording child_deadlock failed"; }
[ "$(cat dl.out)" = "child exit 86" ] || { dump dl.out; fail "the parent did not see its deadlocked child end with the runtime's status"; }
"$deja" show --json dl.deja >dl.json
[ "$(json dl.json '[p["outcome"] for p in j["processes"]]')" = "['exit', 'deadlock']" ] || { dump dl.json; fail "the child's outcome is not deadlock"; }
[ "$(json dl.json '[(w["thread"], w["op"], w["object_kind"], w["holder"]) for w in j["processes"][1]["waits"]]')" = \
	"[(0, 'join', 'thread', 1), (1, 'mutex_lock', 'mutex', 0)]" ] || { dump dl.json; fail "the child's wait-for graph is not recorded"; }
[ "$(json dl.json 'j["waits"]')" = "[]" ] || { dump dl.json; fail "the parent, which did not deadlock, has waits"; }
grep -q "child_deadlock.c" <<<"$(json dl.json 'j["processes"][1]["waits"][1]["location"]')" || { dump dl.json; fail "the child's wait is not located in the source"; }
"$deja" show dl.deja >dl.txt
grep -q "^  wait-for graph of process 1:" dl.txt || { dump dl.txt; fail "show does not print the child's wait-for graph"; }
grep -q "^    thread 1 waits in mutex_lock(mutex#[0-9]*) at taker (child_deadlock.c:[0-9]*), held by thread 0" dl.txt || { dump dl.txt; fail "show does not print the child's blocked lock"; }
grep -q "^    cycle: thread 0 -> thread 1 -> thread 0" dl.txt || { dump dl.txt; fail "show does not print the child's cycle"; }
replays_match "$deja" dl.deja dl.out 3 60
note "a deadlocked child's wait-for graph is recorded and shown; 3 replays identical"

# Divergence in a child: the replay gives the program the recorded
# environment, so the variable that makes a child take another lock is
# put into the trace's.
cp f1.deja f1-changed.deja
sqlite3 f1-changed.deja "INSERT INTO environ (idx, var) SELECT max(idx) + 1, 'FORKER_CHILD_LOCKS=1' FROM environ" ||
	fail "cannot change the recorded environment"
rc=0
timeout 60 "$deja" replay f1-changed.deja >/dev/null 2>err || rc=$?
[ $rc -eq 1 ] || { dump err; fail "a replay whose child takes another lock exited $rc, expected 1"; }
grep -q "diverged: process [1-4] (fork #1 of process 0), event [0-9]* differs" err || { dump err; fail "the divergence does not name the child and its event"; }
note "a child's divergence is named: $(grep -m1 diverged err)"

# A child the recording did not have.
cp f1.deja extra.deja
last=$(sqlite3 extra.deja "SELECT id FROM processes WHERE parent = 0 AND fork_index = 3")
sqlite3 extra.deja "DELETE FROM process_events WHERE process = $last; DELETE FROM processes WHERE id = $last"
rc=0
timeout 60 "$deja" replay -q extra.deja >/dev/null 2>err || rc=$?
[ $rc -eq 1 ] || { dump err; fail "a replay forking a child the recording did not have exited $rc, expected 1"; }
grep -q "fork #3 of process 0: a child process the recording did not have" err || { dump err; fail "the unrecorded child is not named"; }
# A recorded child the replay does not fork.
cp f1.deja missing.deja
# (Processes are numbered 0 to n - 1: the next number.)
id=$(sqlite3 missing.deja "SELECT count(*) FROM processes")
sqlite3 missing.deja "INSERT INTO processes (id, parent, fork_index, pid, ppid, outcome, exit_code, events) VALUES ($id, 0, 7, 1, 1, 'exit', 0, 0)"
rc=0
timeout 60 "$deja" replay -q missing.deja >/dev/null 2>err || rc=$?
[ $rc -eq 1 ] || { dump err; fail "a replay missing a recorded child exited $rc, expected 1"; }
grep -q "process $id (fork #7 of process 0) was recorded, but the replay did not fork it" err || { dump err; fail "the missing child is not named"; }
note "an unrecorded child and a missing child are divergences named as such"

# system(), popen(), posix_spawn(): followed through their exec.
timeout 60 "$deja" record -q -o spawn.deja -- "$spawner" >spawn.out 2>err || { dump spawn.out err; fail "recording the spawner failed"; }
"$deja" show --json spawn.deja >spawn.json
[ "$(json spawn.json 'len(j["processes"])')" -eq 4 ] || { dump spawn.json; fail "system, popen and posix_spawn children are not listed"; }
[ "$(json spawn.json '[p.get("exit_code") for p in j["processes"]]')" = "[0, 3, 0, 0]" ] || { dump spawn.json; fail "the spawned children's exit codes are wrong"; }
[ "$(sqlite3 spawn.deja "SELECT count(DISTINCT process) FROM process_events WHERE op = 'exec' AND result = 0")" -eq 3 ] \
	|| fail "the spawned children's exec is not in their streams"
replays_match "$deja" spawn.deja spawn.out 10 60
note "system, popen, posix_spawn children followed through exec; 10 replays identical"

# bash reaps its children from its SIGCHLD handler with WNOHANG waits:
# which child each wait finds ended is replayed (reap events).
timeout 60 "$deja" record -q -o jobs.deja -- /bin/bash -c \
	'(exit 3) & p=$!; (exit 4) & q=$!; x=$(echo sub); wait $p; a=$?; wait $q; echo "$x $a $? $RANDOM"' \
	>jobs.out 2>err || { dump jobs.out err; fail "recording bash's background jobs failed"; }
grep -q "^sub 3 4 " jobs.out || { dump jobs.out; fail "bash's background jobs gave the wrong statuses"; }
[ "$(sqlite3 jobs.deja "SELECT count(*) FROM events WHERE op = 'reap'")" -ge 1 ] || fail "bash's waits are not reap events"
replays_match "$deja" jobs.deja jobs.out 20 60
note "bash's background jobs and their WNOHANG reaping: 20 replays identical"

# Python's subprocess closes every descriptor it did not open between
# fork and exec; the runtime's own survive, and the child is followed.
timeout 60 "$deja" record -q -o py.deja -- /usr/bin/python3 -c 'import subprocess, os
r = subprocess.run(["/bin/echo", "from python child"], capture_output=True, text=True)
print(r.stdout.strip(), r.returncode)
p = os.fork()
if p == 0:
    os._exit(7)
print("child", p, "exit", os.waitpid(p, 0)[1] >> 8)' >py.out 2>err || { dump py.out err; fail "recording python's subprocess failed"; }
grep -q "^from python child 0" py.out && grep -q "exit 7$" py.out || { dump py.out err; fail "python's children gave the wrong output"; }
"$deja" show --json py.deja >py.json
[ "$(json py.json 'len(j["processes"])')" -eq 3 ] || { dump py.json; fail "python's two children are not listed"; }
replays_match "$deja" py.deja py.out 5 120
note "python subprocess and os.fork children followed; 5 replays identical"

# More children than a process may hold descriptors (1024 by default):
# the supervisor keeps none per child that has ended.
timeout 120 "$deja" record -q -o loop.deja -- /bin/bash -c 'for i in $(seq 1 1100); do /bin/true; done; echo looped' \
	>loop.out 2>err || { dump err; fail "recording 1100 children failed"; }
[ "$(cat loop.out)" = looped ] || { dump loop.out err; fail "the loop of 1100 children did not finish"; }
[ "$(sqlite3 loop.deja "SELECT count(*) FROM processes")" -eq 1102 ] || fail "the 1101 children are not all listed"
replays_match "$deja" loop.deja loop.out 1 120
note "1101 children followed and replayed"

# A child that outlives the top process is waited for.
timeout 60 "$deja" record -q -o late.deja -- /bin/bash -c '(sleep 0.3; echo late) & echo early' >late.out 2>err \
	|| { dump late.out err; fail "recording the background child failed"; }
[ "$(cat late.out)" = "$(printf 'early\nlate')" ] || { dump late.out; fail "the background child's output is missing"; }
replays_match "$deja" late.deja late.out 5 60
note "a child outliving the top process is waited for; 5 replays identical"

# deja interrupted while a child blocks in the kernel: a readable trace.
mkfifo never
"$deja" record -q -o intr.deja -- /bin/bash -c '(read x <never) & wait' >/dev/null 2>err &
pid=$!
sleep 1
kill -TERM $pid
rc=0
wait $pid || rc=$?
[ $rc -eq 130 ] || { dump err; fail "interrupted deja exited $rc, expected 130"; }
"$deja" show --json intr.deja >intr.json || fail "the interrupted trace cannot be shown"
[ "$(json intr.json 'len(j["processes"])')" -ge 2 ] || { dump intr.json; fail "the interrupted trace does not list the blocked child"; }
note "interrupted with a child blocked: the trace lists $(json intr.json 'len(j["processes"])') processes"
