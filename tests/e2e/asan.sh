#!/usr/bin/env bash
# asan.sh DEJA_ASAN PROG...
#
# The supervisor built with AddressSanitizer and UndefinedBehaviorSanitizer
# (deja-asan): for each PROG, a passing and a failing recording (random
# seeds), `show`, `show --json` and `replay` of each, with the expected exit
# codes; at least one PROG must deadlock (e.g. corpora/lock_order), whose
# wait-for graph is printed.  Also usage errors and unreadable traces.
# No sanitizer report may appear on stderr.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -ge 2 ] || fail "usage: asan.sh DEJA_ASAN PROG..."
deja=$(abspath "$1")
shift
require_file "$deja"
progs=()
for p in "$@"; do
	require_file "$p"
	progs+=("$(abspath "$p")")
done
cd "$tmp"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

# san_run WHAT EXPECTED_RC ARGS...: run deja-asan, check its exit code and
# that no sanitizer spoke.
san_run() {
	local what=$1 want=$2 rc=0
	shift 2
	timeout 60 "$deja" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	if grep -Eq 'ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: (Address|UndefinedBehavior|Leak)Sanitizer' "$tmp/err"; then
		dump "$tmp/err"
		fail "$what: sanitizer report on stderr"
	fi
	[ $rc -ne 124 ] || fail "$what: hung (killed after 60 s)"
	[ "$rc" = "$want" ] || { dump "$tmp/err"; fail "$what: exit $rc, expected $want"; }
}

deadlocks=0
last_trace=
for prog in "${progs[@]}"; do
	name=$(basename "$prog")
	have_pass='' have_fail=''
	for seed in $(seq 0 99); do
		[ -z "$have_pass" ] || [ -z "$have_fail" ] || break
		trace=$tmp/$name-$seed.deja
		rc=0
		timeout 60 "$deja" record -s random --seed "$seed" -o "$trace" -- "$prog" >"$tmp/out" 2>"$tmp/err" || rc=$?
		grep -Eq 'ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: (Address|UndefinedBehavior|Leak)Sanitizer' "$tmp/err" &&
			{ dump "$tmp/err"; fail "record of $name seed $seed: sanitizer report on stderr"; }
		case $rc in
		0) [ -z "$have_pass" ] || continue; have_pass=$seed ;;
		1) [ -z "$have_fail" ] || continue; have_fail=$seed ;;
		*) dump "$tmp/err"; fail "record of $name seed $seed: exit $rc, expected 0 or 1" ;;
		esac
		san_run "show of $name seed $seed" 0 show "$trace"
		san_run "show --json of $name seed $seed" 0 show --json "$trace"
		kind=$(json "$tmp/out" 'j["outcome"]["kind"]')
		if [ "$kind" = deadlock ]; then
			san_run "show of $name seed $seed" 0 show "$trace"
			grep -q 'wait-for graph' "$tmp/out" || { dump "$tmp/out"; fail "show of deadlocked $name: no wait-for graph"; }
			deadlocks=$((deadlocks + 1))
		fi
		san_run "replay of $name seed $seed" 0 replay "$trace"
		last_trace=$trace
	done
	[ -n "$have_pass" ] || fail "$name: no passing run under deja-asan among seeds 0..99"
	[ -n "$have_fail" ] || fail "$name: no failing run under deja-asan among seeds 0..99"
	note "$name: pass (seed $have_pass) and fail (seed $have_fail) recorded, shown, replayed"
done
[ $deadlocks -gt 0 ] || fail "no deadlock was exercised: pass a deadlocking program such as corpora/lock_order"

# Error paths.
san_run "--version" 0 --version
san_run "no arguments" 2
san_run "unknown command" 2 bogus
san_run "record --seed abc" 2 record --seed abc -- "${progs[0]}"
san_run "record -s bogus" 2 record -s bogus -- "${progs[0]}"
san_run "replay without trace" 2 replay
san_run "show of a missing file" 2 show "$tmp/missing.deja"
head -c 8192 /dev/urandom >random.deja
san_run "show of random bytes" 2 show random.deja
san_run "replay of random bytes" 2 replay random.deja
size=$(stat -c %s "$last_trace")
head -c $((size / 2)) "$last_trace" >half.deja
san_run "show of a truncated trace" 2 show half.deja
san_run "show --json of a truncated trace" 2 show --json half.deja
san_run "replay of a truncated trace" 2 replay half.deja
cp "$last_trace" v99.deja
sqlite3 v99.deja 'PRAGMA user_version = 99;'
san_run "show of a version-99 trace" 2 show v99.deja
san_run "replay of a version-99 trace" 2 replay v99.deja
san_run "record of a missing program" 3 record -o x.deja -- "$tmp/no-such-program"
note "error paths clean"
