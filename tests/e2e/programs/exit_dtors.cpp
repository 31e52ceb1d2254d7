/*
 * exit_dtors.cpp: threads that tell another of their end from the
 * destructors glibc runs once their routine has returned.  One calls
 * std::notify_all_at_thread_exit, one std::promise::set_value_at_thread_exit,
 * one has a thread_local whose destructor notifies a condition, one a
 * pthread key whose destructor does, and one that sets that key is
 * cancelled as it waits for a condition; each is detached, or joined
 * only after the main thread has seen its word.  Then two threads call
 * pthread_exit from a nested call, each holding the mutex in a
 * std::unique_lock and with a Teller on its stack below it: the unwinding
 * unlocks the mutex and the Teller's destructor tells; the first also
 * loads libgcc_s's unwinder, while the other thread is being made.
 * Prints "notify 1 promise 7 thread_local 1 key 1 cancelled 1 exited 2".
 */
#include <condition_variable>
#include <cstdio>
#include <future>
#include <mutex>
#include <pthread.h>
#include <thread>
#include <unistd.h>

static std::mutex m;
static std::condition_variable cv;
static int said_local, said_key, said_cancelled;

/* Wait until *flag is set, under m. */
static int wait_for(const int *flag)
{
	std::unique_lock<std::mutex> g(m);
	cv.wait(g, [flag] { return *flag != 0; });
	return *flag;
}

static int notify_at_exit()
{
	int done = 0;
	std::thread t([&done] {
		std::unique_lock<std::mutex> g(m);
		done = 1;
		std::notify_all_at_thread_exit(cv, std::move(g));
	});
	t.detach();
	return wait_for(&done);
}

static int promise_at_exit()
{
	std::promise<int> p;
	std::future<int> f = p.get_future();
	std::thread t([&p] { p.set_value_at_thread_exit(7); });
	int v = f.get();
	t.join();
	return v;
}

/* Sets its flag and notifies when the thread that made it ends. */
struct Teller {
	int *flag;
	~Teller()
	{
		std::lock_guard<std::mutex> g(m);
		*flag = 1;
		cv.notify_all();
	}
};

static int thread_local_at_exit()
{
	std::thread t([] {
		thread_local Teller teller{&said_local};
		(void)teller;
	});
	int v = wait_for(&said_local);
	t.join();
	return v;
}

static void key_gone(void *flag)
{
	Teller{static_cast<int *>(flag)};
}

static int key_at_exit()
{
	pthread_key_t key;
	pthread_key_create(&key, key_gone);
	std::thread t([key] { pthread_setspecific(key, &said_key); });
	int v = wait_for(&said_key);
	t.join();
	pthread_key_delete(key);
	return v;
}

static pthread_mutex_t never_m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;

static void unlock_never(void *)
{
	pthread_mutex_unlock(&never_m);
}

/* Waits for a condition nobody signals, where deja's model has it wait:
 * in a real cancellable syscall, glibc's pthread_cancel would send the
 * thread a signal or not as it happened to be there (in parallel mode). */
static void *wait_with_key(void *key)
{
	pthread_setspecific(*static_cast<pthread_key_t *>(key), &said_cancelled);
	pthread_mutex_lock(&never_m);
	pthread_cleanup_push(unlock_never, nullptr);
	for (;;)
		pthread_cond_wait(&never, &never_m);
	pthread_cleanup_pop(1);
	return nullptr;
}

/* The destructors of a cancelled thread. */
static int key_at_cancel()
{
	pthread_key_t key;
	pthread_t t;
	pthread_key_create(&key, key_gone);
	pthread_create(&t, nullptr, wait_with_key, &key);
	usleep(1000);
	pthread_cancel(t);
	int v = wait_for(&said_cancelled);
	pthread_join(t, nullptr);
	pthread_key_delete(key);
	return v;
}

static int said_exited[2];

static void exit_holding_lock()
{
	std::unique_lock<std::mutex> g(m);
	pthread_exit(nullptr);
}

static void *exit_from_nested_call(void *flag)
{
	Teller teller{static_cast<int *>(flag)};
	exit_holding_lock();
	return nullptr;
}

/* The cleanup of threads that call pthread_exit. */
static int unwound_at_exit()
{
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], nullptr, exit_from_nested_call, &said_exited[i]);
	int v = wait_for(&said_exited[0]) + wait_for(&said_exited[1]);
	for (pthread_t th : t)
		pthread_join(th, nullptr);
	return v;
}

int main()
{
	int n = notify_at_exit(), p = promise_at_exit();
	int l = thread_local_at_exit(), k = key_at_exit(), c = key_at_cancel();
	int e = unwound_at_exit();
	std::printf("notify %d promise %d thread_local %d key %d cancelled %d exited %d\n", n, p, l,
		    k, c, e);
	return n == 1 && p == 7 && l == 1 && k == 1 && c == 1 && e == 2 ? 0 : 1;
}
