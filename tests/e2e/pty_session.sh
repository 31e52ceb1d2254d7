#!/usr/bin/env bash
# pty_session.sh DEJA PTY_SESSION
#
# forkpty()'s child makes a session (setsid) and takes the new pseudo-
# terminal as its controlling one (TIOCSCTTY), as Python's pty.fork(),
# ssh and expect do.  A replay gave back setsid's recorded result without
# running it, so the replay's child was no session leader, its TIOCSCTTY
# failed with EPERM, and forkpty() ended it with exit 1: the parent's
# reap diverged.  Now a setsid that succeeded when recorded runs again in
# the replay.  The terminal's process groups, named by pid, which a
# replay's processes do not have, ran live too: tcgetpgrp() and tcgetsid()
# (TIOCGPGRP, TIOCGSID) now give the recorded pid, and tcsetpgrp()
# (TIOCSPGRP) its recorded result.  The program prints what it prints
# natively (the child leads its session, its group is the foreground one,
# the terminal's session its own, and it can set the foreground group),
# under the default schedule and random ones, and replays identically; so
# does Python's pty.fork().
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: pty_session.sh DEJA PTY_SESSION"
deja=$(abspath "$1") prog=$(abspath "$2")
require_file "$deja" "$prog"
cd "$tmp"

records_like_native "$deja" "$prog" pty.deja
grep -q 'session leader 1, foreground 1, its session 1, set 1' "$tmp/rec" ||
	{ dump "$tmp/rec"; fail "the child did not own its terminal"; }
note "forkpty()'s child owns its terminal in the recording and in replays"

cat >pty_fork.py <<'PY'
import os, pty
pid, fd = pty.fork()
if pid == 0:
    print("child on a terminal:", os.isatty(1), os.getsid(0) == os.getpid())
    os._exit(0)
out = b""
while True:
    try:
        data = os.read(fd, 1024)
    except OSError:
        break
    if not data:
        break
    out += data
print(out, os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
PY
records_like_native "$deja" python3 pyfork.deja pty_fork.py
note "Python's pty.fork() replays identically"
