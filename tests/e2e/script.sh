#!/usr/bin/env bash
# script.sh DEJA PROG... [-- TICK_PROG...]: a recorded run's schedule,
# written out by `deja show --script`, re-creates the run under `deja
# record --script` (same events, same digest, same outcome); an empty
# script is the nonpreemptive run; a bad script file is a usage error
# (exit 2).  For programs built with `deja cflags`, a hunted failure's
# script, with its switches at ticks, fails the same way again (its tick
# stops that switched nothing are not in the script, so the events differ).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
deja=$1
shift
progs=() tick_progs=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do progs+=("$1"); shift; done
[ $# -gt 0 ] && shift
tick_progs=("$@")
set -- "${progs[@]}"

digest_of() {
	sqlite3 "$1" 'SELECT final_digest FROM run'
}

for prog in "$@"; do
	name=$(basename "$prog")
	for seed in 1 2 3 4 5 6 7 8; do
		orig="$tmp/$name-$seed.deja"
		set +e
		"$deja" record -q -s random --seed "$seed" -o "$orig" -- "$prog" >/dev/null 2>&1
		set -e
		"$deja" show --script "$orig" >"$tmp/s.txt" || fail "show --script $orig"
		again="$tmp/$name-$seed-again.deja"
		set +e
		"$deja" record -q --script "$tmp/s.txt" -o "$again" -- "$prog" >/dev/null 2>&1
		set -e
		[ "$(digest_of "$orig")" = "$(digest_of "$again")" ] ||
			{ dump "$tmp/s.txt"; fail "$name seed $seed: the script run differs from the original"; }
		[ "$(outcome_of "$deja" "$orig")" = "$(outcome_of "$deja" "$again")" ] ||
			fail "$name seed $seed: another outcome under the script"
		"$deja" replay -q "$again" >/dev/null 2>&1 || fail "$name seed $seed: the script run does not replay"
	done
	note "$name: 8 random runs re-created from their scripts"
done

prog=$1
: >"$tmp/empty.txt"
set +e
"$deja" record -q --script "$tmp/empty.txt" -o "$tmp/e.deja" -- "$prog" >/dev/null 2>&1
"$deja" record -q -o "$tmp/n.deja" -- "$prog" >/dev/null 2>&1
set -e
[ "$(digest_of "$tmp/e.deja")" = "$(digest_of "$tmp/n.deja")" ] ||
	fail "an empty script is not the nonpreemptive run"
[ "$(sqlite3 "$tmp/e.deja" 'SELECT strategy FROM run')" = script ] || fail "strategy not stored as script"

printf '0 1\n' >"$tmp/bad.txt"
set +e
"$deja" record -q --script "$tmp/bad.txt" -o "$tmp/x.deja" -- "$prog" 2>"$tmp/err"
rc=$?
set -e
[ $rc = 2 ] || fail "a bad script gave exit $rc, not 2"
grep -q 'bad.txt:1' "$tmp/err" || { dump "$tmp/err"; fail "the error does not name the line"; }
[ ! -e "$tmp/x.deja" ] || fail "a bad script left a trace"
set +e
"$deja" record -q --script "$tmp/empty.txt" -s random -o "$tmp/y.deja" -- "$prog" 2>/dev/null
rc=$?
set -e
[ $rc = 2 ] || fail "--script with another strategy gave exit $rc, not 2"
note "empty script = nonpreemptive; bad scripts refused with exit 2"

for prog in "${tick_progs[@]}"; do
	name=$(basename "$prog")
	for seed in 1 2 3; do
		rc=0
		"$deja" hunt -q --seed $seed -o "$tmp/h.deja" -- "$prog" >/dev/null 2>&1 || rc=$?
		[ $rc -eq 1 ] || fail "$name seed $seed: hunt exited $rc, expected a failure"
		"$deja" show --script "$tmp/h.deja" >"$tmp/s.txt" || fail "show --script of $name"
		grep -q '^[0-9]* [0-9]* [0-9]* tick [0-9]*$' "$tmp/s.txt" ||
			{ dump "$tmp/s.txt"; fail "$name seed $seed: no switch at a tick in the script"; }
		set +e
		"$deja" record -q --script "$tmp/s.txt" -o "$tmp/r.deja" -- "$prog" >/dev/null 2>&1
		set -e
		[ "$(outcome_of "$deja" "$tmp/h.deja")" = "$(outcome_of "$deja" "$tmp/r.deja")" ] ||
			{ dump "$tmp/s.txt"; fail "$name seed $seed: the script run ends $(outcome_of "$deja" "$tmp/r.deja"), the hunted one $(outcome_of "$deja" "$tmp/h.deja")"; }
		"$deja" replay -q "$tmp/r.deja" >/dev/null 2>&1 || fail "$name seed $seed: the script run does not replay"
		rm -f "$tmp/h.deja" "$tmp/r.deja"
	done
	note "$name: 3 hunted failures re-created from scripts with switches at ticks"
done
