# An asyncio loop in a thread of its own, fed by the main thread with
# run_coroutine_threadsafe(...).result(timeout=10), 40 times: each call
# writes a byte into the loop's socketpair, which wakes its epoll_wait,
# then waits on a condition with a timeout.  Natively every result comes
# at once; prints how many calls timed out instead (tests/e2e/
# parallel_loop_wake.sh).
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
loop.call_soon_threadsafe(loop.stop)
runner.join()
loop.close()
print("calls timed out:", late)
