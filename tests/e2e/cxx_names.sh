#!/usr/bin/env bash
# cxx_names.sh DEJA CXX_NAMES
#
# A C++ lost update, hunted, shrunk and bisected: the racing operations
# are named by their demangled method and the program's own line
# (cxx_names.cpp), not by a mangled symbol and the system header the
# lock was inlined from (gthr-default.h); `deja show` says the same.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: cxx_names.sh DEJA CXX_NAMES"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

rc=0
timeout 120 "$deja" hunt -q --seed 1 -o h.deja -- "$prog" >/dev/null 2>err || rc=$?
[ $rc -eq 1 ] || { dump err; fail "hunt exited $rc, expected 1 (found)"; }
timeout 120 "$deja" shrink -q -o s.deja h.deja >out 2>err || { dump out err; fail "shrink failed"; }
rc=0
timeout 120 "$deja" bisect s.deja >out 2>err || rc=$?
[ $rc -eq 0 ] || { dump out err; fail "bisect exited $rc"; }
pair='bank::Account::(balance_now|set_balance)\(\) cxx_names\.cpp:[0-9]+ mutex_lock\(mutex#[0-9]+\)'
grep -Eq "^thread [0-9]+ $pair before thread [0-9]+ $pair makes it fail" out ||
	{ dump out; fail "bisect did not name the methods and the program's lines"; }
"$deja" show s.deja >show.txt
grep -Eq 'mutex_lock\(mutex#[0-9]+\) = 0 +bank::Account::balance_now \(cxx_names\.cpp:[0-9]+\)' show.txt ||
	{ dump show.txt; fail "show does not name the method and the program's line"; }
! grep -q 'gthr-default.h\|_ZN4bank' show.txt || { dump show.txt; fail "show names a system header or a mangled symbol"; }
note "C++ race: $(grep makes out)"
