#!/usr/bin/env bash
# kernel_copy.sh DEJA KERNEL_COPY_PROG
#
# copy_file_range, sendfile and splice move bytes inside the kernel, out of
# the program's sight.  Recorded, their bytes are inputs with their source;
# replayed with the file gone, the program prints the same bytes, which it
# could only do from the trace.  `sh -c cat` does the same in a child
# process, whose reads are listed in the inputs under its process number.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: kernel_copy.sh DEJA KERNEL_COPY_PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

# 200 KiB of lines: more than one chunk per call.
python3 -c 'import sys; sys.stdout.write("".join("line %06d of the copied file\n" % i for i in range(7000)))' >data.txt
size=$(wc -c <data.txt)

"$prog" "$tmp/data.txt" >native 2>native.err || { dump native.err; fail "the program failed natively"; }
timeout 60 "$deja" record -q -o k.deja -- "$prog" "$tmp/data.txt" >rec 2>rec.err ||
	{ dump rec.err; fail "record failed"; }
cmp -s native rec || fail "the recorded run printed other bytes than the native one"
{ cat data.txt data.txt data.txt; head -c 15 data.txt | tail -c 5; echo; } >expected
printf 'through a pipe, spliced\n%.0s' 1 2 3 >>expected
cmp -s expected rec || fail "the recorded run did not print the file three times, five bytes and the pipe"
grep -q "copy_file_range: $size bytes in several calls" rec.err || { dump rec.err; fail "copy_file_range did not copy in chunks"; }
grep -q "sendfile+offset: $size bytes in several calls, offset moved" rec.err ||
	{ dump rec.err; fail "sendfile did not move its offset"; }

"$deja" show --json k.deja >k.json
[ "$(json k.json 'sum(i["bytes"] for i in j["inputs"] if i["source"].endswith("/data.txt"))')" = $((3 * size + 5)) ] ||
	{ dump k.json; fail "the inputs do not hold every byte copied from data.txt"; }
[ "$(json k.json 'sum(i["bytes"] for i in j["inputs"] if i["source"].startswith("pipe:"))')" = 72 ] ||
	fail "the inputs do not hold the 72 bytes spliced from the pipe"

rm data.txt
replays_match "$deja" k.deja rec 3

# A child process's reads: cat (copy_file_range) and head (read).
echo "seven bytes" >small.txt
timeout 60 "$deja" record -q -o c.deja -- sh -c "cat $tmp/small.txt; head -c 5 $tmp/small.txt" >crec 2>/dev/null ||
	fail "record of sh -c cat failed"
[ "$(cat crec)" = "seven bytes
seven" ] || { dump crec; fail "sh -c cat printed something else"; }
"$deja" show --json c.deja >c.json
got=$(json c.json '" ".join("%d:%d" % (i["process"], i["bytes"]) for i in j["inputs"] if i["source"].endswith("/small.txt"))')
[ "$got" = "1:12 2:5" ] || { dump c.json; fail "the children's reads of small.txt are '$got', expected '1:12 2:5'"; }
rm small.txt
replays_match "$deja" c.deja crec 2
note "copy_file_range, sendfile, splice and a child's cat recorded as inputs; replays print them with the files gone"
