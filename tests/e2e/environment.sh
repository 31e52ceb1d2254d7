#!/usr/bin/env bash
# environment.sh DEJA
#
# deja's runtime is preloaded (LD_PRELOAD), but the program is not to see
# it: `printenv` under deja printed LD_PRELOAD=<deja's runtime, padded
# with hundreds of spaces>, and so did every program exec'd with an
# environment of its own (`env -i A=1 printenv`).  Now the program sees
# the environment it would natively: without LD_PRELOAD, or with only its
# own preloads, also in the processes it execs; and the recordings replay
# identically.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || fail "usage: environment.sh DEJA"
deja=$(abspath "$1")
require_file "$deja"
cd "$tmp"

# One of libc's own libraries, harmless to preload.
own=$(ldd /bin/true | awk '/libc\.so/ { print $3 }' | head -1)
[ -e "$own" ] || fail "cannot find libc to preload"

check() { # NAME EXPECTED_FILE DEJA_ENV... -- COMMAND...
	local name=$1 expected=$2
	shift 2
	local envs=()
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	env "${envs[@]}" "$deja" record -q -o "$name.deja" -- "$@" >"$name.out" ||
		fail "$name: record exited $?"
	cmp -s "$expected" "$name.out" ||
		{ diff "$expected" "$name.out" >&2 || true; fail "$name: the program saw another environment than natively"; }
	replays_match "$deja" "$name.deja" "$name.out" 2
}

env -i A=1 B=2 printenv >native.cleared
check cleared native.cleared -- env -i A=1 B=2 printenv
env -i A=1 LD_PRELOAD="$own" bash -c 'printenv LD_PRELOAD; env -i C=3 printenv' >native.own
check own native.own LD_PRELOAD="$own" -- env -i A=1 LD_PRELOAD="$own" bash -c 'printenv LD_PRELOAD; env -i C=3 printenv'
python3 -c 'import os; print(sorted(k for k in os.environ if "PRELOAD" in k or k.startswith("DEJA")))' >native.python
check python native.python -- python3 -c 'import os; print(sorted(k for k in os.environ if "PRELOAD" in k or k.startswith("DEJA")))'
note "the program sees no LD_PRELOAD of deja's, its own preloads as given"
