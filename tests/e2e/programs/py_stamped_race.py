# py_stamped_race.py MARK: a race between two threads, checked only
# within 5 s of MARK's time (e2e.trial_file_times).  The workers append
# to one list in whichever order they run; the program exits 1 when the
# second came first, and says "late" when its clock reads more than 5 s
# past MARK, a file made just before the recording.  A trial of deja
# bisect or shrink runs on its recording's clocks; but CPython's stat of
# its stdout, a file the trial had just written, moved the trial's clock
# up to the trial's real time, minutes past the recording's: the trial
# was late, and passed where the recording failed.
import os
import sys
import threading
import time

late = time.time() > os.stat(sys.argv[1]).st_mtime + 5.0
order = []


def worker(n):
    order.append(n)


threads = [threading.Thread(target=worker, args=(n,)) for n in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
if late:
    print("late")
elif order != [0, 1]:
    print("out of order:", order)
    sys.exit(1)
else:
    print("in order")
