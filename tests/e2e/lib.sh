# shellcheck shell=bash
# lib.sh -- helpers shared by the deja end-to-end test scripts.
# Source it after `set -euo pipefail`; it creates $tmp (removed on exit).

tmp=$(mktemp -d "${TMPDIR:-/tmp}/deja-e2e.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

test_name=$(basename "$0" .sh)

fail() {
	echo "FAIL [$test_name]: $*" >&2
	exit 1
}

note() {
	echo "[$test_name] $*"
}

# Print a file's contents to stderr, indented, for failure context.
dump() {
	local f
	for f in "$@"; do
		echo "---- $f" >&2
		sed 's/^/    /' "$f" >&2 || true
	done
}

# json FILE EXPR: evaluate a Python expression over the JSON object in FILE
# (bound to `j`), print the result (None prints as "null").
json() {
	python3 - "$1" "$2" <<'PY'
import json, sys
with open(sys.argv[1]) as f:
    j = json.load(f)
v = eval(sys.argv[2], {"j": j})
if v is None:
    print("null")
elif isinstance(v, bool):
    print("true" if v else "false")
else:
    print(v)
PY
}

# outcome_of DEJA TRACE: print the outcome in the expect-file syntax:
# "signal N", "exit N", or the kind itself (deadlock, timeout...).
outcome_of() {
	local js="$tmp/.outcome.json"
	"$1" show --json "$2" >"$js" || fail "deja show --json $2 exited $?"
	python3 - "$js" <<'PY'
import json, sys
o = json.load(open(sys.argv[1]))["outcome"]
if o["kind"] == "signal":
    print("signal %d" % o["signal"])
elif o["kind"] == "exit":
    print("exit %d" % o["code"])
else:
    print(o["kind"])
PY
}

# replays_match DEJA TRACE RECORDED_OUTPUT COUNT [TIMEOUT]: replay TRACE
# COUNT times with no stdin; each replay must exit 0 (identical) and print
# exactly the bytes of RECORDED_OUTPUT.  TIMEOUT (default 60 s) bounds each.
replays_match() {
	local i rc out="$tmp/.replay.out" err="$tmp/.replay.err"
	for i in $(seq 1 "$4"); do
		rc=0
		timeout "${5:-60}" "$1" replay -q "$2" >"$out" 2>"$err" </dev/null || rc=$?
		[ $rc -eq 0 ] || { dump "$err"; fail "replay $i of $2 exited $rc"; }
		cmp -s "$3" "$out" || { diff "$3" "$out" >&2 || true; fail "replay $i of $2 printed other bytes"; }
	done
}

# records_check DEJA PROG TRACE CHECK REPLAYS TIMEOUT OPTS...: PROG
# recorded into TRACE under each OPTS (a string of `deja record` options,
# "" for the default strategy) exits 0, prints what the command CHECK
# (given the output file) accepts, and replays REPLAYS times identically,
# each recording and replay within TIMEOUT seconds; TRACE is left holding
# the last.
records_check() {
	local deja=$1 prog=$2 trace=$3 check=$4 replays=$5 limit=$6 opts rc
	shift 6
	for opts in "$@"; do
		rm -f "$trace"
		rc=0
		# shellcheck disable=SC2086 # the options are words on purpose
		timeout "$limit" "$deja" record -q $opts -o "$trace" -- "$prog" >"$tmp/rec" 2>"$tmp/err" ||
			rc=$?
		[ $rc -eq 0 ] || { dump "$tmp/rec" "$tmp/err"; fail "recording (${opts:-default}) exited $rc"; }
		$check "$tmp/rec" || { dump "$tmp/rec"; fail "recording (${opts:-default}) fails the check $check"; }
		replays_match "$deja" "$trace" "$tmp/rec" "$replays" "$limit"
	done
}

# records_print DEJA PROG TRACE EXPECTED OPTS...: records_check whose
# recordings print the line EXPECTED, each replayed 3 times.
records_print() {
	local deja=$1 prog=$2 trace=$3
	records_expected=$4
	shift 4
	records_check "$deja" "$prog" "$trace" prints_expected 3 60 "$@"
}

prints_expected() {
	[ "$(cat "$1")" = "$records_expected" ] || { echo "it does not print: $records_expected" >&2; return 1; }
}

# abspath PATH: PATH made absolute (the scripts cd into $tmp).
# The record options of schedule SEED: "none" for the default strategy,
# else random with that seed (word-split by the caller on purpose).
schedule_of() {
	[ "$1" = none ] || echo "-s random --seed $1"
}

abspath() {
	case $1 in
	/*) printf '%s\n' "$1" ;;
	*) printf '%s\n' "$PWD/$1" ;;
	esac
}

# require_file PATH...: fail unless every PATH exists.
require_file() {
	local f
	for f in "$@"; do
		[ -e "$f" ] || fail "missing file: $f"
	done
}

# records_like_native DEJA PROG TRACE [ARG...]: PROG (with the ARGs)
# prints the same bytes natively (kept in $tmp/native) and recorded into
# TRACE under the default schedule and random seeds 1 to 3, and each
# recording replays twice identically; TRACE is left holding the last
# (seed 3).
records_like_native() {
	local seed
	"$2" "${@:4}" >"$tmp/native" 2>&1 || { dump "$tmp/native"; fail "the program failed natively"; }
	for seed in none 1 2 3; do
		# shellcheck disable=SC2046
		timeout 60 "$1" record -q $(schedule_of $seed) -o "$3" -- "$2" "${@:4}" >"$tmp/rec" 2>"$tmp/err" ||
			{ dump "$tmp/rec" "$tmp/err"; fail "record (schedule $seed) failed or hung"; }
		cmp -s "$tmp/native" "$tmp/rec" ||
			{ diff "$tmp/native" "$tmp/rec" >&2 || true; fail "schedule $seed printed other bytes than the native run"; }
		replays_match "$1" "$3" "$tmp/rec" 2 30
	done
}
