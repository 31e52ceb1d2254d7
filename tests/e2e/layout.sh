#!/usr/bin/env bash
# layout.sh DEJA LAYOUT_PROG
#
# A replay re-creates the recording's address space and environment, so
# pointers the program prints or hashes repeat: a program that reads a few
# MiB (which the replay's channel carries, and which once moved every later
# mapping), then loads a library, maps and allocates memory, prints the
# same addresses, stack address, environment variable and addresses of
# argv and environment strings in every replay,
# even when deja is started with another environment, or finds its runtime
# in another directory.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: layout.sh DEJA LAYOUT_PROG"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

head -c $((4 << 20)) /dev/zero | tr '\0' 'x' >input.txt
rc=0
LAYOUT_VAR=recorded timeout 60 "$deja" record -q -o l.deja -- "$prog" input.txt >rec 2>err || rc=$?
[ $rc -eq 0 ] || { dump rec err; fail "record exited $rc"; }
grep -q "LAYOUT_VAR=recorded" rec || { dump rec; fail "the recording did not see LAYOUT_VAR"; }
for i in 1 2 3; do
	rc=0
	env -u LAYOUT_VAR EXTRA_VAR_$i=$(printf '%0*d' $((i * 100)) 0) \
		timeout 60 "$deja" replay -q l.deja >rep 2>err || rc=$?
	[ $rc -eq 0 ] || { dump rep err; fail "replay $i exited $rc"; }
	cmp -s rec rep || { diff rec rep >&2 || true; fail "replay $i printed other addresses or environment"; }
done
note "addresses, stack and environment repeat in 3 replays from another environment"

# A replay by a deja whose runtime lies elsewhere (installed, say, where
# the recording used the build tree): LD_PRELOAD's value has a fixed
# width, so the program's argv and environment keep their addresses.
runtime=$(dirname "$(readlink -f "$deja")")/../lib/deja/libdeja-runtime.so
require_file "$runtime"
elsewhere=$tmp/a/directory/with/a/much/longer/name/than/the/build/trees/lib/deja
mkdir -p "$elsewhere"
cp "$runtime" "$elsewhere/"
rc=0
DEJA_RUNTIME=$elsewhere/libdeja-runtime.so timeout 60 "$deja" replay -q l.deja >rep 2>err || rc=$?
[ $rc -eq 0 ] || { dump rep err; fail "a replay with the runtime elsewhere exited $rc"; }
cmp -s rec rep || { diff rec rep >&2 || true; fail "a replay with the runtime elsewhere printed other addresses"; }
note "a replay with the runtime in another directory: the same addresses"
