#!/usr/bin/env bash
# mapped_files.sh DEJA MAPPED_INPUT_PROG MAPPED_OBJECT_PROG
#
# A file the program reads through a private mapping is an input: its
# bytes are in the trace with their source, and a replay prints what the
# recording printed with the file changed, then gone.  So is an ELF
# relocatable object (a .o), which the dynamic loader never maps: gcc's
# LTO compiler maps the temporary objects of its link, which are gone by
# the time of the replay, and a replay that left ELF files' mappings live
# died of SIGBUS there (gcc -flto=2: "lto1: internal compiler error: Bus
# error").
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 3 ] || fail "usage: mapped_files.sh DEJA MAPPED_INPUT_PROG MAPPED_OBJECT_PROG"
deja=$(abspath "$1") prog=$(abspath "$2") object=$(abspath "$3")
require_file "$deja" "$prog" "$object"
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

"$object" >native || fail "the object program failed natively"
timeout 60 "$deja" record -q -o o.deja -- "$object" >rec 2>err || { dump err; fail "record of the object program failed"; }
cmp -s native rec || { diff native rec >&2 || true; fail "the object program printed other bytes under deja"; }
[ ! -e mapped_object.o ] || fail "the object program left its object file"
replays_match "$deja" o.deja rec 3
note "a mapped object file (ET_REL) is an input: replays print what it held, the file gone"
