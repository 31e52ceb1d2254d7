"""py_child_ids.py: calls that take a child's pid (child_ids.sh): its
nice value (setpriority, getpriority), CPU affinity, scheduling
parameters, process group and session."""
import os
import subprocess

child = subprocess.Popen(["sleep", "0.3"])
os.setpriority(os.PRIO_PROCESS, child.pid, 5)
print("child's nice value", os.getpriority(os.PRIO_PROCESS, child.pid))
print("own nice value", os.getpriority(os.PRIO_PROCESS, os.getpid()))
print("child's affinity known", len(os.sched_getaffinity(child.pid)) > 0)
print("child's scheduling priority", os.sched_getparam(child.pid).sched_priority)
print("child in our group", os.getpgid(child.pid) == os.getpgrp())
print("child in our session", os.getsid(child.pid) == os.getsid(0))
child.wait()
