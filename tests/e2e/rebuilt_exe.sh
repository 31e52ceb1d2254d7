#!/usr/bin/env bash
# rebuilt_exe.sh DEJA CC PROGRAMS_DIR
#
# A replay refuses an executable that is not the recorded one, told by its
# identity (recorder/file_identity.c: the GNU build ID and size of an ELF
# file): the program rebuilt with another constant, the same size but
# other code and so another build ID, is refused with exit 2 before it
# runs; a copy of the recorded file put in its place (another inode, the
# same bytes) replays; and a copy built without a build ID is identified
# by its contents, so one changed byte is refused.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 3 ] || fail "usage: rebuilt_exe.sh DEJA CC PROGRAMS_DIR"
deja=$(abspath "$1") cc=$2 programs=$(abspath "$3")
require_file "$deja" "$programs/greeting.c"
cd "$tmp"

build() { "$cc" -O2 -pthread "$@" -o greeting "$programs/greeting.c" || fail "building greeting $*"; }

# refused WHAT: the replay of g.deja exits 2, naming the changed program,
# and runs nothing.
refused() {
	local rc=0
	timeout 60 "$deja" replay -q g.deja >rep 2>err || rc=$?
	[ $rc -eq 2 ] || { dump rep err; fail "$1: the replay exited $rc, not 2"; }
	grep -q "greeting has changed since it was recorded" err || { dump err; fail "$1: the refusal does not name the program"; }
	[ ! -s rep ] || { dump rep; fail "$1: the refused replay ran the program"; }
}

build -DWORD=1111
cp greeting recorded
"$deja" record -q -o g.deja -- ./greeting >out 2>err || { dump err; fail "deja record failed"; }
[ "$(cat out)" = "greeting 1111" ] || { dump out; fail "the recording printed something else"; }

build -DWORD=2222
[ "$(stat -c %s greeting)" = "$(stat -c %s recorded)" ] || fail "the rebuild's size differs: the test needs a same-size rebuild"
cmp -s greeting recorded && fail "the rebuild is the same file"
refused "a same-size rebuild"
note "a rebuilt program of the same size is refused (exit 2)"

rm greeting
cp recorded greeting
timeout 60 "$deja" replay -q g.deja >rep 2>err || { dump rep err; fail "the replay of a copy of the recorded file failed"; }
[ "$(cat rep)" = "greeting 1111" ] || { dump rep; fail "the replay of the copy printed something else"; }
note "a copy of the recorded file in its place replays"

build -DWORD=1111 -Wl,--build-id=none
"$deja" record -q -o g.deja -- ./greeting >out 2>err || { dump err; fail "deja record (no build ID) failed"; }
build -DWORD=2222 -Wl,--build-id=none
refused "a rebuild without a build ID"
note "without a build ID the contents tell: a changed byte is refused"
