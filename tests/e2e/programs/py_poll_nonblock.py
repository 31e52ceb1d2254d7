# 10 feeder threads put 1000 items into a queue.SimpleQueue, each sleeping
# up to 1 ms after half of its puts, while 10 consumers poll it with
# get(block=False), sleeping 10 us after each miss, until each has taken a
# sentinel; prints how many items the consumers got and whether they are
# all there (tests/e2e/pct_polling.sh).  CPython's test_queue
# test_many_threads_nonblock, smaller.
import queue
import random
import threading
import time

N = 10
M = 1000
q = queue.SimpleQueue()
items = list(range(M))
items.reverse()
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
            v = q.get(block=False)
        except queue.Empty:
            time.sleep(1e-5)
            continue
        if v is None:
            return
        got.append(v)
threads = [threading.Thread(target=feed) for _ in range(N)]
threads += [threading.Thread(target=consume) for _ in range(N)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("got", len(got), sorted(got) == list(range(M)))
