#!/usr/bin/env bash
# mapped_files.sh DEJA MAPPED_INPUT_PROG
#
# A file the program reads through a private mapping is an input: its
# bytes are in the trace with their source, and a replay prints what the
# recording printed with the file changed, then gone.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: mapped_files.sh DEJA MAPPED_INPUT_PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

python3 -c 'import sys; sys.stdout.write("".join("record %05d\n" % i for i in range(9000)))' >data.txt
size=$(wc -c <data.txt)
timeout 60 "$deja" record -q -o m.deja -- "$prog" "$tmp/data.txt" >rec 2>err || { dump err; fail "record failed"; }
grep -q "^first line: record 00000$" rec || { dump rec; fail "the program did not read its mapping"; }
"$deja" show --json m.deja >m.json
[ "$(json m.json 'sum(i["bytes"] for i in j["inputs"] if i["source"].endswith("/data.txt"))')" = "$size" ] ||
	{ dump m.json; fail "the inputs do not hold the $size mapped bytes of data.txt"; }
[ "$(json m.json 'sum(i["lines"] for i in j["inputs"] if i["source"].endswith("/data.txt"))')" = 9000 ] ||
	fail "the inputs do not count the mapped file's 9000 lines"

sed -i 's/record/RECORD/' data.txt
replays_match "$deja" m.deja rec 2
rm data.txt
replays_match "$deja" m.deja rec 2
note "a mapped file's bytes recorded; replays print them with the file changed and gone"
