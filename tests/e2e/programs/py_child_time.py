# py_child_time.py: child processes that sleep, against their parent's
# timeouts and sleeps (e2e.child_time).  Each line depends on the child's
# sleep lasting as long, measured against the parent's clock, as it
# does natively.
import subprocess
import time

try:
    subprocess.run(["sleep", "30"], timeout=0.5)
    print("run: no timeout")
except subprocess.TimeoutExpired:
    print("run: timed out")

proc = subprocess.Popen(["sleep", "30"])
time.sleep(0.2)
proc.terminate()
print("terminated:", proc.wait())

proc = subprocess.Popen(["sleep", "0.2"])
time.sleep(1)
print("after the parent's longer sleep:", proc.poll())

start = time.monotonic()
subprocess.run(["sleep", "0.3"], check=True)
print("a child's sleep took its time:", time.monotonic() - start >= 0.3)
