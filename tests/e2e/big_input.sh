#!/usr/bin/env bash
# big_input.sh DEJA BIG_READ_PROG CHUNKED_READ_PROG
#
# One read() of 40 MiB, more than the 4 MiB data ring between the runtime
# and deja: the recording keeps every byte (the ring's contents move out
# while the runtime writes the rest), and replays print the recorded
# checksum after the file has changed on disk.
#
# Then 20 MiB read in pieces of uneven sizes: a replay streams them through
# its feed ring (2 MiB), so pieces straddle the ring's end and the ring
# goes round more than twice; replays print the recorded checksum.  A trace
# whose input bytes are damaged is refused with exit 2, not replayed with
# wrong bytes; one whose bytes of a piece are others of the same length
# replays as a divergence at that read (the program does not hash what it
# is fed: the supervisor hashes it as it streams it).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 3 ] || fail "usage: big_input.sh DEJA BIG_READ_PROG CHUNKED_READ_PROG"
deja=$(abspath "$1") prog=$(abspath "$2") chunked=$(abspath "$3")
require_file "$deja" "$prog" "$chunked"
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

head -c $((20 << 20)) /dev/urandom >mid.bin
"$chunked" mid.bin >cnative || fail "the chunked reader fails natively"
grep -q "^read $((20 << 20)) bytes" cnative || { dump cnative; fail "the chunked reader did not read the whole file"; }
timeout 60 "$deja" record -q -o c.deja -- "$chunked" mid.bin >crec 2>err || { dump err; fail "record of the chunked reader failed"; }
cmp -s cnative crec || { dump cnative crec; fail "the chunked recording read other bytes than the native run"; }
# The inputs table keeps a row per run of reads from one source, one
# event after another: the hundreds of pieces are one row (a commit of
# the trace may cut a run), whose length is the bytes of its reads and
# whose offset is what the rows before it read.
rows=$(sqlite3 c.deja "SELECT count(*) FROM inputs WHERE source LIKE '%/mid.bin'")
reads=$(sqlite3 c.deja "SELECT count(*) FROM syscall_data d JOIN inputs i
	ON d.seq BETWEEN i.seq AND i.last_seq WHERE i.source LIKE '%/mid.bin'")
[ "$rows" -ge 1 ] && [ "$rows" -le 2 ] && [ "$reads" -gt 100 ] ||
	fail "$reads reads of mid.bin in $rows inputs rows, expected one run of them"
bad=$(sqlite3 c.deja "SELECT count(*) FROM inputs i WHERE length !=
	(SELECT sum(length(bytes)) FROM syscall_data d WHERE d.seq BETWEEN i.seq AND i.last_seq)
	OR offset != (SELECT coalesce(sum(length), 0) FROM inputs p
	              WHERE p.source = i.source AND p.seq < i.seq)")
[ "$bad" = 0 ] || fail "$bad inputs rows whose length or offset is not their reads'"
"$deja" show --json c.deja >c.json
got=$(json c.json 'sum(i["bytes"] for i in j["inputs"] if i["source"].endswith("/mid.bin"))')
[ "$got" = $((20 << 20)) ] || { dump c.json; fail "show --json says $got bytes of mid.bin were read"; }
note "$reads reads of one file kept as $rows inputs row(s), lengths and offsets right"

head -c $((20 << 20)) /dev/urandom >mid.bin
replays_match "$deja" c.deja crec 3
note "20 MiB in uneven pieces streamed through the replay's feed ring, 3 replays"

# Damage: one piece's bytes gone, and one piece shorter than its event says.
expect_refused() { # TRACE WHAT
	local rc=0
	timeout 60 "$deja" replay -q "$1" >out 2>err </dev/null || rc=$?
	[ $rc -eq 2 ] || { dump err; fail "replay of a trace with $2 exited $rc, not 2"; }
	grep -q "recorded inputs" err || { dump err; fail "replay of a trace with $2 did not say why"; }
}
cp c.deja gone.deja
sqlite3 gone.deja "DELETE FROM syscall_data WHERE seq = (SELECT seq FROM syscall_data ORDER BY seq LIMIT 1 OFFSET 100)"
expect_refused gone.deja "a piece of input missing"
cp c.deja short.deja
sqlite3 short.deja "UPDATE syscall_data SET bytes = substr(bytes, 2) WHERE seq = (SELECT seq FROM syscall_data WHERE length(bytes) > 1000 ORDER BY seq LIMIT 1 OFFSET 50)"
expect_refused short.deja "a piece of input cut short"
note "damaged input bytes refused with exit 2"

cp c.deja changed.deja
sqlite3 changed.deja "UPDATE syscall_data SET bytes = zeroblob(length(bytes)) WHERE seq = (SELECT seq FROM syscall_data WHERE length(bytes) > 1000 ORDER BY seq LIMIT 1 OFFSET 60)"
changed=$(sqlite3 changed.deja "SELECT seq FROM syscall_data WHERE length(bytes) > 1000 ORDER BY seq LIMIT 1 OFFSET 60")
rc=0
timeout 60 "$deja" replay -q changed.deja >out 2>err </dev/null || rc=$?
[ $rc -eq 1 ] || { dump err; fail "replay of a trace with a piece's bytes changed exited $rc, not 1"; }
grep -q "event $changed differs in the bytes it sent or got" err ||
	{ dump err; fail "the replay did not name the read whose bytes changed (event $changed)"; }
note "a piece's bytes changed in the trace: the replay diverges at its read"
