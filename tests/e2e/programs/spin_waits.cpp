/*
 * spin_waits.cpp: three threads meet at C++20's waiting objects, which
 * libstdc++ builds on atomics that spin with sched_yield() before they
 * wait in a futex (shared between objects, so a wake meant for one
 * object's waiter wakes others too): a std::counting_semaphore the main
 * thread releases, a std::latch, a std::barrier each round, turns taken
 * with atomic::wait/notify_all, and at the end hand-made loops until the
 * main thread, once all have come to them, sets a flag: one thread polls
 * with a 50 us sleep, the others (and the main thread while it waits for
 * them to come) with sched_yield().  A mutex around a
 * shared total gives the threads events between the waits.  Prints the
 * total and the turns taken, the same in every run.
 */
#include <atomic>
#include <barrier>
#include <chrono>
#include <cstdio>
#include <latch>
#include <mutex>
#include <semaphore>
#include <thread>
#include <vector>

#include <sched.h>

enum { THREADS = 3, ROUNDS = 20 };

static std::mutex total_lock;
static long total;

static void add(long v)
{
	std::lock_guard<std::mutex> hold(total_lock);
	total += v;
}

int main()
{
	std::counting_semaphore<THREADS> go(0);
	std::latch ready(THREADS);
	std::barrier round(THREADS);
	std::atomic<int> turn{0};
	std::atomic<int> arrived{0}, done{0};
	std::vector<std::thread> threads;
	for (int t = 0; t < THREADS; t++)
		threads.emplace_back([&, t] {
			go.acquire();
			ready.arrive_and_wait();
			for (int r = 0; r < ROUNDS; r++) {
				add(t * 100 + r);
				round.arrive_and_wait();
				for (int seen; (seen = turn.load()) % THREADS != t;)
					turn.wait(seen);
				add(1);
				turn.fetch_add(1);
				turn.notify_all();
			}
			arrived.fetch_add(1);
			while (!done.load()) {
				if (t == 0)
					std::this_thread::sleep_for(std::chrono::microseconds(50));
				else
					sched_yield();
			}
			add(7);
		});
	go.release(THREADS);
	while (arrived.load() < THREADS)
		sched_yield();
	for (long i = 0; i < 2000000; i++)
		__asm__ volatile("" ::: "memory"); /* the others spin meanwhile */
	done.store(1);
	for (auto &th : threads)
		th.join();
	std::printf("total %ld, turns %d\n", total, turn.load());
	return 0;
}
