/*
 * cxx_random.cpp: two threads draw from std::random_device (RDRAND where
 * the CPU has it, an instruction no syscall trap sees) and seed a Mersenne
 * twister from it; prints the draws in the order the threads made them.
 */
#include <cstdio>
#include <mutex>
#include <random>
#include <thread>

int main()
{
	std::mutex m;
	auto draw = [&m](int who) {
		std::random_device rd;
		for (int i = 0; i < 3; i++) {
			unsigned v = rd();
			std::mt19937 twister(v);
			std::lock_guard<std::mutex> hold(m);
			std::printf("thread %d: random_device %u, twister %u\n", who, v,
				    static_cast<unsigned>(twister()));
		}
	};
	std::thread a(draw, 1), b(draw, 2);
	a.join();
	b.join();
	return 0;
}
