#!/usr/bin/env bash
# cflags.sh DEJA CC PROGRAMS_DIR
#
# `deja cflags` gives working flags: a program built with them (gcc at -O0
# and -O2, PIE and not, clang and C++ when installed, and through make and
# CMake as docs/cli.md shows) prints natively what it prints without them,
# passes ticks under deja (coverage in the trace), and replays identically;
# a shared library built with them ticks under a program built without;
# with clang, --stores splits counter++ at -O0.
# And deja hunt warns about a thread that ran long without a scheduling
# point, pointing at deja cflags, unless the program was built with them.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 3 ] || fail "usage: cflags.sh DEJA CC PROGRAMS_DIR"
deja=$(abspath "$1") cc=$2 programs=$(abspath "$3")
require_file "$deja" "$programs/ticks_sum.c" "$programs/long_stretch.c"
cd "$tmp"

flags=$("$deja" cflags) || fail "deja cflags exited $?"
case $flags in *-fsanitize-coverage=trace-pc*) ;; *) fail "deja cflags: no trace-pc in '$flags'" ;; esac
header=$(sed -n 's/.*-include \([^ ]*\).*/\1/p' <<<"$flags")
[ -f "$header" ] || fail "deja cflags names a header that does not exist: '$header'"
"$deja" cflags --help | grep -q CMAKE || fail "deja cflags --help does not show the CMake use"
rc=0
"$deja" cflags --bogus >/dev/null 2>&1 || rc=$?
[ $rc -eq 2 ] || fail "deja cflags --bogus exited $rc, expected 2"
note "deja cflags: $flags"

"$cc" -O2 -pthread -o plain "$programs/ticks_sum.c" || fail "plain build failed"
want=$(./plain)

# check NAME: ./NAME prints $want natively and under deja, passes ticks
# there, and replays identically.
check() {
	local name=$1 rc
	[ "$(./"$name")" = "$want" ] || fail "$name: native output differs from the plain build's"
	rc=0
	"$deja" record -q -s random --seed 3 -o "$name.deja" -- "./$name" >out 2>err || rc=$?
	[ $rc -eq 0 ] || { dump err; fail "$name: deja record exited $rc"; }
	[ "$(cat out)" = "$want" ] || fail "$name: output under deja differs"
	"$deja" show --json "$name.deja" >s.json
	local ticks
	ticks=$(json s.json 'sum(c["ticks"] for c in j["coverage"])')
	# Two loops of 100000 iterations: at least a tick per iteration, or
	# per two where the compiler unrolls the loop (clang -O2).
	[ "$ticks" -ge 100000 ] || { dump s.json; fail "$name: only $ticks ticks under deja (two loops of 100000)"; }
	replays_match "$deja" "$name.deja" out 3
	# Offered preemptions (random, seed 3) are tick events whose call site
	# is the program's basic block (in its function sum, mangled in C++),
	# not the stub, at any -O level.
	local in_prog in_stub
	in_prog=$(sqlite3 "$name.deja" "SELECT count(*) FROM events e JOIN sites s ON s.address = e.site
		WHERE e.op = 'tick' AND s.function LIKE '%sum%'")
	in_stub=$(sqlite3 "$name.deja" "SELECT count(*) FROM events e JOIN sites s ON s.address = e.site
		WHERE e.op = 'tick' AND (s.file LIKE '%deja-ticks.h' OR s.function = '__sanitizer_cov_trace_pc')")
	[ "$in_prog" -gt 0 ] && [ "$in_stub" -eq 0 ] || { "$deja" show "$name.deja" >&2; fail "$name: tick sites: $in_prog in sum(), $in_stub in the stub"; }
	note "$name: same output natively and under deja, $ticks ticks ($in_prog offered, in sum()), replays identical"
}

build() { # build NAME COMPILER ARGS...
	local name=$1 compiler=$2
	shift 2
	# shellcheck disable=SC2086 # the flags are words on purpose
	"$compiler" $flags "$@" -pthread -o "$name" "$programs/ticks_sum.c" 2>err ||
		{ dump err; fail "$compiler \$(deja cflags) $* failed"; }
	check "$name"
}

build gcc_O0 "$cc" -O0
build gcc_O2 "$cc" -O2 -Wall -Wextra -Werror
build gcc_nopie "$cc" -O2 -fno-pie -no-pie
if command -v clang >/dev/null; then
	build clang_O2 clang -O2 -Wall -Wextra -Werror
fi
if command -v c++ >/dev/null; then
	build cxx c++ -O2 -x c++ -Wall -Werror
fi

# clang: --stores adds a tick before every store, which splits counter++
# at -O0 (load, add and store in one basic block): the lost update is
# found and replays; with basic-block ticks alone it is not.
if command -v clang >/dev/null; then
	case $("$deja" cflags --stores) in *trace-stores*) ;; *) fail "deja cflags --stores has no trace-stores" ;; esac
	cat >counter.c <<'C'
#include <assert.h>
#include <pthread.h>
static long counter;
static void *add(void *arg) { for (int i = 0; i < 1000; i++) counter++; return arg; }
int main(void)
{
	pthread_t a, b;
	pthread_create(&a, 0, add, 0);
	pthread_create(&b, 0, add, 0);
	pthread_join(a, 0);
	pthread_join(b, 0);
	assert(counter == 2000);
	return 0;
}
C
	# shellcheck disable=SC2046
	clang $("$deja" cflags) -O0 -pthread -o counter_pc counter.c
	# shellcheck disable=SC2046
	clang $("$deja" cflags --stores) -O0 -Wall -Wextra -Werror -pthread -o counter_st counter.c
	# Natively the stubs must leave the program working: it runs to its
	# end, and either both threads' increments all count or, when the
	# race really happens natively (rarely, but it does), its assertion
	# says so; a crash of the stubs would be neither.
	rc=0
	./counter_st 2>native.err || rc=$?
	[ $rc -eq 0 ] || { [ $rc -eq 134 ] && grep -q "Assertion .counter == 2000. failed" native.err; } ||
		{ dump native.err; fail "counter built with --stores fails natively (exit $rc)"; }
	rc=0
	"$deja" hunt -q --runs 300 -o counter_pc.deja -- ./counter_pc 2>err || rc=$?
	[ $rc -eq 0 ] || { dump err; fail "counter++ at -O0 found without --stores (hunt exited $rc): a basic block was split?"; }
	rc=0
	"$deja" hunt -q --json --runs 1000 -o counter_st.deja -- ./counter_st >cs.json 2>err || rc=$?
	[ $rc -eq 1 ] || { dump cs.json err; fail "counter++ at -O0 built with --stores: hunt exited $rc, expected 1 (found)"; }
	for i in 1 2 3 4 5; do
		"$deja" replay -q counter_st.deja >/dev/null 2>err || { dump err; fail "replay $i of the counter++ trace"; }
	done
	note "clang --stores: counter++ at -O0 found in run $(json cs.json 'j["failing_run"]["index"]'), replays; not found without --stores"
fi

# A shared library built with the flags, under a program built without
# them: the library's basic blocks tick (each module has its own stub).
printf 'unsigned long long lib_sum(long n) { unsigned long long s = 0; for (long i = 0; i < n; i++) s += (unsigned long long)i * 3 %% 11; return s; }\n' >lib.c
printf '#include <stdio.h>\nunsigned long long lib_sum(long);\nint main(void) { printf("%%llu\\n", lib_sum(300000)); return 0; }\n' >uselib.c
# shellcheck disable=SC2086
"$cc" $flags -O2 -shared -fPIC -o libsum.so lib.c 2>err || { dump err; fail "shared library with \$(deja cflags) failed"; }
"$cc" -O2 -o uselib uselib.c -L. -lsum -Wl,-rpath,"$tmp" 2>err || { dump err; fail "linking against the library failed"; }
libwant=$(python3 -c 'print(sum(i * 3 % 11 for i in range(300000)))')
[ "$(./uselib)" = "$libwant" ] || fail "the program using the instrumented library prints the wrong sum natively"
"$deja" record -q -o lib.deja -- ./uselib >libout || fail "deja record of the program using the instrumented library failed"
[ "$(cat libout)" = "$libwant" ] || fail "the program using the instrumented library prints the wrong sum under deja"
"$deja" show --json lib.deja >lib.json
[ "$(json lib.json 'j["coverage"][0]["ticks"] >= 300000')" = true ] || { dump lib.json; fail "the instrumented library's loop did not tick"; }
note "an instrumented shared library ticks under an uninstrumented program"

# make, with the flags in CFLAGS (compile and link).
mkdir mk && cp "$programs/ticks_sum.c" mk/
printf 'CFLAGS += $(shell %s cflags) -O2\nLDLIBS += -pthread\nticks_sum: ticks_sum.c\n' "$deja" >mk/Makefile
make -s -C mk >make.log 2>&1 || { dump make.log; fail "make with \$(deja cflags) failed"; }
cp mk/ticks_sum make_build && check make_build

# CMake, with the flags in CMAKE_C_FLAGS.
mkdir cm && cp "$programs/ticks_sum.c" cm/
cat >cm/CMakeLists.txt <<'CM'
cmake_minimum_required(VERSION 3.13)
project(ticks_sum C)
find_package(Threads REQUIRED)
add_executable(ticks_sum ticks_sum.c)
target_link_libraries(ticks_sum PRIVATE Threads::Threads)
CM
"${CMAKE:-cmake}" -S cm -B cm/build -DCMAKE_C_COMPILER="$cc" -DCMAKE_C_FLAGS="$flags" >cmake.log 2>&1 &&
	"${CMAKE:-cmake}" --build cm/build >>cmake.log 2>&1 || { dump cmake.log; fail "CMake with \$(deja cflags) failed"; }
cp cm/build/ticks_sum cmake_build && check cmake_build

# Coverage: a thread computing for a long while without a point.
"$cc" -O2 -pthread -o stretch "$programs/long_stretch.c"
rc=0
"$deja" hunt -q --runs 2 -o stretch.deja -- ./stretch >h.out 2>h.err || rc=$?
[ $rc -eq 0 ] || { dump h.err; fail "hunt of long_stretch exited $rc"; }
grep -q "thread 1 ran [0-9]* ms without a scheduling point" h.err || { dump h.err; fail "hunt did not warn about the long stretch"; }
grep -q 'deja cflags' h.err || { dump h.err; fail "the warning does not point at deja cflags"; }
"$deja" record -q -o stretch1.deja -- ./stretch >/dev/null
"$deja" show --json stretch1.deja >st.json
[ "$(json st.json 'j["coverage"][1]["ticks"]')" = 0 ] || { dump st.json; fail "ticks counted in a plain build"; }
[ "$(json st.json 'j["coverage"][1]["longest_dark_ns"] >= 100000000')" = true ] || { dump st.json; fail "the long stretch was not measured"; }
note "plain long_stretch: hunt warns and points at deja cflags"

# shellcheck disable=SC2086
"$cc" $flags -O2 -pthread -o stretch_ticks "$programs/long_stretch.c"
rc=0
"$deja" hunt -q --runs 2 -o stretch_ticks.deja -- ./stretch_ticks >h2.out 2>h2.err || rc=$?
[ $rc -eq 0 ] || { dump h2.err; fail "hunt of long_stretch built with deja cflags exited $rc"; }
! grep -q "without a scheduling point" h2.err || { dump h2.err; fail "hunt warned although the program has ticks"; }
"$deja" record -q -o stretch2.deja -- ./stretch_ticks >/dev/null
"$deja" show --json stretch2.deja >st2.json
[ "$(json st2.json 'j["coverage"][1]["ticks"] >= 200000000')" = true ] || { dump st2.json; fail "too few ticks in long_stretch built with deja cflags"; }
[ "$(json st2.json 'j["coverage"][1]["longest_dark_ns"] < 100000000')" = true ] || { dump st2.json; fail "a long stretch without a tick in a program full of them"; }
note "long_stretch built with deja cflags: no warning, $(json st2.json 'j["coverage"][1]["ticks"]') ticks"
