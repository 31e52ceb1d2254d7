#!/usr/bin/env bash
# big_input.sh DEJA BIG_READ_PROG
#
# One read() of 40 MiB, more than the 16 MiB data ring between the runtime
# and deja: the recording keeps every byte (the ring's contents move out
# while the runtime writes the rest), and replays print the recorded
# checksum after the file has changed on disk.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: big_input.sh DEJA BIG_READ_PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

head -c $((40 << 20)) /dev/urandom >big.bin
"$prog" big.bin >native || fail "the program fails natively"
grep -q "^read $((40 << 20)) bytes" native || { dump native; fail "the program did not read the whole file"; }
timeout 60 "$deja" record -q -o b.deja -- "$prog" big.bin >rec 2>err || { dump err; fail "record failed"; }
cmp -s native rec || { dump native rec; fail "the recorded run read other bytes than the native one"; }
[ "$(sqlite3 b.deja 'SELECT max(length(bytes)) FROM syscall_data')" -ge $((40 << 20)) ] ||
	fail "the trace does not hold the 40 MiB input"
head -c $((40 << 20)) /dev/urandom >big.bin # the file changes; the replay must not notice
replays_match "$deja" b.deja rec 3
note "a 40 MiB read recorded whole and replayed 3 times after the file changed"
