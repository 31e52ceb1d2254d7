# py_print_threads.py: three threads print 300 lines each to stdout, a
# count under a lock between; the main thread prints the count.  Natively
# the lines interleave differently from run to run.
import threading

lock = threading.Lock()
count = [0]


def work(k):
    for i in range(300):
        with lock:
            count[0] += 1
        print(f"thread {k} line {i}")


threads = [threading.Thread(target=work, args=(k,)) for k in range(3)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("count", count[0])
