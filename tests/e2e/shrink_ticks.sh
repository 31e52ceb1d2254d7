#!/usr/bin/env bash
# shrink_ticks.sh DEJA CORPUS_DIR FLAG_HANDOFF: a tick corpus bug whose
# needed preemption is a stop inside plain code (flag_handoff, built with
# deja cflags) shrinks to the README's minimum from the failures of hunt
# seeds 1, 2 and 3; from seed 1 ddmin and the moves stop at 3 preemptions,
# and only the one-switch schedules placed at ticks get below.  The shrunk
# run fails the same way, replays exactly, and without its preemption it
# passes: this script deletes that switch from `deja show --script` and
# records the rest itself.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
deja=$1 corpora=$2 prog=$3
name=$(basename "$prog")
expect=$(cat "$corpora/$name/expect")
min=$(awk -F'|' -v p="[$name]" 'index($2, p) { gsub(/ /, "", $5); print $5 }' "$corpora/README.md")
[ -n "$min" ] || fail "$name: no minimum in corpora/README.md"

for seed in 1 2 3; do
	rc=0
	"$deja" hunt -q --seed "$seed" -o "$tmp/h.deja" -- "$prog" >/dev/null 2>&1 || rc=$?
	[ $rc = 1 ] || fail "$name seed $seed: hunt exited $rc"
	rc=0
	"$deja" shrink -q "$tmp/h.deja" -o "$tmp/s.deja" >"$tmp/out" 2>"$tmp/err" || rc=$?
	[ $rc = 0 ] || { dump "$tmp/out" "$tmp/err"; fail "$name seed $seed: shrink exited $rc"; }
	after=$(sqlite3 "$tmp/s.deja" 'SELECT preemptions FROM run')
	[ "$after" -le "$min" ] || { dump "$tmp/out"; fail "$name seed $seed: shrunk to $after preemptions, the known minimum is $min"; }
	[ "$(outcome_of "$deja" "$tmp/s.deja")" = "$expect" ] || fail "$name seed $seed: the shrunk run does not fail as $expect"
	"$deja" replay -q "$tmp/s.deja" >/dev/null 2>&1 || fail "$name seed $seed: the shrunk trace does not replay"
	# The preemption's line of the script, "T K U [tick N]": T ran before
	# the preempting event, K is T's events so far (a tick stop T went
	# straight on from does not count, as in deja show --script), U ran it.
	pre=$(sqlite3 "$tmp/s.deja" 'SELECT seq FROM events WHERE flags & 1 LIMIT 1')
	"$deja" show --script "$tmp/s.deja" >"$tmp/script.txt"
	line=$(python3 - "$tmp/s.deja" "$pre" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
pre = int(sys.argv[2])
done, prev = {}, 0
for seq, thread, op in db.execute("SELECT seq, thread, op FROM events ORDER BY seq"):
    if seq == pre:
        print("%d %d %d" % (prev, done.get(prev, 0), thread))
        break
    if not (op == "tick" and thread == prev):
        done[thread] = done.get(thread, 0) + 1
    prev = thread
PY
)
	grep -v "^$line\( tick [0-9]*\)\?$" "$tmp/script.txt" >"$tmp/less.txt"
	[ "$(grep -vc '^#' "$tmp/less.txt")" -lt "$(grep -vc '^#' "$tmp/script.txt")" ] ||
		{ dump "$tmp/script.txt"; fail "$name seed $seed: no script line '$line' for the preemption"; }
	rc=0
	"$deja" record -q --script "$tmp/less.txt" -o "$tmp/less.deja" -- "$prog" >/dev/null 2>&1 || rc=$?
	[ "$(outcome_of "$deja" "$tmp/less.deja")" != "$expect" ] ||
		{ dump "$tmp/less.txt"; fail "$name seed $seed: without its preemption it still fails"; }
	rm -f "$tmp/less.deja"
	note "$name seed $seed: $(head -1 "$tmp/out" | sed -E 's/^shrunk: (preemptions [0-9]+ -> [0-9]+).*; ([0-9]+ runs, [0-9.]+ s)$/\1, \2/')"
done
