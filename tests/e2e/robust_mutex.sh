#!/usr/bin/env bash
# robust_mutex.sh DEJA ROBUST_MUTEX
#
# Robust mutexes whose owner ended holding them.  glibc marks them shared,
# so deja locks them by attempts of the real trylock; on a mutex made not
# recoverable, glibc's trylock says ENOTRECOVERABLE but leaves the lock
# word holding the caller, and the next lock of it waited for ever under
# deja where natively it fails at once.  Now every lock, trylock and
# consistent gives what it gives natively, under several schedules, and
# each recording replays identically.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: robust_mutex.sh DEJA ROBUST_MUTEX"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

records_like_native "$deja" "$prog" robust.deja
grep -q 'lock: State not recoverable' native || fail "the program never made a mutex not recoverable"
note "robust mutexes: owner died, consistent and not recoverable as natively; replays identical"
