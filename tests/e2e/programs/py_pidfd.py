"""py_pidfd.py: a child process watched and signalled through a pidfd
(pidfd.sh): os.pidfd_open of the child's pid, select on it, a signal
through signal.pidfd_send_signal, and os.waitid(P_PIDFD)."""
import os
import select
import signal
import subprocess

child = subprocess.Popen(["sleep", "5"])
fd = os.pidfd_open(child.pid)
ready, _, _ = select.select([fd], [], [], 0.1)
print("ready before the signal:", bool(ready))
signal.pidfd_send_signal(fd, signal.SIGTERM)
ready, _, _ = select.select([fd], [], [], 5)
print("ready after the signal:", bool(ready))
print("return code", child.wait())
os.close(fd)

other = subprocess.Popen(["true"])
fd = os.pidfd_open(other.pid)
info = os.waitid(os.P_PIDFD, fd, os.WEXITED)
print("waitid(P_PIDFD): status", info.si_status, "exited", info.si_code == os.CLD_EXITED)
os.close(fd)
