#!/usr/bin/env bash
# chdir.sh DEJA CHDIR_NEW_PROG
#
# Whether chdir succeeds is the file system's answer: a program that
# changes into a directory and creates it only when that fails (`git init
# DIR`) took one path when recorded, and a replay made right after, with
# the directory there now, must take the same one; so must a replay with
# the directory gone.  Where the recording's chdir succeeded, the replay's
# still changes directory for real, so that `cd sub && ./tool` in a shell
# execs the tool it ran.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: chdir.sh DEJA CHDIR_NEW_PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

timeout 60 "$deja" record -q -o c.deja -- "$prog" new >rec 2>err || { dump err; fail "record failed"; }
grep -q "chdir new: No such file or directory, creating it" rec || { dump rec; fail "the recording did not create the directory"; }
grep -q "new/note.txt is there: yes" rec || { dump rec; fail "the recording did not write new/note.txt"; }
replays_match "$deja" c.deja rec 2 # the directory is there now
rm -rf new
replays_match "$deja" c.deja rec 2 # and now it is gone
[ ! -e new ] || fail "a replay created the directory"

# A replayed chdir that succeeded still moves the process: the shell
# execs ./tool relative to the directory it changed to.
mkdir sub
printf '#!/bin/sh\necho tool ran in "$(basename "$PWD")"\n' >sub/tool
chmod +x sub/tool
timeout 60 "$deja" record -q -o s.deja -- bash -c 'cd sub && ./tool' >srec 2>serr || { dump serr; fail "record of cd sub && ./tool failed"; }
[ "$(cat srec)" = "tool ran in sub" ] || { dump srec; fail "cd sub && ./tool printed something else"; }
replays_match "$deja" s.deja srec 2

if command -v git >/dev/null; then
	timeout 60 "$deja" record -q -o g.deja -- git init -q "$tmp/repo" >grec 2>gerr || { dump gerr; fail "record of git init failed"; }
	replays_match "$deja" g.deja grec 2
	rm -rf repo
	replays_match "$deja" g.deja grec 2
	[ ! -e repo ] || fail "a replay of git init created the repository"
fi
note "chdir's result replays as recorded, with its directory there or gone; a successful one still moves the process"
