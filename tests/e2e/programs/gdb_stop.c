/*
 * gdb_stop.c: two threads, each with a function of its own name, that
 * take one lock in turn (e2e.gdb_stop: deja replay --gdb stops before an
 * event of each, and gdb's backtrace must name that thread's function).
 * Each thread also writes a line of its own: output events in a known
 * function too.  main's total goes out through stdio, whose write from
 * inside libc reaches deja's runtime through its syscall trap (a signal
 * frame for gdb to unwind through); fflush makes that write main's own,
 * not exit's.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long total;

static void add(long n)
{
	pthread_mutex_lock(&lock);
	total += n;
	pthread_mutex_unlock(&lock);
}

static void *first_worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < 3; i++)
		add(1);
	static const char line[] = "first_worker done\n";
	write(1, line, strlen(line));
	return NULL;
}

static void *second_worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < 3; i++)
		add(10);
	static const char line[] = "second_worker done\n";
	write(1, line, strlen(line));
	return NULL;
}

int main(void)
{
	pthread_t a, b;
	pthread_create(&a, NULL, first_worker, NULL);
	pthread_create(&b, NULL, second_worker, NULL);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	printf("total %ld\n", total);
	fflush(stdout);
	return total == 33 ? 0 : 1;
}
