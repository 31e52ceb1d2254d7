# A forked child waits to read a pipe whose write end it holds itself,
# while the parent polls a lock for ever: the recording ends at its step
# budget, and nothing but deja can end the child
# (tests/e2e/budget_children.sh).
import os
import threading

r, w = os.pipe()
if os.fork() == 0:
    os.read(r, 1)
    os._exit(0)
while True:
    threading.Lock().acquire()
