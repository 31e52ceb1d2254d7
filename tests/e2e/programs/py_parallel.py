# py_parallel.py: CPython threads for a parallel recording: three workers
# take numbers off a queue, add them under a lock and sleep a millisecond
# after each (time.sleep: a clock read, the GIL let go, an absolute
# clock_nanosleep), and print under stdio's lock, which glibc's threads
# contend for.  Prints the total, the same in every run.
import queue
import sys
import threading
import time

jobs = queue.Queue()
total = 0
total_lock = threading.Lock()


def worker(name):
    global total
    while True:
        item = jobs.get()
        if item is None:
            return
        with total_lock:
            total += item
        time.sleep(0.001)
        sys.stderr.write("")


threads = [threading.Thread(target=worker, args=(n,)) for n in range(3)]
for t in threads:
    t.start()
for i in range(200):
    jobs.put(i)
for t in threads:
    jobs.put(None)
for t in threads:
    t.join()
print("total", total)
