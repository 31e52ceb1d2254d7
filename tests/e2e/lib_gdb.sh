# lib_gdb.sh: what the tests of `deja replay --gdb` share (gdb_stop.sh,
# gdb_back.sh): picking events out of `deja show`'s listing, the counter
# of tests/e2e/programs/gdb_stop.c before an event, and a replay under gdb
# driven by a file of gdb commands.  Sourced after lib.sh, with $deja,
# $tmp and, for stop_at, $trace (the default trace) set.

# pick THREAD OP_PREFIX LOCATION_WORD WHICH [SHOW [PROCESS]]: the number
# of the first (or last) event of that thread of the top process (or of
# process PROCESS) whose operation starts with OP_PREFIX and whose
# location contains LOCATION_WORD; prints "EVENT<TAB>LOCATION".
pick() {
	python3 - "${5:-$tmp/show}" "$1" "$2" "$3" "$4" "${6:-0}" <<'PY'
import re, sys
show, thread, op, where, which, process = sys.argv[1:]
found = []
current = "0"
for line in open(show):
    h = re.match(r"^process (\d+) \(", line)
    if h:
        current = h.group(1)
        continue
    if current != process:
        continue
    m = re.match(r"^\s+(\d+)\s+T(\d+)\s*\*?\s+(.*?)\s{2,}(\S.*?)\s*$", line)
    if m and m.group(2) == thread and m.group(3).startswith(op) and where in m.group(4):
        found.append((int(m.group(1)), m.group(4)))
if found:
    e = found[0] if which == "first" else found[-1]
    print("%d\t%s" % e)
PY
}

# The counter `total` just before EVENT: thread 1 adds 1, thread 2 adds
# 10, each between a lock and its unlock, so it is what the unlocks before
# EVENT completed.
total_before() {
	python3 - "$tmp/show" "$1" <<'PY'
import re, sys
total = 0
for line in open(sys.argv[1]):
    m = re.match(r"^\s+(\d+)\s+T(\d+)\s*\*?\s+mutex_unlock", line)
    if m and int(m.group(1)) < int(sys.argv[2]):
        total += {"1": 1, "2": 10}.get(m.group(2), 0)
print(total)
PY
}

# stop_at EVENT GDB_COMMANDS NAME [TRACE [REPLAY_OPTION...]]: replay under
# gdb; stdout in NAME.out, stderr in NAME.err; the replay must end
# identical.
stop_at() {
	local rc=0
	timeout 120 "$deja" replay --gdb "$1" --gdb-command "$2" "${@:5}" "${4:-$trace}" \
		>"$tmp/$3.out" 2>"$tmp/$3.err" </dev/null || rc=$?
	[ $rc -eq 0 ] || { dump "$tmp/$3.out" "$tmp/$3.err"; fail "$3: replay --gdb $1 exited $rc, expected 0"; }
	grep -q "replay identical" "$tmp/$3.err" || { dump "$tmp/$3.err"; fail "$3: the replay did not end identical"; }
	grep -q "replay stopped before event $1\( of process [0-9]*\)\?: thread " "$tmp/$3.err" ||
		{ dump "$tmp/$3.err"; fail "$3: deja did not say it stopped before event $1"; }
}

# record_stop_trace: the run both tests stop in ($trace: $prog, gdb_stop,
# under random seed 3; its output in $tmp/recorded.out and its listing in
# $tmp/show), and gdb commands that print the stopped thread, the
# counter and the backtrace between markers, then continue ($tmp/bt.gdb).
record_stop_trace() {
	trace=$tmp/stop.deja
	local rc=0
	timeout 60 "$deja" record -q -s random --seed 3 -o "$trace" -- "$prog" >"$tmp/recorded.out" 2>"$tmp/err" || rc=$?
	[ $rc -eq 0 ] || { dump "$tmp/err"; fail "record exited $rc"; }
	"$deja" show "$trace" >"$tmp/show" || fail "deja show exited $?"
	cat >"$tmp/bt.gdb" <<'EOF'
python print("deja-test-lwp %d" % gdb.selected_thread().ptid[1])
printf "deja-test-total %ld\n", total
echo deja-test-bt\n
bt
echo deja-test-end\n
continue
EOF
}
