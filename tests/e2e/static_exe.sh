#!/usr/bin/env bash
# static_exe.sh DEJA STATIC_HELLO EXEC_STATIC STATIC_PIE_HELLO
#
# A statically linked executable cannot take deja's runtime (LD_PRELOAD
# needs the dynamic loader), so it would run untraced.  deja refuses it,
# never half traces it: `deja record` of one exits 3 with a message naming
# it, and a recorded program that execs one sees the exec fail with EPERM
# (an `exec` event, a message on stderr), which its replay repeats.  A
# static-pie executable, which deja does not tell from the dynamic loader
# beforehand, runs, but the run's outcome is an error saying the runtime
# never started in it, not a clean exit with nothing recorded.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 4 ] || fail "usage: static_exe.sh DEJA STATIC_HELLO EXEC_STATIC STATIC_PIE_HELLO"
deja=$(abspath "$1") static=$(abspath "$2") execer=$(abspath "$3") pie=$(abspath "$4")
require_file "$deja" "$static" "$execer" "$pie"
cd "$tmp"

"$static" | grep -q '^static: ' || fail "the static program does not run natively"
rc=0
"$deja" record -q -o s.deja -- "$static" >out 2>err || rc=$?
[ $rc -eq 3 ] || { dump out err; fail "record of a static executable exited $rc, expected 3"; }
grep -q "statically linked" err || { dump err; fail "no message saying the program is statically linked"; }
[ ! -s out ] || { dump out; fail "the static program ran"; }

rc=0
"$deja" record -q -o e.deja -- "$execer" "$static" >out 2>err || rc=$?
[ $rc -eq 1 ] || { dump out err; fail "record of a program exec'ing a static one exited $rc, expected 1 (its exit 3)"; }
grep -qx "exec failed: Operation not permitted" out || { dump out err; fail "the exec of the static program was not refused"; }
grep -q "refused the exec of a statically linked executable" err || { dump err; fail "no message for the refused exec"; }
"$deja" show e.deja | grep -q "exec" || fail "no exec event in the trace"
for i in 1 2 3; do
	"$deja" replay -q e.deja >rep 2>err || { dump err; fail "replay $i of the refused exec differs"; }
	cmp -s out rep || { diff out rep >&2 || true; fail "replay $i printed other bytes"; }
done
rc=0
"$deja" record -q -o p.deja -- "$pie" >out 2>err || rc=$?
[ $rc -eq 1 ] || { dump out err; fail "record of a static-pie executable exited $rc, expected 1"; }
[ "$("$deja" show --json p.deja | python3 -c 'import json,sys; print(json.load(sys.stdin)["outcome"]["kind"])')" = error ] ||
	fail "a run without the runtime is not an error outcome"
"$deja" show p.deja | grep -q "before deja's runtime started" || { "$deja" show p.deja >&2; fail "the outcome does not say the runtime never started"; }
note "a static executable refused by record (exit 3) and by a traced exec (EPERM), replayed; a static-pie run is an error outcome"
