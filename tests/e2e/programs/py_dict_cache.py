# py_dict_cache.py: a check-then-act race on a dict used as a cache.
# Three threads look the same key up; each that finds it missing (line 12)
# computes it and stores it (lines 13-14), so two threads that both check
# before either stores compute it twice, and the assertion fails.
import threading
cache = {}
computed = []
def compute(key):
    computed.append(key)
    return key * 2
def lookup(key):
    if key not in cache:
        value = compute(key)
        cache[key] = value
    return cache[key]
threads = [threading.Thread(target=lookup, args=(7,)) for _ in range(3)]
for t in threads: t.start()
for t in threads: t.join()
assert len(computed) == 1, computed
