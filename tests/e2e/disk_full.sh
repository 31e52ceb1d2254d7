#!/usr/bin/env bash
# disk_full.sh DEJA
#
# A trace written into a full file system (an 8 MiB tmpfs, mounted in a
# mount namespace of the test's own: `unshare -rm`, no root needed).
# `deja record` of a program that prints without end (`yes`) ran for
# ever: its events no longer reached the trace, but nothing stopped the
# program.  One that reads a big file ended, exit 3, saying only "writing
# events to the trace failed", and left the half-written trace (which
# `deja show` called "no readable run") and an empty rollback journal
# beside it; `deja hunt -o` left its scratch trace (filling the disk) and
# its journal.  Now the first write that fails stops the run; record,
# hunt and shrink exit 3 saying the file system is full and that no trace
# was kept, and leave nothing in the directory.
set -euo pipefail

if [ "${DEJA_DISK_FULL_INSIDE:-}" != 1 ]; then
	# Root in a user namespace of its own may mount a tmpfs; where user
	# namespaces are not allowed, the test cannot make a full disk (77:
	# ctest's SKIP_RETURN_CODE for this test).
	if ! unshare -rm true 2>/dev/null; then
		echo "[disk_full] SKIP: unshare -rm is not allowed here"
		exit 77
	fi
	DEJA_DISK_FULL_INSIDE=1 exec unshare -rm bash "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || fail "usage: disk_full.sh DEJA"
deja=$(abspath "$1")
require_file "$deja"

cd "$tmp"
mkdir full
mount -t tmpfs -o size=8m tmpfs full || fail "cannot mount a tmpfs in the test's namespace"
trap 'umount "$tmp/full" 2>/dev/null; rm -rf "$tmp"' EXIT
head -c 20000000 /dev/urandom >big

# expect_full WHAT RC ERR_FILE: exit 3, the reason said, nothing left
# in full/ but the files named after ERR_FILE.
expect_full() {
	local what=$1 rc=$2 err=$3
	shift 3
	[ "$rc" -eq 3 ] || { dump "$err"; fail "$what exited $rc, expected 3"; }
	grep -q "No space left on device" "$err" || { dump "$err"; fail "$what did not say the file system is full"; }
	local left
	left=$(cd full && ls -A | grep -vxF -e "${1:-}" || true)
	[ -z "$left" ] || fail "$what left in the full file system: $left"
}

# A program that prints for ever: the recording must stop it.
rc=0
timeout 30 "$deja" record -o full/y.deja -- yes >/dev/null 2>y.err || rc=$?
[ $rc -ne 124 ] || fail "deja record of \`yes\` into a full file system hung"
expect_full "deja record of yes" $rc y.err
grep -q "cannot write the run's events into the trace full/y.deja: the file system is full" y.err ||
	{ dump y.err; fail "deja record did not say why it could not write the trace"; }
grep -q "no trace was kept" y.err || { dump y.err; fail "deja record did not say that no trace was kept"; }

# A program whose input bytes go into the trace.
rc=0
timeout 60 "$deja" record -o full/c.deja -- cat big >c.out 2>c.err || rc=$?
expect_full "deja record of cat" $rc c.err
[ "$(stat -c %s c.out)" -lt "$(stat -c %s big)" ] || fail "cat was not stopped when its trace could not be written"
rc=0
"$deja" show full/c.deja >/dev/null 2>show.err || rc=$?
[ $rc -eq 2 ] || fail "deja show of the trace not kept exited $rc, expected 2"

# A hunt whose failing run is kept there.
rc=0
timeout 120 "$deja" hunt -q -o full/h.deja -- sh -c 'cat big >/dev/null; exit 1' 2>h.err || rc=$?
expect_full "deja hunt -o" $rc h.err

# A shrink whose result goes there, onto a disk already filled.
rc=0
"$deja" record -q -o fails.deja -- sh -c 'cat big >/dev/null; exit 1' >/dev/null 2>&1 || rc=$?
[ $rc -eq 1 ] || fail "recording the failing run exited $rc, expected 1"
head -c 8000000 /dev/zero >full/fill 2>/dev/null || true
rc=0
timeout 120 "$deja" shrink -o full/s.deja fails.deja >/dev/null 2>s.err || rc=$?
expect_full "deja shrink -o" $rc s.err fill
rm -f full/fill

note "a full disk: record (stopped), hunt and shrink exit 3, say so, and leave no trace"
