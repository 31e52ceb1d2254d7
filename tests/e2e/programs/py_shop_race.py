# py_shop_race.py: a check-then-act race on a shared dict, run by a pool.
# Each buy reads the stock (line 10), checks it and, a line of work later,
# writes it back (line 13); a thread that stops between the two writes a
# stale count over another's purchase, and more is sold than was stocked.
# The pool's threads start, take work and hand results back through
# concurrent.futures and threading, whose lines are most of the run's.
from concurrent.futures import ThreadPoolExecutor
stock = {"apples": 10}
def buy(n):
    have = stock["apples"]
    if have >= n:
        total = sum(range(200))
        stock["apples"] = have - n
        return 1
    return 0
with ThreadPoolExecutor(4) as ex:
    results = list(ex.map(buy, [3] * 6))
assert sum(results) * 3 + stock["apples"] == 10, (results, stock)
