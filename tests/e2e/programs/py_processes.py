"""py_processes.py: Python's process pools and queues, which rest on
semaphores shared between processes (sem_open): a ProcessPoolExecutor,
a multiprocessing.Pool, a Queue filled by two processes, and a Lock taken
in turn by two processes with a timeout.  Prints what each gave."""
import multiprocessing as mp
from concurrent.futures import ProcessPoolExecutor


def fill(q, base):
    for i in range(5):
        q.put(base + i)


def count(lock, n):
    for _ in range(n):
        if not lock.acquire(timeout=5):
            raise SystemExit("lock timed out")
        lock.release()


if __name__ == "__main__":
    with ProcessPoolExecutor(2) as ex:
        print("executor:", list(ex.map(pow, [2, 3, 4], [5, 5, 5])))
    with mp.Pool(2) as pool:
        print("pool:", sum(pool.map(abs, range(-50, 50))))
    q = mp.Queue()
    ps = [mp.Process(target=fill, args=(q, b)) for b in (0, 100)]
    for p in ps:
        p.start()
    print("queue:", sorted(q.get() for _ in range(10)))
    for p in ps:
        p.join()
    lock = mp.Lock()
    ps = [mp.Process(target=count, args=(lock, 20)) for _ in range(2)]
    for p in ps:
        p.start()
    for p in ps:
        p.join()
    print("lock exits:", [p.exitcode for p in ps])
