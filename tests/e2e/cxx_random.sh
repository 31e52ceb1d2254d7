#!/usr/bin/env bash
# cxx_random.sh DEJA PROG
#
# std::random_device draws from RDRAND, a CPU instruction, which no
# syscall trap sees: deja takes its draws at libstdc++'s entry point
# instead. Two native runs print different numbers; a recording's replays
# (20 of the default schedule, 5 of a random one) print the recorded ones.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: cxx_random.sh DEJA PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

"$prog" >native1 && "$prog" >native2 || fail "the program fails natively"
[ "$(wc -l <native1)" -eq 6 ] || { dump native1; fail "the program did not print six draws"; }
cmp -s native1 native2 && fail "two native runs drew the same numbers: the test shows nothing"

timeout 60 "$deja" record -q -o a.deja -- "$prog" >rec 2>err || { dump err; fail "record failed"; }
replays_match "$deja" a.deja rec 20
timeout 60 "$deja" record -q -s random --seed 7 -o b.deja -- "$prog" >recb 2>err ||
	{ dump err; fail "record with a random schedule failed"; }
replays_match "$deja" b.deja recb 5
note "std::random_device replayed: 20 + 5 replays print the recorded draws"
