#!/usr/bin/env bash
# tty_replay.sh DEJA
#
# A program recorded on a terminal and replayed into a file or a pipe
# (`deja replay T > log`): isatty() ran live in the replay and found no
# terminal, so Python buffered its output otherwise and ls printed a name
# a line, and the replay diverged.  Now the terminal ioctls (TCGETS,
# TIOCGWINSZ, ...; tcsetattr's results) are recorded: each program,
# recorded on a terminal (script(1) gives one), replays identically with
# its output in a file and no stdin, and prints what it printed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || fail "usage: tty_replay.sh DEJA"
deja=$(abspath "$1")
require_file "$deja"
command -v script >/dev/null || fail "script (util-linux) is needed"
cd "$tmp"

cases=(
	"python3 -c 'import sys; print(1); print(2); print(sys.stdout.isatty())'"
	"ls -C $tmp/.."
	"bash -c 'stty size; tty -s && echo a terminal'"
	"python3 -c 'import termios, tty, sys; old = termios.tcgetattr(0); tty.setraw(0); termios.tcsetattr(0, termios.TCSADRAIN, old); print(\"modes restored\")'"
)
n=0
for c in "${cases[@]}"; do
	n=$((n + 1))
	# script(1) runs the recording on a pseudo-terminal.
	script -qc "\"$deja\" record -q -o c$n.deja -- $c" /dev/null >/dev/null </dev/null ||
		fail "case $n: the recording failed: $c"
	[ -s "c$n.deja" ] || fail "case $n: no trace: $c"
	for i in 1 2; do
		rc=0
		timeout 60 "$deja" replay -q "c$n.deja" >out 2>err </dev/null || rc=$?
		[ $rc -eq 0 ] || { dump err; fail "case $n: replay $i into a file exited $rc: $c"; }
	done
	[ -s out ] || fail "case $n: the replay printed nothing: $c"
done
note "$n programs recorded on a terminal replay identically into a file"
