# An asyncio loop in a thread of its own, fed by the main thread with
# run_coroutine_threadsafe(...).result(timeout=10), 40 times: each call
# writes a byte into the loop's socketpair, which wakes its epoll_wait,
# then waits on a condition with a timeout.  Natively every result comes
# at once; prints how many calls timed out instead.  Then one call whose
# coroutine waits for a 5 s sleep with a 0.1 s timeout of the loop's own
# (its epoll_wait's timeout), which natively ends well before the
# caller's 10 s: prints whether the loop's timer fired first
# (tests/e2e/parallel_loop_wake.sh).
import asyncio
import threading

loop = asyncio.new_event_loop()
runner = threading.Thread(target=loop.run_forever)
runner.start()


async def echo(i):
    return i


late = 0
for i in range(40):
    future = asyncio.run_coroutine_threadsafe(echo(i), loop)
    try:
        future.result(timeout=10)
    except TimeoutError:
        late += 1
        future.cancel()


async def short_wait():
    try:
        await asyncio.wait_for(asyncio.sleep(5), timeout=0.1)
        return "the sleep ended"
    except asyncio.TimeoutError:
        return "fired"


try:
    timer = asyncio.run_coroutine_threadsafe(short_wait(), loop).result(timeout=10)
except TimeoutError:
    timer = "the caller timed out first"
loop.call_soon_threadsafe(loop.stop)
runner.join()
loop.close()
print("calls timed out:", late)
print("loop timer:", timer)
