#!/usr/bin/env bash
# make_build.sh DEJA
#
# A parallel build: `make -j2` of a small C project.  make waits for its
# jobs in pselect6 with SIGCHLD let in only there, so the recording must
# let that signal interrupt the wait; each replay, made after `make clean`,
# prints the recorded bytes and builds nothing (a replay leaves the file
# system alone).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || fail "usage: make_build.sh DEJA"
deja=$(abspath "$1")
require_file "$deja"
command -v make >/dev/null && command -v cc >/dev/null || fail "make and cc are needed"
cd "$tmp"

mkdir proj && cd proj
for i in 1 2 3; do echo "int f$i(void) { return $i; }" >"f$i.c"; done
echo 'int f1(void); int f2(void); int f3(void); int main(void) { return f1() + f2() + f3() - 6; }' >main.c
printf 'prog: main.o f1.o f2.o f3.o\n\tcc -o $@ $^\n%%.o: %%.c\n\tcc -c -o $@ $<\nclean:\n\trm -f *.o prog\n' >Makefile
for run in 1 2; do
	make -s clean
	rc=0
	timeout 120 "$deja" record -q -o ../m.deja -- make -j2 >../rec 2>../err || rc=$?
	[ $rc -eq 0 ] || { dump ../rec ../err; fail "record $run of make -j2 exited $rc"; }
	[ -x prog ] && ./prog || fail "record $run: the program was not built"
	make -s clean
	replays_match "$deja" ../m.deja ../rec 3 120
	[ ! -e prog ] && [ ! -e main.o ] || fail "a replay built files again"
done
note "make -j2 recorded twice, each replayed 3 times after make clean, building nothing"
