#!/usr/bin/env bash
# shrink.sh DEJA CORPUS_DIR PROG...: a hunted failure of each corpus program
# shrinks to a run with at most the README's minimum of preemptions, that
# fails the same way, replays exactly, and is 1-minimal: this script takes
# each remaining preemption out of the shrunk schedule itself (deja record
# --script) and sees the run pass.  The history of both traces names the
# shrink.  Bad input is refused with exit 2.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
deja=$1
corpora=$2
shift 2

# The README table's "min. preemptions" for a program.
known_min() {
	awk -F'|' -v p="[$1]" 'index($2, p) { gsub(/ /, "", $5); print $5 }' "$corpora/README.md"
}

# script_without TRACE K: the trace's switches (THREAD AFTER TO) without
# its K-th preemption (0-based); prints the number of preemptions when K=-1.
script_without() {
	python3 - "$1" "$2" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
skip = int(sys.argv[2])
done, cur, out, k = {}, 0, [], 0
for thread, flags in db.execute("SELECT thread, flags FROM events ORDER BY seq"):
    if thread != cur:
        pre = flags & 1
        if not (pre and k == skip):
            out.append("%d %d %d" % (cur, done.get(cur, 0), thread))
        k += pre
    done[thread] = done.get(thread, 0) + 1
    cur = thread
print(k if skip < 0 else "\n".join(out))
PY
}

for prog in "$@"; do
	name=$(basename "$prog")
	expect=$(cat "$corpora/$name/expect")
	min=$(known_min "$name")
	[ -n "$min" ] || fail "$name: no minimum in corpora/README.md"
	rc=0
	"$deja" hunt -q --seed 7 -o "$tmp/$name.deja" -- "$prog" >/dev/null 2>&1 || rc=$?
	[ $rc = 1 ] || fail "$name: hunt exited $rc"
	rc=0
	"$deja" shrink "$tmp/$name.deja" -o "$tmp/$name-s.deja" >"$tmp/out" 2>"$tmp/err" || rc=$?
	[ $rc = 0 ] || { dump "$tmp/out" "$tmp/err"; fail "$name: shrink exited $rc"; }
	grep -q '^shrunk: preemptions [0-9]* -> [0-9]*, context switches' "$tmp/out" ||
		{ dump "$tmp/out"; fail "$name: no before/after line"; }
	grep -q '1-minimal' "$tmp/out" || { dump "$tmp/out"; fail "$name: 1-minimality not reported"; }
	[ "$(outcome_of "$deja" "$tmp/$name-s.deja")" = "$expect" ] || fail "$name: shrunk run does not fail as $expect"
	after=$(sqlite3 "$tmp/$name-s.deja" 'SELECT preemptions FROM run')
	before=$(sqlite3 "$tmp/$name.deja" 'SELECT preemptions FROM run')
	[ "$after" -le "$before" ] || fail "$name: $before preemptions grew to $after"
	[ "$after" -le "$min" ] || fail "$name: shrunk to $after preemptions, the known minimum is $min"
	[ "$(script_without "$tmp/$name-s.deja" -1)" = "$after" ] || fail "$name: preemption count mismatch"
	"$deja" replay -q "$tmp/$name-s.deja" >/dev/null 2>&1 </dev/null || fail "$name: the shrunk trace does not replay"
	for k in $(seq 0 $((after - 1))); do
		script_without "$tmp/$name-s.deja" "$k" >"$tmp/less.txt"
		rc=0
		"$deja" record -q --script "$tmp/less.txt" -o "$tmp/less.deja" -- "$prog" >/dev/null 2>&1 || rc=$?
		[ "$(outcome_of "$deja" "$tmp/less.deja")" != "$expect" ] ||
			{ dump "$tmp/less.txt"; fail "$name: without preemption $k it still fails: not 1-minimal"; }
		rm -f "$tmp/less.deja"
	done
	sqlite3 "$tmp/$name-s.deja" 'SELECT command FROM history' | grep -q '^deja shrink' ||
		fail "$name: the shrunk trace's history lacks the shrink"
	sqlite3 "$tmp/$name-s.deja" 'SELECT command FROM history' | grep -q '^record (strategy' ||
		fail "$name: the shrunk trace's history lacks the original recording"
	sqlite3 "$tmp/$name.deja" 'SELECT command FROM history' | grep -q '^deja shrink' ||
		fail "$name: the original trace's history lacks the shrink"
	note "$name: $before -> $after preemptions (known minimum $min), 1-minimal, replays"
done

prog=$1
name=$(basename "$prog")
set +e
"$deja" record -q -o "$tmp/pass.deja" -- "$prog" >/dev/null 2>&1
"$deja" shrink "$tmp/pass.deja" -o "$tmp/x.deja" 2>"$tmp/err"
rc=$?
set -e
[ $rc = 2 ] || fail "shrinking a passing run gave exit $rc, not 2"
grep -q 'passed' "$tmp/err" || { dump "$tmp/err"; fail "no reason given for a passing run"; }
[ ! -e "$tmp/x.deja" ] || fail "a refused shrink left a trace"
for args in "$tmp/nope.deja" "" "--max-runs x $tmp/$name.deja" "$tmp/$name.deja $tmp/pass.deja"; do
	rc=0
	# shellcheck disable=SC2086
	"$deja" shrink $args >/dev/null 2>&1 || rc=$?
	[ $rc = 2 ] || fail "deja shrink $args gave exit $rc, not 2"
done
echo garbage >"$tmp/garbage.deja"
rc=0
"$deja" shrink "$tmp/garbage.deja" 2>/dev/null || rc=$?
[ $rc = 2 ] || fail "a file that is not a trace gave exit $rc, not 2"
note "bad input refused with exit 2"
