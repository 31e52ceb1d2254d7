# file_race.py: check-then-act on a file.  Two threads each create an
# init file if it is not there yet; both can find it missing, and the
# second exclusive open fails: the program exits 1.  Used by
# bisect_python_hint.sh.  The window is between two system calls (a stat,
# then an open), where CPython hands the GIL over, so a hunt finds it
# with or without Python lines.
import os
import sys
import tempfile
import threading

directory = tempfile.mkdtemp()
path = os.path.join(directory, "init.lock")
errors = []


def init_once(who):
    if not os.path.exists(path):
        try:
            with open(path, "x") as f:
                f.write(who)
        except FileExistsError:
            errors.append(who)


threads = [threading.Thread(target=init_once, args=("t%d" % i,)) for i in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
os.unlink(path)
os.rmdir(directory)
if errors:
    print("initialised twice:", errors)
    sys.exit(1)
