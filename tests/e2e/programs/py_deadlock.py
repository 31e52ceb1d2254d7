# py_deadlock.py: two threads take two locks in opposite orders, each
# waiting (on an Event) until the other holds its first lock, so every
# schedule deadlocks (tests/e2e/python_deadlock.sh).
import threading

a, b = threading.Lock(), threading.Lock()
a_taken, b_taken = threading.Event(), threading.Event()


def one():
    with a:
        a_taken.set()
        b_taken.wait()
        with b:
            pass


def two():
    with b:
        b_taken.set()
        a_taken.wait()
        with a:
            pass


threads = [threading.Thread(target=f) for f in (one, two)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("not reached")
