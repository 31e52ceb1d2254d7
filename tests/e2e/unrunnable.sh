#!/usr/bin/env bash
# unrunnable.sh DEJA
#
# A program deja cannot run says why, as a shell would, and exits 3
# without leaving a trace: a name not in PATH, a path to nothing, a file
# that is not executable, a directory.  Each said only "cannot find
# program", also of a file that was there (not executable), and a
# directory was "cannot read program".
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || fail "usage: unrunnable.sh DEJA"
deja=$(abspath "$1")
require_file "$deja"
cd "$tmp"

printf 'data\n' >plain
mkdir dir
cases=(
	"no-such-command-xyz|cannot find program 'no-such-command-xyz' in PATH"
	"./missing|cannot find program './missing': No such file or directory"
	"./plain|cannot run program './plain': Permission denied"
	"./dir|cannot run program './dir': it is a directory"
)
for c in "${cases[@]}"; do
	prog=${c%%|*} want=${c#*|}
	for cmd in record hunt; do
		rc=0
		timeout 20 "$deja" $cmd -o t.deja -- "$prog" >out 2>err </dev/null || rc=$?
		[ $rc -eq 3 ] || { dump err; fail "deja $cmd $prog exited $rc, not 3"; }
		grep -qF "$want" err || { dump err; fail "deja $cmd $prog did not say: $want"; }
		[ ! -e t.deja ] || fail "deja $cmd $prog left a trace"
	done
done
note "${#cases[@]} programs that cannot run: exit 3, each with its reason"
