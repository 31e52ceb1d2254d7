/*
 * spin_waits.c: threads that wait by spinning on memory, with no call
 * deja sees, for spin_waits.sh.
 *
 *   spin_waits turns    two threads take turns through a shared word,
 *                       spinning while it is not theirs, and count under a
 *                       hand-made spinlock; then main spins until an alarm
 *                       it set rings.  Prints each turn and the count.
 *   spin_waits input    a thread reads a line from stdin while main spins
 *                       until it has; prints the line.
 *   spin_waits sleeper [S]  a thread spins until main, which sleeps S
 *                       seconds (30) first, sets its flag; prints that it
 *                       saw it.
 *   spin_waits compute  main computes for a while (its registers change at
 *                       every pass) while a new thread waits to start;
 *                       prints the result.
 *   spin_waits probe    exit 0 if this process may set a hardware
 *                       breakpoint on itself (perf_event_open), 1 if not.
 */
#include <assert.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static atomic_int turn;
static atomic_int lock_word;
static long counter;
static volatile sig_atomic_t rang;

static void spin_lock(void)
{
	while (atomic_exchange(&lock_word, 1))
		;
}

static void spin_unlock(void)
{
	atomic_store(&lock_word, 0);
}

static void *player(void *arg)
{
	int me = (int)(intptr_t)arg;
	for (int i = 0; i < 3; i++) {
		while (atomic_load(&turn) != me)
			;
		spin_lock();
		counter += me + 1;
		spin_unlock();
		printf("player %d, turn %d\n", me, i);
		fflush(stdout);
		atomic_store(&turn, 1 - me);
	}
	return NULL;
}

static void on_alarm(int sig)
{
	(void)sig;
	rang = 1;
}

static int turns(void)
{
	pthread_t a, b;
	assert(pthread_create(&a, NULL, player, (void *)(intptr_t)0) == 0);
	assert(pthread_create(&b, NULL, player, (void *)(intptr_t)1) == 0);
	assert(pthread_join(a, NULL) == 0);
	assert(pthread_join(b, NULL) == 0);
	signal(SIGALRM, on_alarm);
	alarm(1);
	while (!rang)
		;
	printf("count %ld, the alarm rang\n", counter);
	return 0;
}

static char line[64];

static void *read_line(void *arg)
{
	ssize_t n = read(0, line, sizeof(line) - 1);
	line[n > 0 ? n : 0] = '\0';
	atomic_store(&turn, 1);
	return arg;
}

static int input(void)
{
	pthread_t t;
	assert(pthread_create(&t, NULL, read_line, NULL) == 0);
	while (!atomic_load(&turn))
		;
	assert(pthread_join(t, NULL) == 0);
	printf("read %s", line);
	return 0;
}

static void *spin_for_flag(void *arg)
{
	while (!atomic_load(&turn))
		;
	return arg;
}

/* The spinning thread is the only one that can run: main's sleep ends
 * only as the clock moves on (Rust's AtomicBool with spin_loop beside a
 * thread::sleep spun for ever). */
static int sleeper(unsigned seconds)
{
	pthread_t t;
	assert(pthread_create(&t, NULL, spin_for_flag, NULL) == 0);
	sleep(seconds);
	atomic_store(&turn, 1);
	assert(pthread_join(t, NULL) == 0);
	printf("the spinner saw the flag\n");
	return 0;
}

static void *idle(void *arg)
{
	return arg;
}

static int compute(void)
{
	pthread_t t;
	assert(pthread_create(&t, NULL, idle, NULL) == 0);
	uint64_t x = 88172645463325252ull;
	for (long i = 0; i < 400000000L; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
	}
	assert(pthread_join(t, NULL) == 0);
	printf("computed %016llx\n", (unsigned long long)x);
	return 0;
}

static int probe(void)
{
	struct perf_event_attr a;
	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_BREAKPOINT;
	a.size = sizeof(a);
	a.bp_type = HW_BREAKPOINT_X;
	a.bp_addr = (uintptr_t)probe;
	a.bp_len = sizeof(long);
	a.sample_period = 1;
	a.exclude_kernel = 1;
	a.exclude_hv = 1;
	a.disabled = 1;
	long fd = syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
	if (fd < 0)
		return 1;
	close((int)fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "turns") == 0)
		return turns();
	if (argc == 2 && strcmp(argv[1], "input") == 0)
		return input();
	if (argc >= 2 && argc <= 3 && strcmp(argv[1], "sleeper") == 0)
		return sleeper(argc == 3 ? (unsigned)atoi(argv[2]) : 30);
	if (argc == 2 && strcmp(argv[1], "compute") == 0)
		return compute();
	if (argc == 2 && strcmp(argv[1], "probe") == 0)
		return probe();
	fprintf(stderr, "usage: spin_waits turns|input|sleeper [S]|compute|probe\n");
	return 2;
}
