# 30 feeder threads put 300 items into a queue.SimpleQueue, each sleeping
# up to 1 ms after half of its puts, while 30 consumers poll it with
# get(timeout=1e-5) until each has taken a sentinel; prints how many items
# the consumers got (tests/e2e/pct_polling.sh).  CPython's test_queue
# test_many_threads_timeout, smaller.
import queue
import random
import threading
import time

N = 30
M = 300
q = queue.SimpleQueue()
items = list(range(M))
rnd = random.Random(42)
got = []
def feed():
    while True:
        try:
            v = items.pop()
        except IndexError:
            q.put(None)
            return
        q.put(v)
        if rnd.random() > 0.5:
            time.sleep(rnd.random() * 1e-3)
def consume():
    while True:
        try:
            v = q.get(timeout=1e-5)
        except queue.Empty:
            continue
        if v is None:
            return
        got.append(v)
ts = [threading.Thread(target=feed) for _ in range(N)] + [threading.Thread(target=consume) for _ in range(N)]
for t in ts: t.start()
for t in ts: t.join()
print("got", len(got))
