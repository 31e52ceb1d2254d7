#!/usr/bin/env bash
# exec_sites.sh DEJA EXEC_CHILD ATOMICITY
#
# Call sites are named per process image.  With address-space
# randomisation off, every position-independent executable loads at the
# same address, so the code before an exec and after it (and a parent's
# and its exec'd child's) share addresses.  deja show must name each
# event from the modules of the image it happened in:
#  - a shell that execs a program: the shell's libc calls and the
#    program's own functions are both named;
#  - a parent whose forked child execs another program: the child's
#    events are named from that program (debit, balance_covers), the parent's
#    from its own (parent_work).
# Every image's files are hashed into the trace, so a replay refuses an
# exec'd child's executable that changed since the recording, with exit 2.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 3 ] || fail "usage: exec_sites.sh DEJA EXEC_CHILD ATOMICITY"
deja=$(abspath "$1") parent=$(abspath "$2") prog=$(abspath "$3")
require_file "$deja" "$parent" "$prog" /bin/sh
[ "$(readlink -f /bin/sh)" = /usr/bin/dash ] || fail "this test expects /bin/sh to be dash" 
cd "$tmp"

# shows TEXT REGEX WHAT: TEXT (part of deja show's output, in file show)
# has a line matching REGEX, or the test fails saying WHAT is not so.
shows() {
	grep -q "$2" <<<"$1" || { dump show; fail "not so: $3"; }
}

# A shell that execs the program.
rc=0
timeout 60 "$deja" record -q -o sh.deja -- /bin/sh -c "echo from the shell; exec $prog" \
	>rec 2>err || rc=$?
[ $rc -eq 0 ] || { dump rec err; fail "recording sh -c 'exec ...' exited $rc"; }
"$deja" show sh.deja >show 2>err || { dump show err; fail "deja show of the exec chain failed"; }
before=$(awk '$3 ~ /^exec\(/ { exit } { print }' show)
after=$(awk 'found { print } $3 ~ /^exec\(/ { found = 1 }' show)
# (The shell's stat and write calls are placed at its own call sites, in
# dash: libc's functions for them go to the runtime without a trap.)
shows "$before" '[a-z_]*() .*[a-z_]* (libc\.so\.6)$' "the shell's calls into libc before the exec are named"
shows "$before" 'write() = 15 .*0x[0-9a-f]* (dash)$' "the shell's own write before the exec is placed in dash"
shows "$after" 'thread_create() .*main (atomicity\.c:' "the program's thread_create after the exec is named"
shows "$after" 'syscall write() = .*(libc\.so\.6)' "the program's write after the exec is named from its libc"
replays_match "$deja" sh.deja rec 2 60
note "sh -c 'exec PROG': events before and after the exec named from their own image"

# A parent whose forked child execs another program (a copy, to change it
# later).
cp "$prog" ./child_prog
rc=0
timeout 60 "$deja" record -q -o fork.deja -- "$parent" ./child_prog >rec 2>err || rc=$?
[ $rc -eq 0 ] || { dump rec err; fail "recording the parent exited $rc"; }
grep -q "exec_child: child exited 0" rec || { dump rec err; fail "the child did not run"; }
"$deja" show fork.deja >show 2>err || { dump show err; fail "deja show of the parent failed"; }
top=$(awk '/^process 1 /{ exit } { print }' show)
child=$(awk '/^process 1 /{ found = 1 } found { print }' show)
shows "$top" 'mutex_lock(.*parent_work (exec_child\.c:' "the parent's lock is named parent_work"
shows "$child" 'mutex_lock(.*debit (atomicity\.c:' "the exec'd child's lock in debit is named from its own executable"
shows "$child" 'mutex_lock(.*balance_covers (atomicity\.c:' "the exec'd child's lock in balance_covers (inlined into customer) is named"
if grep -q 'exec_child\.c' <<<"$child"; then
	dump show; fail "an exec'd child's event is named from its parent's executable"
fi
"$deja" show --json fork.deja >json 2>err || { dump json err; fail "deja show --json failed"; }
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' json ||
	{ dump json; fail "deja show --json is not JSON"; }
replays_match "$deja" fork.deja rec 2 60
note "a forked child that execs: its events named from its own executable, its parent's from theirs"

# The child's executable changes: the replay refuses it before running.
printf 'x' >>child_prog
rc=0
timeout 60 "$deja" replay -q fork.deja >rep 2>err || rc=$?
[ $rc -eq 2 ] || { dump rep err; fail "replay with a changed exec'd executable exited $rc, not 2"; }
grep -q "child_prog has changed since it was recorded" err ||
	{ dump err; fail "the refusal does not name the changed executable"; }
[ ! -s rep ] || { dump rep; fail "the refused replay ran the program"; }
note "a changed exec'd executable is refused with exit 2"
