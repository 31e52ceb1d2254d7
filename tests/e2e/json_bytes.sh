#!/usr/bin/env bash
# json_bytes.sh DEJA
#
# A program whose argv and path are not UTF-8 (a file name or argument may
# be any bytes but NUL): `deja show --json` wrote them raw, which is not
# JSON (python's json.load failed: "invalid start byte"), though the
# trace and the replay were right.  Now a byte that starts no valid UTF-8
# sequence is written as U+FFFD, valid UTF-8 (é) passes as it is, and the
# replay still prints the exact bytes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || fail "usage: json_bytes.sh DEJA"
deja=$(abspath "$1")
require_file "$deja"
cd "$tmp"

mkdir $'bin\xff'
cp /bin/echo $'bin\xff/echo\xfe'
prog=$'./bin\xff/echo\xfe'
args=($'\xff\xfe raw' $'caf\xc3\xa9' $'cut \xc3' $'\xed\xa0\x80 surrogate' $'tab\tand\nnewline')
"$prog" "${args[@]}" >native.out
"$deja" record -q -o b.deja -- "$prog" "${args[@]}" >rec.out || fail "deja record exited $?"
cmp -s native.out rec.out || fail "the recording printed other bytes than the program natively"
"$deja" show --json b.deja >b.json || fail "deja show --json exited $?"
python3 - b.json <<'PY' || fail "deja show --json did not write valid JSON with the bytes replaced"
import json, sys
raw = open(sys.argv[1], "rb").read()
raw.decode("utf-8")  # strict: no raw byte that is not UTF-8
argv = json.loads(raw)["run"]["argv"]
want = ["./bin\ufffd/echo\ufffd", "\ufffd\ufffd raw", "caf\u00e9", "cut \ufffd",
        "\ufffd\ufffd\ufffd surrogate", "tab\tand\nnewline"]
if argv != want:
    sys.exit("argv %r, expected %r" % (argv, want))
PY
"$deja" replay -q b.deja >rep.out || fail "deja replay exited $?"
cmp -s native.out rep.out || fail "the replay printed other bytes than the program natively"
note "argv and path not UTF-8: show --json is valid JSON (U+FFFD), the replay prints the exact bytes"
