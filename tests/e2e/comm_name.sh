#!/usr/bin/env bash
# comm_name.sh DEJA
#
# A program started through a symbolic link (/usr/bin/python3 is one to
# python3.11) is exec'd by that link, as a shell would: the kernel names
# the process after it (/proc/self/comm), so the program reads the name
# it has natively, by a relative or an absolute path or from PATH, and
# a replay prints the same.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || fail "usage: comm_name.sh DEJA"
deja=$(abspath "$1")
require_file "$deja" /bin/cat
cd "$tmp"
mkdir bin
ln -s /bin/cat bin/namecat
[ "$(bin/namecat /proc/self/comm)" = namecat ] || fail "natively the process is not named after the link"
for how in ./bin/namecat "$tmp/bin/namecat" namecat; do
	rc=0
	PATH="$tmp/bin:$PATH" timeout 30 "$deja" record -q -o c.deja -- "$how" /proc/self/comm >rec 2>err ||
		rc=$?
	[ $rc -eq 0 ] || { dump rec err; fail "record of $how exited $rc"; }
	[ "$(cat rec)" = namecat ] || { dump rec; fail "$how: the process is named $(cat rec), not namecat"; }
	replays_match "$deja" c.deja rec 2 30
done
note "a program started through a link is named after it: 3 ways, identical replays"
