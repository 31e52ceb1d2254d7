/*
 * stop_waits.cpp: three std::jthreads wait on a condition_variable_any
 * until they are asked to stop, and a fourth polls its stop_token between
 * sleeps, ten rounds.  A stop request is an atomic in the stop state, not a lock: the
 * waiters read it between their locks without any event, and the request
 * wakes every waiter of the shared condition through a callback.  Prints
 * "10 of 10 rounds: every thread stopped".
 */
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <stop_token>
#include <thread>
#include <vector>

enum { ROUNDS = 10 };

/* One round: returns 1 when every thread saw its stop request. */
static int round_of_stops()
{
	std::mutex m;
	std::condition_variable_any cv;
	int woke = 0;
	std::vector<std::jthread> waiters;
	for (int i = 0; i < 3; i++)
		waiters.emplace_back([&](std::stop_token st) {
			std::unique_lock<std::mutex> g(m);
			cv.wait(g, st, [] { return false; });
			woke++;
		});
	int polls_ended = 0;
	std::jthread poller([&](std::stop_token st) {
		while (!st.stop_requested())
			std::this_thread::sleep_for(std::chrono::milliseconds(1));
		polls_ended = 1;
	});
	std::this_thread::sleep_for(std::chrono::milliseconds(10));
	for (auto &t : waiters)
		t.request_stop();
	for (auto &t : waiters)
		t.join();
	poller.request_stop();
	poller.join();
	return woke == 3 && polls_ended == 1;
}

int main()
{
	int rounds = 0;
	for (int i = 0; i < ROUNDS; i++)
		rounds += round_of_stops();
	std::printf("%d of %d rounds: every thread stopped\n", rounds, (int)ROUNDS);
	return rounds == ROUNDS ? 0 : 1;
}
