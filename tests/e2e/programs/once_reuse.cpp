/*
 * once_reuse.cpp: onces made where freed ones were.  Each std::promise
 * holds a std::once_flag (a pthread_once_t) that setting its value runs
 * through, and a promise made in a loop often lands where the last one
 * was freed; a std::once_flag on the heap does too.  Every one of them
 * must run its function once.  Prints "promises 380 onces 20".
 */
#include <cstdio>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

enum { ROUNDS = 20 };

/* A promise set in this thread, then one set by another thread. */
static int promises(void)
{
	int sum = 0;
	for (int i = 0; i < ROUNDS; i++) {
		std::promise<int> here;
		std::future<int> f = here.get_future();
		here.set_value(i);
		sum += f.get();
		std::promise<int> there;
		std::future<int> g = there.get_future();
		std::thread t([&there, i] { there.set_value(i); });
		sum += g.get();
		t.join();
	}
	return sum;
}

/* Two threads race to a once_flag freed and made anew each round. */
static int onces(void)
{
	int runs = 0;
	for (int i = 0; i < ROUNDS; i++) {
		auto flag = std::make_unique<std::once_flag>();
		std::mutex m;
		auto body = [&] { std::call_once(*flag, [&] { std::lock_guard<std::mutex> g(m); runs++; }); };
		std::thread a(body), b(body);
		a.join();
		b.join();
	}
	return runs;
}

int main()
{
	int p = promises();
	int o = onces();
	std::printf("promises %d onces %d\n", p, o);
	return p == 2 * (ROUNDS * (ROUNDS - 1) / 2) && o == ROUNDS ? 0 : 1;
}
