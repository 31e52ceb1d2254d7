#!/usr/bin/env bash
# sources.sh DEJA FD_SOURCES_PROG
#
# Each recorded read names its real source in the trace's inputs, also
# when its descriptor number was given another file (dup2) or freed and
# reused; deja remembers descriptors' paths between reads, and must forget
# them then.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: sources.sh DEJA FD_SOURCES_PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

echo "first file" >a.txt
echo "second file" >b.txt
timeout 60 "$deja" record -q -o s.deja -- "$prog" "$tmp/a.txt" "$tmp/b.txt" >rec 2>err || { dump err; fail "record failed"; }
grep -q "second file" rec || { dump rec; fail "the read through the dup2'd descriptor did not read b.txt"; }
"$deja" show --json s.deja >s.json
# show --json sums the reads per source: a.txt twice (11 bytes each), b.txt
# once (through a.txt's old number).
got=$(json s.json '" ".join("%s:%d" % (i["source"].rsplit("/", 1)[-1], i["bytes"]) for i in j["inputs"] if i["source"].endswith(".txt"))')
[ "$got" = "a.txt:22 b.txt:12" ] || { dump s.json; fail "the inputs say '$got', expected 'a.txt:22 b.txt:12'"; }
[ "$(sqlite3 s.deja "SELECT count(*) FROM inputs WHERE source LIKE '%b.txt'")" = 1 ] ||
	fail "not exactly one read named b.txt"
replays_match "$deja" s.deja rec 3
note "sources named right across dup2 and a reused descriptor number; 3 replays identical"
