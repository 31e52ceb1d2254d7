# A worker thread spins in pure Python until the main thread, after a
# 50 ms sleep, sets its flag; prints "done" once the worker has seen it
# (tests/e2e/python_turns.sh).  Natively CPython hands the GIL to the
# woken main thread within its 5 ms switch interval.
import threading
import time

stop = False
passes = 0


def worker():
    global passes
    while not stop:
        passes += 1


t = threading.Thread(target=worker)
t.start()
time.sleep(0.05)
stop = True
t.join()
print("done", passes > 0)
