# lost_update.py: two threads add to a counter with a read, a call and a
# write on separate lines, for python_lines.sh.  CPython may hand the GIL
# over at the call (an eval-breaker check), between the read and the
# write, and an update is lost; natively it happens when the switch
# interval ends there.  Exits 1 (an AssertionError naming the count) when
# an update was lost; prints "ok" otherwise.
import sys
import threading

count = 0


def pause():
    pass


def add(times):
    global count
    for _ in range(times):
        seen = count
        pause()
        count = seen + 1


threads = [threading.Thread(target=add, args=(500,)) for _ in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
assert count == 1000, "lost updates: count is %d, not 1000" % count
print("ok")
sys.stdout.flush()
