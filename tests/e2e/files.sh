#!/usr/bin/env bash
# files.sh DEJA FILE_EFFECTS_PROG
#
# A replay leaves the file system as the recording left it.  The program
# makes a temporary file, creates a file with O_EXCL, appends to a log from
# two threads, truncates and writes a result file, makes and removes a
# directory, renames, unlinks, and maps a memfd.  Run natively a second
# time, its O_EXCL create fails; every replay must still print the recorded
# bytes, and after 20 replays the directory must hold exactly what the
# recording left (the log not grown, the result not rewritten).  A replay
# also works with the files gone, and leaves a file the user changed alone.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: files.sh DEJA FILE_EFFECTS_PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

# snapshot DIR: each file's name and contents, sorted.
snapshot() {
	(cd "$1" && find . -mindepth 1 | sort | while read -r f; do
		printf '%s\n' "$f"
		[ -f "$f" ] && cat "$f"
	done)
}

mkdir work
"$prog" work >native1
"$prog" work >native2 || true
grep -qx "create once: File exists" native2 || { dump native2; fail "the program's O_EXCL create did not fail when run again"; }

for seed in none 1 2; do
	rm -rf work && mkdir work
	rc=0
	timeout 60 "$deja" record -q $(schedule_of "$seed") -o f.deja -- "$prog" "$tmp/work" >rec 2>err || rc=$?
	[ $rc -eq 0 ] || { dump rec err; fail "seed $seed: record exited $rc"; }
	grep -qx "create once: ok" rec || { dump rec; fail "seed $seed: the O_EXCL create failed under record"; }
	grep -qx "memfd holds: through the file" rec || { dump rec; fail "seed $seed: the memfd's mapping did not see the write"; }
	[ "$(wc -l <work/log.txt)" -eq 6 ] || { dump work/log.txt; fail "seed $seed: the log does not hold 6 lines"; }
	snapshot work >after_record
	replays_match "$deja" f.deja rec 20 60
	snapshot work >after_replays
	cmp -s after_record after_replays || { diff after_record after_replays >&2 || true; fail "seed $seed: replays changed the directory"; }
done

# The files the recording made are gone, or changed by the user.
rm -f work/once work/log.txt
echo "changed by the user" >work/result.txt
replays_match "$deja" f.deja rec 3 60
[ "$(cat work/result.txt)" = "changed by the user" ] || fail "a replay rewrote result.txt"
[ ! -e work/once ] && [ ! -e work/log.txt ] || fail "a replay made files again"
note "file system changes recorded, fed in replay and not repeated (3 schedules x 20 replays, and with the files gone)"
