# py_threads.py: CPython threads through deja: a queue between producer
# threads, time.time(), time.sleep(), random, os.urandom, file I/O and a
# lock; prints everything that differs from one native run to the next.
import os
import queue
import random
import sys
import threading
import time

start = time.time()
mono = time.monotonic()
q = queue.Queue()
lock = threading.Lock()
order = []


def producer(name):
    for i in range(4):
        q.put((name, i, random.random()))
        with lock:
            order.append(name)
        time.sleep(0.5)


threads = [threading.Thread(target=producer, args=(n,)) for n in "ab"]
for t in threads:
    t.start()
for t in threads:
    t.join()
items = []
while not q.empty():
    items.append(q.get())
path = sys.argv[1] if len(sys.argv) > 1 else "py_threads.txt"
with open(path, "w") as f:
    f.write(os.urandom(8).hex())
with open(path) as f:
    token = f.read()
print("start %.6f mono %.6f" % (start, mono))
print("order", "".join(order))
print("items", len(items), "first %.12f" % items[0][2])
print("token", token)
print("slept %.3f" % (time.monotonic() - mono))
