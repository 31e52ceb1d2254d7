#!/usr/bin/env bash
# bad_traces.sh DEJA SOME_PROG
#
# `deja show`, `deja show --json`, `deja replay`, `deja shrink` and `deja
# bisect` of files that are not usable traces (missing, empty, a named
# pipe, a directory, random bytes, text, an SQLite database that is not a
# trace, a trace of another version, a truncated trace, a trace
# overwritten in the middle, one whose processes are misnumbered, one
# missing a table, one whose recording deja was killed in before it
# committed its first batch, which holds no run: bisect died of SIGSEGV
# on it, and the others said only "no readable run") must each exit 2
# with one clear line on stderr, without crashing or hanging.  Replaying
# a trace whose executable was modified since the recording must exit 2
# saying that it changed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: bad_traces.sh DEJA SOME_PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

# A real trace to damage.
rc=0
"$deja" record -q -o real.deja -- "$prog" >/dev/null 2>"$tmp/err" || rc=$?
[ $rc -le 1 ] || { dump "$tmp/err"; fail "deja record of $prog exited $rc"; }
"$deja" show real.deja >/dev/null || fail "the freshly recorded trace is not readable by show"
size=$(stat -c %s real.deja)
[ "$size" -ge 8192 ] || fail "real trace unexpectedly small ($size bytes)"

: >empty.deja
# A named pipe hung every command (SQLite's open waited for a writer), and
# a directory was "disk I/O error".
mkfifo fifo.deja
mkdir dir.deja
head -c 8192 /dev/urandom >random.deja
printf 'deja trace\nthis is only text\n' >text.deja
sqlite3 other.deja 'CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);'
cp real.deja version99.deja
sqlite3 version99.deja 'PRAGMA user_version = 99;'
[ "$(sqlite3 version99.deja 'PRAGMA user_version;')" = 99 ] || fail "could not set user_version"
head -c $((size / 2)) real.deja >truncated.deja
# Overwrite one whole database page in the middle of the file (a page holds
# table data; bytes overwritten in a page's free space would harm nothing).
cp real.deja overwritten.deja
page=$(sqlite3 real.deja 'PRAGMA page_size;')
pages=$((size / page))
python3 - overwritten.deja $(((pages / 2) * page)) "$page" <<'PY'
import sys
with open(sys.argv[1], "r+b") as f:
    f.seek(int(sys.argv[2]))
    f.write(bytes((i * 37 + 11) % 251 for i in range(int(sys.argv[3]))))
PY
cmp -s real.deja overwritten.deja && fail "overwriting did not change the trace"
# The same over one page of events: show checks every table first; a
# replay, which reads every event before the program starts, fails then.
page_no=$(sqlite3 real.deja "SELECT pageno FROM dbstat WHERE name = 'events' AND pagetype = 'leaf'
	ORDER BY pageno LIMIT 1")
[ -n "$page_no" ] || fail "the trace has no page of events"
cp real.deja events_page.deja
python3 - events_page.deja $(((page_no - 1) * page)) "$page" <<'PY'
import sys
with open(sys.argv[1], "r+b") as f:
    f.seek(int(sys.argv[2]) + 100)
    f.write(bytes((i * 37 + 11) % 251 for i in range(int(sys.argv[3]) - 200)))
PY
# A process numbered far beyond the trace's processes (they are numbered
# 0 to n - 1): a replay sized its table of processes by the number, and
# died of SIGSEGV when the allocation failed (found by mutating traces);
# show left the processes out.
cp real.deja procid.deja
sqlite3 procid.deja "UPDATE processes SET id = 2147483647 WHERE id = 0"
# A table dropped: show printed the trace without it (a deadlock without
# its wait-for graph) and exited 0.
cp real.deja notable.deja
sqlite3 notable.deja "DROP TABLE waits"

# deja killed before it committed the first batch of events (a program
# that makes a few events, then waits for input): the trace holds no run.
# show said "no readable run", and bisect died of SIGSEGV.
mkfifo in.fifo
"$deja" record -q -o norun.deja -- cat <in.fifo >/dev/null 2>&1 &
pid=$!
exec 3>in.fifo
for _ in $(seq 100); do [ -s norun.deja ] && break; sleep 0.1; done
sleep 0.5
kill -KILL $pid
wait $pid 2>/dev/null || true
exec 3>&-

# case FILE KEYWORDS-REGEX DESCRIPTION
cases=(
	"missing.deja|no such file|not found|cannot open|does not exist|a missing file"
	"empty.deja|not a deja trace|empty|an empty file"
	"fifo.deja|not a regular file|a named pipe"
	"dir.deja|a directory|a directory"
	"random.deja|not a deja trace|not a database|damaged|corrupt|random bytes"
	"text.deja|not a deja trace|not a database|a text file"
	"other.deja|not a deja trace|an SQLite database that is not a trace"
	"version99.deja|99|a trace with user_version 99"
	"truncated.deja|damaged|truncated|malformed|corrupt|a trace truncated to half"
	"overwritten.deja|damaged|corrupt|malformed|integrity|a trace overwritten in the middle"
	"events_page.deja|damaged|corrupt|malformed|integrity|a trace with a page of events overwritten"
	"procid.deja|processes cannot be read|a trace with process 2147483647"
	"notable.deja|no table waits|a trace without its waits table"
	"norun.deja|holds no run|a recording killed before its first commit"
)
errors=0
for c in "${cases[@]}"; do
	file=${c%%|*} rest=${c#*|}
	desc=${rest##*|} regex=${rest%|*}
	for cmd in "show" "show --json" "replay" "replay -q" "shrink" "bisect"; do
		rc=0
		# shellcheck disable=SC2086
		timeout 20 "$deja" $cmd "$file" >"$tmp/out" 2>"$tmp/err" || rc=$?
		what="deja $cmd on $desc ($file)"
		if [ $rc -eq 124 ]; then
			echo "FAIL: $what hung (killed after 20 s)" >&2; errors=$((errors + 1)); continue
		fi
		if [ $rc -ge 128 ]; then
			echo "FAIL: $what crashed (exit $rc)" >&2; dump "$tmp/err"; errors=$((errors + 1)); continue
		fi
		if [ $rc -ne 2 ]; then
			echo "FAIL: $what exited $rc, expected 2" >&2; dump "$tmp/err"; errors=$((errors + 1)); continue
		fi
		lines=$(wc -l <"$tmp/err")
		if [ "$lines" -ne 1 ] || [ ! -s "$tmp/err" ]; then
			echo "FAIL: $what: expected exactly one line on stderr, got $lines:" >&2
			dump "$tmp/err"; errors=$((errors + 1)); continue
		fi
		if ! grep -q "$file" "$tmp/err" || ! grep -Eqi "$regex" "$tmp/err"; then
			echo "FAIL: $what: unclear error (should name $file and match /$regex/):" >&2
			dump "$tmp/err"; errors=$((errors + 1)); continue
		fi
		if grep -Eqi 'AddressSanitizer|runtime error:|segmentation|core dumped' "$tmp/err"; then
			echo "FAIL: $what: crash report on stderr" >&2; dump "$tmp/err"; errors=$((errors + 1)); continue
		fi
	done
done
[ $errors -ne 0 ] || note "all bad traces rejected with exit 2 and one clear line"

# An executable modified after the recording.
cp "$prog" copy
chmod +x copy
rc=0
"$deja" record -q -o copy.deja -- ./copy >/dev/null 2>"$tmp/err" || rc=$?
[ $rc -le 1 ] || { dump "$tmp/err"; fail "deja record of a copy of $prog exited $rc"; }
rc=0
timeout 60 "$deja" replay -q copy.deja >/dev/null 2>"$tmp/err" || rc=$?
[ $rc -eq 0 ] || { dump "$tmp/err"; fail "replay of the unmodified copy exited $rc, expected 0"; }
printf '\0' >>copy
rc=0
timeout 60 "$deja" replay copy.deja >"$tmp/out" 2>"$tmp/err" || rc=$?
[ $rc -eq 2 ] || { dump "$tmp/err"; fail "replay after the executable changed exited $rc, expected 2"; }
grep -Eqi 'changed|differs|modified' "$tmp/err" ||
	{ dump "$tmp/err"; fail "replay after the executable changed: message does not say it changed"; }
[ ! -s "$tmp/out" ] || { dump "$tmp/out"; fail "replay ran the modified executable (it printed output)"; }
note "replay refuses a modified executable: $(head -n1 "$tmp/err")"

# A library modified after the recording: a copy of a small glibc library,
# preloaded (the recorded environment preloads it in the replay too), with
# a byte appended.
# (awk reads to the end: leaving early would kill ldconfig with SIGPIPE,
# which pipefail and set -e turn into a silent exit of this script.)
lib=$(ldconfig -p | awk '/libdl\.so\.2 .*x86-64/ && !found {print $NF; found = 1}')
[ -n "$lib" ] && [ -r "$lib" ] || fail "no libdl.so.2 to copy"
cp "$lib" libextra.so
rc=0
LD_PRELOAD=$tmp/libextra.so "$deja" record -q -o lib.deja -- "$prog" >/dev/null 2>"$tmp/err" || rc=$?
[ $rc -le 1 ] || { dump "$tmp/err"; fail "deja record with a preloaded library exited $rc"; }
[ "$(sqlite3 lib.deja "SELECT count(*) FROM modules WHERE path = '$tmp/libextra.so' AND hash IS NOT NULL")" = 1 ] ||
	fail "the trace does not list the preloaded library with its hash"
rc=0
timeout 60 "$deja" replay -q lib.deja >/dev/null 2>"$tmp/err" || rc=$?
[ $rc -eq 0 ] || { dump "$tmp/err"; fail "replay with the library unchanged exited $rc, expected 0"; }
printf '\0' >>libextra.so
rc=0
timeout 60 "$deja" replay lib.deja >"$tmp/out" 2>"$tmp/err" || rc=$?
[ $rc -eq 2 ] || { dump "$tmp/err"; fail "replay after a library changed exited $rc, expected 2"; }
grep -q 'libextra.so has changed' "$tmp/err" ||
	{ dump "$tmp/err"; fail "replay after a library changed: message does not name it"; }
[ ! -s "$tmp/out" ] || { dump "$tmp/out"; fail "replay ran with the modified library (it printed output)"; }
note "replay refuses a modified library: $(head -n1 "$tmp/err")"

[ $errors -eq 0 ] || fail "$errors bad-trace checks failed (see above)"
