#!/usr/bin/env bash
# inlined_names.sh DEJA INLINED_HELPERS SOURCE
#
# A check-then-insert race whose two locks are taken in static helpers
# that gcc inlines into the worker (programs/inlined_helpers.c), hunted,
# shrunk and bisected: each event is named by the helper whose line it
# gives (find_word() at the find's lock, insert_word() at the insert's),
# in `deja bisect` and `deja show`.  The symbol table knows only the
# function the helpers were inlined into, and deja named that one,
# "worker() inlined_helpers.c:20": a line and a function that do not go
# together (a C++ thread pool's Pool::submit was reported as
# std::thread::_State_impl<...>::_M_run).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 3 ] || fail "usage: inlined_names.sh DEJA INLINED_HELPERS SOURCE"
deja=$(abspath "$1") prog=$(abspath "$2") src=$(abspath "$3")
require_file "$deja" "$prog" "$src"
cd "$tmp"

# The test proves nothing unless the helpers were inlined.
! nm "$prog" | grep -Eq ' [tT] (find_word|insert_word)$' ||
	fail "find_word or insert_word is not inlined in $prog"
find_line=$(grep -n 'lock in find_word' "$src" | cut -d: -f1)
insert_line=$(grep -n 'lock in insert_word' "$src" | cut -d: -f1)

rc=0
timeout 60 "$deja" hunt -q --seed 1 -o h.deja -- "$prog" >/dev/null 2>err || rc=$?
[ $rc -eq 1 ] || { dump err; fail "hunt exited $rc, expected 1 (found)"; }
timeout 60 "$deja" shrink -q -o s.deja h.deja >out 2>err || { dump out err; fail "shrink failed"; }
rc=0
timeout 60 "$deja" bisect s.deja >out 2>err || rc=$?
[ $rc -eq 0 ] || { dump out err; fail "bisect exited $rc"; }
find_ev="find_word\(\) inlined_helpers\.c:$find_line mutex_lock\(mutex#[0-9]+\)"
insert_ev="insert_word\(\) inlined_helpers\.c:$insert_line mutex_lock\(mutex#[0-9]+\)"
grep -Eq "^thread [0-9]+ $find_ev before thread [0-9]+ $insert_ev makes it fail" out ||
	{ dump out; fail "bisect did not name the helpers with their own lines"; }

"$deja" show s.deja >show.txt
grep -Eq "mutex_lock\(mutex#[0-9]+\) = 0 +find_word \(inlined_helpers\.c:$find_line\)" show.txt ||
	{ dump show.txt; fail "show does not name find_word at its line"; }
grep -Eq "mutex_lock\(mutex#[0-9]+\) = 0 +insert_word \(inlined_helpers\.c:$insert_line\)" show.txt ||
	{ dump show.txt; fail "show does not name insert_word at its line"; }
! grep -Eq "worker \(inlined_helpers\.c:($find_line|$insert_line)\)" show.txt ||
	{ dump show.txt; fail "show names worker at a helper's line"; }
note "inlined helpers: $(grep makes out)"
