#!/usr/bin/env bash
# sanitizers.sh DEJA CC PROGRAMS_DIR
#
# A program built with -fsanitize=thread is refused, with the reason on
# stderr and as the trace's outcome: ThreadSanitizer takes over the pthread
# calls deja schedules and would report races that are not there.  One
# built with -fsanitize=address records and replays identically when
# AddressSanitizer is told not to insist on coming first and not to run
# its leak checker (README: Sanitizer builds).  A compiler without the
# sanitizers' libraries skips the check it cannot build.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 3 ] || fail "usage: sanitizers.sh DEJA CC PROGRAMS_DIR"
deja=$(abspath "$1") cc=$2 programs=$(abspath "$3")
require_file "$deja" "$programs/sanitized.c"
cd "$tmp"

if "$cc" -g -fsanitize=thread -pthread -o tsan "$programs/sanitized.c" 2>/dev/null; then
	rc=0
	timeout 60 "$deja" record -q -o t.deja -- ./tsan >out 2>err || rc=$?
	[ $rc -ne 0 ] && [ $rc -ne 124 ] || { dump err; fail "a ThreadSanitizer build: deja record exited $rc, expected a refusal"; }
	grep -q "built with -fsanitize=thread, which deja cannot run" err || { dump err; fail "the refusal does not say why"; }
	"$deja" show --json t.deja >t.json || fail "deja show of the refused run's trace exited $?"
	[ "$(json t.json 'j["outcome"]["kind"]')" = error ] || { dump t.json; fail "the refused run's outcome is not error"; }
	json t.json 'j["outcome"]["message"]' | grep -q "fsanitize=thread" || { dump t.json; fail "the outcome does not say why"; }
	note "a ThreadSanitizer build is refused, with its reason"
else
	note "no ThreadSanitizer here: not checked"
fi

if "$cc" -g -fsanitize=address -pthread -o asan "$programs/sanitized.c" 2>/dev/null; then
	export ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0
	./asan >native || fail "the AddressSanitizer build fails natively"
	for seed in none 2; do
		# shellcheck disable=SC2046
		timeout 60 "$deja" record -q $(schedule_of $seed) -o a.deja -- ./asan >rec 2>err ||
			{ dump err; fail "an AddressSanitizer build (schedule $seed): deja record failed"; }
		cmp -s native rec || { dump native rec; fail "schedule $seed printed other bytes than the native run"; }
		replays_match "$deja" a.deja rec 2
	done
	note "an AddressSanitizer build records and replays identically"
else
	note "no AddressSanitizer here: not checked"
fi
