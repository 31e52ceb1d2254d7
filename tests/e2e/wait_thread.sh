#!/usr/bin/env bash
# wait_thread.sh DEJA WAIT_THREAD PY_ASYNC_CHILD
#
# A thread blocked in waitpid() lets the process's other threads run: the
# C program's main thread feeds the child the waiter waits for, and
# asyncio (whose watcher thread waits for each child) writes a child's
# stdin and reads its stdout.  Both ran for ever under deja when the wait
# held the right to run.  Each records under two schedules, prints what
# it prints natively, and replays identically.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 3 ] || fail "usage: wait_thread.sh DEJA WAIT_THREAD PY_ASYNC_CHILD"
deja=$(abspath "$1") prog=$(abspath "$2") script=$(abspath "$3")
require_file "$deja" "$prog" "$script" /usr/bin/python3
cd "$tmp"

expected='child read 3000 bytes
waiter saw exit 7'
[ "$("$prog")" = "$expected" ] || fail "the program's native output is not the expected one"
for seed in none 1 2; do
	rc=0
	# shellcheck disable=SC2046
	timeout 30 "$deja" record -q -o w.deja $(schedule_of "$seed") -- "$prog" >rec 2>err || rc=$?
	[ $rc -eq 0 ] || { dump rec err; fail "record (seed $seed) exited $rc"; }
	[ "$(cat rec)" = "$expected" ] || { dump rec err; fail "record (seed $seed) printed other output"; }
	replays_match "$deja" w.deja rec 3 30
done

expected_py="reversed: [b'cba', b'fed'] exit 0"
[ "$(/usr/bin/python3 "$script")" = "$expected_py" ] || fail "the script's native output is not the expected one"
rc=0
timeout 60 "$deja" record -q -o p.deja -- /usr/bin/python3 "$script" >rec 2>err || rc=$?
[ $rc -eq 0 ] || { dump rec err; fail "record of the asyncio child exited $rc"; }
[ "$(cat rec)" = "$expected_py" ] || { dump rec err; fail "record of the asyncio child printed other output"; }
replays_match "$deja" p.deja rec 3 60
note "a thread waiting for a child lets the others feed it: C (3 schedules) and asyncio, identical replays"
