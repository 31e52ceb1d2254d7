#!/usr/bin/env bash
# libc_sites.sh DEJA LIBC_SITES LIBC_SITES_SOURCE
#
# Events libc makes for the program's calls are placed at the program's
# line.  A syscall made inside a libc function (fopen's openat, fclose's
# write, readdir's getdents64, poll, pause) had its site in libc:
# `deja show` said "__open64 (libc.so.6)", "fstatat (libc.so.6)", and a
# wait-for graph "epoll_wait (libc.so.6)", which told the user nothing of
# which call it was.  The runtime now notes the program's call to such a
# function and places the events made within it there.  A siglongjmp out
# of the call (a SIGALRM handler leaves pause()) ends the note: the
# program's raw syscall(SYS_uname) after it is not placed at the pause.
# The recording replays identically.  A failed assertion's message is
# placed at the assertion.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 3 ] || fail "usage: libc_sites.sh DEJA LIBC_SITES LIBC_SITES_SOURCE"
deja=$(abspath "$1") prog=$(abspath "$2") src=$(abspath "$3")
require_file "$deja" "$prog" "$src"
cd "$tmp"

line_of() { grep -n "site:$1 " "$src" | cut -d: -f1; }

rc=0
timeout 60 "$deja" record -q -o s.deja -- "$prog" >out 2>err || rc=$?
[ $rc -eq 0 ] || { dump out err; fail "deja record exited $rc"; }
grep -q "entries found, uname found" out || { dump out; fail "the program printed otherwise"; }
"$deja" show s.deja >show || fail "deja show exited $?"

# placed OPERATION NAME: an event of OPERATION is placed at site:NAME's line.
placed() {
	grep -q "$1.* main (libc_sites\.c:$(line_of "$2"))\$" show ||
		{ dump show; fail "no $1 event at the line of site:$2"; }
}
placed "syscall openat()" fopen
placed "syscall write()" fclose
placed "syscall getdents64()" readdir
placed "syscall poll()" poll
placed "pause" pause
uname=$(grep "syscall uname()" show) || { dump show; fail "no uname event"; }
if grep -q "libc_sites\.c:$(line_of pause))\$" <<<"$uname"; then
	dump show; fail "the syscall() after the siglongjmp is placed at the pause: $uname"
fi
replays_match "$deja" s.deja out 2

# A failed assertion's message, written by libc's __assert_fail, which
# does not return: placed at the assertion, not after the call.
rc=0
timeout 60 "$deja" record -q -o a.deja -- "$prog" assert >/dev/null 2>err || rc=$?
[ "$(outcome_of "$deja" a.deja)" = "signal 6" ] || { dump err; fail "assert: outcome is not signal 6"; }
"$deja" show a.deja >show || fail "deja show exited $?"
placed "syscall write()" assert
note "libc's events at the program's calls: openat, write, getdents64, poll, pause, an assertion's message; none after a siglongjmp"
