#!/usr/bin/env bash
# cli.sh DEJA
#
# The command line: --version, --help (with the exit codes), each
# subcommand's --help, and usage errors (exit 2, a message on stderr, the
# program never started).  A bad number's message names the option, and
# hunt --ok-exit with an empty field ("1,,2", "") is an error (it was
# skipped, and "" let no code pass: exit 0 failed the first run).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || fail "usage: cli.sh DEJA"
deja=$(abspath "$1")
require_file "$deja"
cd "$tmp"

errors=0
err() { echo "FAIL: $*" >&2; errors=$((errors + 1)); }

# run ARGS...: sets rc, output in $tmp/out and $tmp/err.
run() {
	rc=0
	timeout 20 "$deja" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null || rc=$?
}

run --version
[ $rc -eq 0 ] || err "deja --version exited $rc"
grep -Eq '^deja [0-9]+\.[0-9]+' "$tmp/out" || { err "deja --version printed no 'deja X.Y' on stdout"; dump "$tmp/out" "$tmp/err"; }

for flag in --help -h; do
	run $flag
	[ $rc -eq 0 ] || err "deja $flag exited $rc"
	grep -qi 'exit codes' "$tmp/out" || err "deja $flag: no 'exit codes' section on stdout"
	for code in 0 1 2 3 130; do
		grep -Eq "^ *$code( |\$)" "$tmp/out" || err "deja $flag does not list exit code $code"
	done
	for cmd in record replay show; do
		grep -q "$cmd" "$tmp/out" || err "deja $flag does not list the command $cmd"
	done
done

for cmd in record replay show; do
	for flag in --help -h; do
		run $cmd $flag
		[ $rc -eq 0 ] || err "deja $cmd $flag exited $rc"
		grep -q "usage: deja $cmd" "$tmp/out" || { err "deja $cmd $flag: no 'usage: deja $cmd' on stdout"; dump "$tmp/out"; }
	done
done
run record --help
for opt in --output --strategy --seed --max-steps --quiet; do
	grep -q -- "$opt" "$tmp/out" || err "deja record --help does not document $opt"
done

# Usage errors: exit 2, something on stderr, and the program is not run.
marker=$tmp/ran
usage_errors=(
	"unknown command|bogus"
	"unknown global option|--bogus"
	"no command|"
	"unknown record option|record --bogus -- touch $marker"
	"unknown show option|show --bogus x.deja"
	"unknown replay option|replay --bogus x.deja"
	"record without a program|record"
	"record -- without a program|record --"
	"replay without a trace|replay"
	"replay with two traces|replay a.deja b.deja"
	"show without a trace|show"
	"--seed abc|record --seed abc -- touch $marker"
	"--seed without a value|record --seed"
	"--seed -1|record --seed -1 -- touch $marker"
	"--seed +5|record --seed +5 -- touch $marker"
	"replay --gdb +5|replay --gdb +5 x.deja"
	"--strategy bogus|record --strategy bogus -- touch $marker"
	"-s bogus|record -s bogus -- touch $marker"
	"random:abc|record -s random:abc -- touch $marker"
	"--max-steps xyz|record --max-steps xyz -- touch $marker"
	"hunt --runs 0|hunt --runs 0 -- touch $marker"
	"hunt --ok-exit with an empty field|hunt --ok-exit 1,,2 -- touch $marker"
	"hunt --ok-exit empty|hunt --ok-exit= -- touch $marker"
)
for u in "${usage_errors[@]}"; do
	desc=${u%%|*} args=${u#*|}
	rm -f "$marker"
	# shellcheck disable=SC2086
	run $args
	if [ $rc -ne 2 ]; then
		err "$desc (deja $args) exited $rc, expected 2"; dump "$tmp/err"
	elif [ ! -s "$tmp/err" ]; then
		err "$desc (deja $args): exit 2 but no message on stderr"
	fi
	[ ! -e "$marker" ] || err "$desc (deja $args): the program was run despite the usage error"
done
# A number with blanks before it (strtoull skips them, and " -5" was
# 2^64 - 5 steps).
for opt in --seed --max-steps; do
	rm -f "$marker"
	run record "$opt" " -5" -- touch "$marker"
	[ $rc -eq 2 ] || { err "record $opt ' -5' exited $rc, expected 2"; dump "$tmp/err"; }
	[ ! -e "$marker" ] || err "record $opt ' -5': the program was run despite the usage error"
done
# A number option's bad value given as a word of its own: the message
# names the option (it named the value: "deja hunt: -1 needs a number").
for u in "--runs|hunt -n -1 -- touch $marker" "--jobs|hunt -j -2 -- touch $marker" \
	"--time-budget|hunt -t x -- touch $marker" "--max-runs|shrink --max-runs -3 x.deja"; do
	opt=${u%%|*} args=${u#*|}
	# shellcheck disable=SC2086
	run $args
	[ $rc -eq 2 ] || err "deja $args exited $rc, expected 2"
	grep -q -- "^deja [a-z]*: $opt needs a number" "$tmp/err" ||
		{ err "deja $args: the message does not name $opt"; dump "$tmp/err"; }
done
# None of these may leave a trace behind.
leftovers=$(find . -name '*.deja*' | head -5)
[ -z "$leftovers" ] || err "usage errors left trace files behind: $leftovers"

[ $errors -eq 0 ] || fail "$errors command-line checks failed (see above)"
note "--version, --help, subcommand --help and ${#usage_errors[@]} usage errors OK"
