#!/usr/bin/env bash
# child_time.sh DEJA PY_CHILD_TIME
#
# Child processes run in real time: a child's sleep lasts, against its
# parent's clock, what it lasts natively, so subprocess.run's timeout
# expires on a child that sleeps longer, a child to terminate is still
# there, and one that sleeps less than its parent has ended.  (With
# virtual time in the child, `sleep 30` ended at once: no timeout, exit 0
# instead of -15.)  Recorded twice, each replayed identically (and a
# replay does not wait).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: child_time.sh DEJA PY_CHILD_TIME"
deja=$(abspath "$1") script=$(abspath "$2")
require_file "$deja" "$script" /usr/bin/python3
cd "$tmp"

expected='run: timed out
terminated: -15
after the parent'"'"'s longer sleep: 0
a child'"'"'s sleep took its time: True'
[ "$(/usr/bin/python3 "$script")" = "$expected" ] || fail "the script's native output is not the expected one"
for run in 1 2; do
	rc=0
	timeout 60 "$deja" record -q -o c.deja -- /usr/bin/python3 "$script" >rec 2>err || rc=$?
	[ $rc -eq 0 ] || { dump rec err; fail "record $run exited $rc"; }
	[ "$(cat rec)" = "$expected" ] || { diff <(echo "$expected") rec >&2 || true; fail "record $run printed other output"; }
	start=$(date +%s)
	replays_match "$deja" c.deja rec 2 60
	[ $(($(date +%s) - start)) -lt 20 ] || fail "the replays waited for the children's sleeps"
done
note "children's sleeps against their parent's timeouts and sleeps: as native, 2 recordings x 2 identical replays"
