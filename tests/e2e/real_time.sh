#!/usr/bin/env bash
# real_time.sh DEJA REAL_TIME_PROG
#
# --time real: the clocks read the real time and sleeps and timed waits take
# it (the program's 0.1 s wait then 0.2 s sleep take 0.3 s or more), while a
# replay prints the recorded bytes without waiting; the default, virtual
# time, gives exactly the 0.3 s asked for at once.  Bad --time values and
# --time real with the parallel mode are usage errors.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: real_time.sh DEJA REAL_TIME_PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

ms() { echo $(( $(date +%s%N) / 1000000 )); }

for seed in 0 1 2; do
	start=$(ms)
	timeout 60 "$deja" record -q -s random --seed $seed --time real -o r$seed.deja -- "$prog" >rec$seed 2>err \
		|| { dump err; fail "seed $seed: record --time real failed"; }
	took=$(( $(ms) - start ))
	[ $took -ge 300 ] || fail "seed $seed: recording in real time took ${took} ms, less than the 0.3 s the program waits"
	elapsed=$(sed -n 's/.*elapsed \([0-9.]*\)$/\1/p' rec$seed)
	python3 -c "import sys; e=float('$elapsed'); sys.exit(0 if 0.3 <= e < 5 else 1)" ||
		{ dump rec$seed; fail "seed $seed: the program measured ${elapsed} s, not real time"; }
	grep -q "timedwait timed out" rec$seed || { dump rec$seed; fail "seed $seed: the timed wait did not time out"; }
	[ "$("$deja" show --json r$seed.deja | python3 -c 'import json,sys; print(json.load(sys.stdin)["run"]["time"])')" = real ] ||
		fail "seed $seed: run.time is not real"
	start=$(ms)
	replays_match "$deja" r$seed.deja rec$seed 10
	took=$(( $(ms) - start ))
	[ $took -lt 3000 ] || fail "seed $seed: 10 replays took ${took} ms: they waited for real time"
done
note "real time: recorded runs took the real 0.3 s and more; 3 x 10 replays identical, without waiting"

timeout 60 "$deja" record -q -o v.deja -- "$prog" >virt 2>err || { dump err; fail "virtual record failed"; }
grep -q "elapsed 0.30" virt || { dump virt; fail "virtual time: the program did not measure exactly its 0.3 s"; }
[ "$("$deja" show --json v.deja | python3 -c 'import json,sys; print(json.load(sys.stdin)["run"]["time"])')" = virtual ] ||
	fail "run.time is not virtual by default"

for bad in "--time sometimes" "--time real -s parallel"; do
	rc=0
	# shellcheck disable=SC2086
	"$deja" record -q $bad -o bad.deja -- "$prog" >/dev/null 2>err || rc=$?
	[ $rc -eq 2 ] || { dump err; fail "'$bad' exited $rc, expected 2"; }
	[ ! -e bad.deja ] || fail "'$bad' left a trace"
done
note "virtual time by default; bad --time refused"
