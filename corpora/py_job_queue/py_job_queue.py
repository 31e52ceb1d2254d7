# py_job_queue.py: two workers drain a queue.Queue of three jobs, each
# checking "empty?" and then taking a job with a blocking get().  When one
# worker sees a job left, and the other takes it before this worker's get(),
# this worker blocks for ever in get() and the join never returns.
import queue
import threading

jobs = queue.Queue()
for job in range(3):
    jobs.put(job)
done = []


def worker():
    while not jobs.empty():
        done.append(jobs.get())  # BUG: blocks if another worker took the last job


workers = [threading.Thread(target=worker) for _ in range(2)]
for w in workers:
    w.start()
for w in workers:
    w.join()
print("processed", sorted(done))
