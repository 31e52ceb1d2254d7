#!/usr/bin/env bash
# install.sh SOURCE_DIR BUILD_DIR
#
# `cmake --install` into a fresh prefix; the installed deja, run from PATH
# in another working directory with DEJA_RUNTIME unset, must find its
# installed runtime (not the build tree's), record a corpus program and
# replay it.  The installed tree must also work after being moved.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: install.sh SOURCE_DIR BUILD_DIR"
src=$(abspath "$1") build=$(abspath "$2")
require_file "$src/CMakeLists.txt" "$build/CMakeCache.txt"
prog=$build/corpora/atomicity
require_file "$prog"
unset DEJA_RUNTIME

prefix=$tmp/prefix
"${CMAKE:-cmake}" --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1 ||
	{ dump "$tmp/install.log"; fail "cmake --install $build --prefix $prefix failed"; }
[ -x "$prefix/bin/deja" ] || { dump "$tmp/install.log"; fail "no $prefix/bin/deja after install"; }
runtime=$(find "$prefix" -name 'libdeja-runtime.so*' | head -n1)
[ -n "$runtime" ] || { dump "$tmp/install.log"; fail "libdeja-runtime.so was not installed under $prefix"; }
# Beside it, what programs built with deja cflags include, and the hook
# --python-lines puts in PYTHONPATH.
for f in deja-ticks.h python/sitecustomize.py; do
	[ -f "$(dirname "$runtime")/$f" ] || { dump "$tmp/install.log"; fail "$f was not installed beside the runtime"; }
done
note "installed: bin/deja, ${runtime#"$prefix"/}, deja-ticks.h, python/sitecustomize.py"

# The installed version is the project's.
want=$(sed -n 's/^project(deja VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
got=$("$prefix/bin/deja" --version) || fail "installed deja --version exited $?"
[ -z "$want" ] || grep -q "$want" <<<"$got" || fail "installed deja --version says '$got', expected version $want"

# run_installed PREFIX: record and replay from another directory.
run_installed() {
	local pfx=$1 work rc
	work=$(mktemp -d "$tmp/work.XXXXXX")
	cd "$work"
	rc=0
	PATH="$pfx/bin:$PATH" deja record -o t.deja -- "$prog" >"$tmp/out" 2>"$tmp/err" || rc=$?
	[ $rc -eq 0 ] || { dump "$tmp/err"; fail "installed deja ($pfx) record exited $rc, expected 0"; }
	[ -s t.deja ] || fail "installed deja ($pfx): no trace written"
	# The runtime preloaded into the program was the installed one.
	local mods
	mods=$(sqlite3 t.deja "SELECT path FROM modules WHERE path LIKE '%libdeja-runtime%'")
	[ -n "$mods" ] || fail "installed deja ($pfx): the trace lists no libdeja-runtime module"
	case $mods in
	"$(realpath "$pfx")"/*) ;;
	*) fail "installed deja ($pfx) preloaded $mods, not the runtime under $pfx" ;;
	esac
	# Replay from yet another directory, with a relative trace path too.
	mkdir elsewhere
	cd elsewhere
	rc=0
	PATH="$pfx/bin:$PATH" deja replay ../t.deja >"$tmp/rout" 2>"$tmp/rerr" || rc=$?
	[ $rc -eq 0 ] || { dump "$tmp/rerr"; fail "installed deja ($pfx) replay exited $rc, expected 0"; }
	rc=0
	"$pfx/bin/deja" show ../t.deja >/dev/null 2>"$tmp/rerr" || rc=$?
	[ $rc -eq 0 ] || { dump "$tmp/rerr"; fail "installed deja ($pfx) show exited $rc"; }
	cd "$tmp"
}

run_installed "$prefix"
note "installed deja records and replays with its own runtime"
mv "$prefix" "$tmp/moved"
run_installed "$tmp/moved"
note "and still does after the prefix was moved"

# deja cflags of the installed deja names the installed header, and a
# program built with it passes ticks under the installed deja.
flags=$("$tmp/moved/bin/deja" cflags) || fail "installed deja cflags exited $?"
header=$(sed -n 's/.*-include \([^ ]*\).*/\1/p' <<<"$flags")
case $header in
"$(realpath "$tmp/moved")"/*) ;;
*) fail "installed deja cflags names $header, not a header under the prefix" ;;
esac
[ -f "$header" ] || fail "installed deja cflags names a missing header: $header"
printf '#include <stdio.h>\nint main(void) { long s = 0; for (int i = 0; i < 1000; i++) s += i %% 7; printf("%%ld\\n", s); return 0; }\n' >"$tmp/t.c"
# shellcheck disable=SC2086 # the flags are words on purpose
cc $flags -O1 -o "$tmp/t" "$tmp/t.c" || fail "cc \$(installed deja cflags) failed"
[ "$("$tmp/t")" = 2997 ] || fail "the instrumented program prints the wrong sum natively"
(cd "$tmp" && "$tmp/moved/bin/deja" record -q -o ticks.deja -- "$tmp/t" >/dev/null) ||
	fail "installed deja could not record the instrumented program"
"$tmp/moved/bin/deja" show --json "$tmp/ticks.deja" >"$tmp/tk.json"
[ "$(json "$tmp/tk.json" 'j["coverage"][0]["ticks"] >= 1000')" = true ] ||
	{ dump "$tmp/tk.json"; fail "no ticks counted under the installed deja"; }
note "installed deja cflags: $flags; ticks counted"
