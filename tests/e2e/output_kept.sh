#!/usr/bin/env bash
# output_kept.sh DEJA FAILING_PROG
#
# An output file (-o) that exists and is not a deja trace: record deleted
# it and wrote the trace in its place (a typo, `-o main.c`, lost the
# user's file), and hunt and shrink renamed their result over it.  Now
# each refuses, exit 3, naming the file, before running anything, and the
# file is untouched; a FIFO is refused too.  An earlier trace, an empty
# file (a trace claimed but never made) and a symbolic link (only the
# link goes) are still replaced.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: output_kept.sh DEJA FAILING_PROG"
deja=$(abspath "$1")
failing=$(abspath "$2")
require_file "$deja" "$failing"
cd "$tmp"

echo "the user's notes" >notes.txt
mkfifo fifo
"$deja" record -q --strategy random --seed 1 -o fails.deja -- "$failing" >/dev/null 2>&1 || true
[ "$(outcome_of "$deja" fails.deja)" != "exit 0" ] || fail "the failing program passed under seed 1"

# refused WHAT FILE CMD...: exit 3, a message naming FILE, the program not
# run, FILE as it was.
refused() {
	local what=$1 file=$2
	shift 2
	local before rc=0
	before=$(stat -c '%F %s %Y' "$file")
	"$@" >out 2>err || rc=$?
	[ $rc -eq 3 ] || { dump err; fail "$what over $file exited $rc, expected 3"; }
	grep -q "$file exists and is not a deja trace" err || { dump err; fail "$what over $file: no clear message"; }
	[ ! -e ran ] || fail "$what over $file ran the program"
	[ "$(stat -c '%F %s %Y' "$file")" = "$before" ] || fail "$what changed $file"
}
for f in notes.txt fifo; do
	refused "deja record" $f "$deja" record -o $f -- touch ran
	refused "deja hunt" $f "$deja" hunt -o $f -- sh -c 'touch ran; exit 1'
done
refused "deja shrink" notes.txt "$deja" shrink -o notes.txt fails.deja
[ "$(cat notes.txt)" = "the user's notes" ] || fail "notes.txt was changed"

# Still replaced: a trace, an empty file, a link (not what it points to).
"$deja" record -q -o old.deja -- true || fail "recording old.deja failed"
"$deja" record -q -o old.deja -- sh -c 'exit 4' >/dev/null 2>&1 || true
[ "$(outcome_of "$deja" old.deja)" = "exit 4" ] || fail "an earlier trace was not replaced"
: >empty.deja
"$deja" record -q -o empty.deja -- true || fail "an empty file was not replaced"
ln -s notes.txt link.deja
"$deja" record -q -o link.deja -- true || fail "a symbolic link was not replaced"
[ ! -L link.deja ] && [ "$(cat notes.txt)" = "the user's notes" ] || fail "the link's target was written"
note "an output file that is not a trace is kept: record, hunt and shrink exit 3"
