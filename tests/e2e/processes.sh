#!/usr/bin/env bash
# processes.sh DEJA PY_THREADS_SCRIPT SPAWNER_PROG
#
# Programs that exec and fork, and CPython: a shell that forks a command
# substitution and execs its last command; a "#!/usr/bin/env bash" wrapper
# that execs Debian's python3 (the way version-manager shims do); python3
# with threads, a queue, time, sleep, random, os.urandom and files;
# system(), popen() and posix_spawn() (vfork-style clones).  Each
# records and replays printing exactly the recorded bytes, with no real
# sleeping.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 3 ] || fail "usage: processes.sh DEJA PY_THREADS_SCRIPT SPAWNER_PROG"
deja=$(abspath "$1") script=$(abspath "$2") spawner=$(abspath "$3")
require_file "$deja" "$script" "$spawner" /usr/bin/python3
cd "$tmp"

# A shell: fork (command substitution), then exec of its last command.
timeout 60 "$deja" record -q -o sh.deja -- /bin/bash -c 'x=$(echo sub); echo "got $x at $(date +%s%N)"; exec /bin/echo done' \
	>sh.out 2>err || { dump sh.out err; fail "recording the shell failed"; }
grep -q "^got sub" sh.out && grep -q "^done" sh.out || { dump sh.out; fail "the shell's output is wrong"; }
"$deja" show --json sh.deja >sh.json
[ "$(json sh.json 'j["forks"]')" -ge 1 ] || { dump sh.json; fail "show --json does not count the forked children"; }
"$deja" show sh.deja >sh.txt
grep -q " exec() = 0" sh.txt || { dump sh.txt; fail "the exec is not an event"; }
replays_match "$deja" sh.deja sh.out 10 120
note "shell with fork and exec: 10 replays identical"

# A child's time is its parent's once reaped: a shell that waits for a
# deadline between `sleep 1`s in child processes ends (it looped for ever
# while each child's sleep moved only the child's clock), and `sleep 5`
# in a child moves the clock 5 s on for the `date` after it.
timeout 60 "$deja" record -q -o clock.deja -- /bin/sh -c \
	'd=$(( $(date +%s) + 2 )); n=0; while [ $(date +%s) -lt $d ]; do sleep 1; n=$((n+1)); done; echo loops $n;
	 a=$(date +%s%N); sleep 5; b=$(date +%s%N); echo slept $(( (b - a) / 1000000 )) ms' \
	>clock.out 2>err || { dump clock.out err; fail "the shell waiting for a deadline did not end"; }
# (1 loop too: a deadline 2 s after a whole second reached after one
# `sleep 1` when the first date came late in its second, as natively it
# can; on a loaded machine the children's start-up made that happen.)
grep -Eq '^loops [123]$' clock.out || { dump clock.out; fail "the deadline loop ran other than 1 to 3 times"; }
ms=$(sed -n 's/^slept \([0-9]*\) ms$/\1/p' clock.out)
[ -n "$ms" ] && [ "$ms" -ge 5000 ] && [ "$ms" -lt 5100 ] ||
	{ dump clock.out; fail "a child's sleep 5 moved the parent's clock by '$ms' ms"; }
replays_match "$deja" clock.deja clock.out 3 120
note "a reaped child's clock carries over to its parent: 3 replays identical"

# A child's end shows when the parent's clock reaches it: a timeout
# shorter than the child's sleep expires, as natively (the child's sleep
# takes no real time, and a WNOHANG wait saw it ended at once), and the
# timeout's kill of it, sent in a replay, must not end the replayed child
# elsewhere than its recording ended.  A child killed while it sleeps
# replays killed.
timeout 60 "$deja" record -q -o timeout.deja -- /usr/bin/python3 -c '
import subprocess
try:
    subprocess.run(["sleep", "5"], timeout=1)
    print("returned")
except subprocess.TimeoutExpired as e:
    print("timed out after", round(e.timeout), "s")
print(subprocess.run(["sh", "-c", "sleep 10 & kill $!; wait $!; echo killed: $?"], capture_output=True, text=True).stdout.strip())
' >timeout.out 2>err || { dump timeout.out err; fail "recording subprocess with a timeout failed"; }
printf 'timed out after 1 s\nkilled: 143\n' | cmp -s - timeout.out ||
	{ dump timeout.out; fail "subprocess.run with a timeout or a killed child went otherwise than natively"; }
replays_match "$deja" timeout.deja timeout.out 3 120
note "a child's end shows at its virtual time (subprocess timeout expires); 3 replays identical"

# system(), popen() and posix_spawn().
timeout 60 "$deja" record -q -o spawn.deja -- "$spawner" >spawn.out 2>err || { dump spawn.out err; fail "recording the spawner failed"; }
for want in "system -> 3" "popen read: from popen" "spawn -> 0, status 0"; do
	grep -qF "$want" spawn.out || { dump spawn.out err; fail "spawner: missing '$want'"; }
done
replays_match "$deja" spawn.deja spawn.out 5 120
note "system, popen, posix_spawn: 5 replays identical"

# A wrapper script that execs python3.
cat >wrapper <<WRAP
#!/usr/bin/env bash
exec /usr/bin/python3 "$script" "\$@"
WRAP
chmod +x wrapper
start=$(date +%s)
timeout 120 "$deja" record -q -o wrap.deja -- ./wrapper wrap.txt >wrap.out 2>err \
	|| { dump wrap.out err; fail "recording the wrapper failed"; }
[ $(( $(date +%s) - start )) -lt 4 ] || fail "python's 4 s of sleeps were not virtual"
grep -q "^slept 2.0" wrap.out || { dump wrap.out; fail "python did not sleep 2 s of virtual time"; }
replays_match "$deja" wrap.deja wrap.out 5 120
note "env-bash wrapper exec'ing python3: 5 replays identical"

# python3 itself, under seeded random schedules.
for seed in 1 2 3; do
	timeout 120 "$deja" record -q -s random --seed $seed -o py$seed.deja -- /usr/bin/python3 "$script" py$seed.txt \
		>py$seed.out 2>err || { dump py$seed.out err; fail "recording python seed $seed failed"; }
	replays_match "$deja" py$seed.deja py$seed.out 5 120
done
cmp -s py1.out py2.out && fail "two recordings of the python script printed the same bytes"
note "python3 threads, seeds 1-3: 5 replays each identical"
