/*
 * nondeterminism.c: prints everything that differs from one native run to
 * the next and that deja makes repeat: wall and monotonic clocks (libc,
 * gettimeofday, time, a raw syscall), getrandom, /dev/urandom, rdtsc and
 * rdtscp, rand() seeded from the time and the pid, the process, parent and
 * thread ids, the order in which two threads take a lock, a line of stdin,
 * and how long a 3 s sleep took.  It also signals itself by its pid just
 * before starting a thread, which only works in a replay if the pid it is
 * shown maps back to the real one.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char order[64];
static int turns;
static volatile sig_atomic_t signalled;
static pid_t worker_tid[2];

static void on_usr1(int sig)
{
	(void)sig;
	signalled++;
}

static void *worker(void *arg)
{
	worker_tid[*(const char *)arg - 'a'] = gettid();
	for (int i = 0; i < 8; i++) {
		pthread_mutex_lock(&lock);
		order[turns++] = *(const char *)arg;
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

static double seconds(const struct timespec *t)
{
	return (double)t->tv_sec + (double)t->tv_nsec / 1e9;
}

int main(void)
{
	struct timespec wall, mono, raw, after;
	struct timeval tv;
	clock_gettime(CLOCK_REALTIME, &wall);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &raw);
	gettimeofday(&tv, NULL);
	printf("wall %ld.%09ld mono %ld.%09ld raw %ld.%09ld tv %ld.%06ld time %ld\n",
	       (long)wall.tv_sec, wall.tv_nsec, (long)mono.tv_sec, mono.tv_nsec,
	       (long)raw.tv_sec, raw.tv_nsec, (long)tv.tv_sec, (long)tv.tv_usec, (long)time(NULL));

	unsigned char g[8];
	if (getrandom(g, sizeof(g), 0) != (ssize_t)sizeof(g))
		return 2;
	unsigned u = 0;
	FILE *f = fopen("/dev/urandom", "r");
	if (!f || fread(&u, sizeof(u), 1, f) != 1)
		return 2;
	fclose(f);
	unsigned aux;
	unsigned long long t1 = __rdtsc(), t2 = __rdtscp(&aux);
	srand((unsigned)(wall.tv_nsec ^ wall.tv_sec ^ getpid()));
	printf("getrandom %02x%02x%02x%02x%02x%02x%02x%02x urandom %08x rdtsc %llu rdtscp %llu rand %d\n",
	       g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7], u, t1, t2, rand());

	signal(SIGUSR1, on_usr1);
	kill(getpid(), SIGUSR1);
	pthread_t a, b;
	pthread_create(&a, NULL, worker, "a");
	pthread_create(&b, NULL, worker, "b");
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	printf("order %s signalled %d\n", order, (int)signalled);
	printf("pid %d ppid %d tid %d workers %d %d\n", getpid(), getppid(), gettid(),
	       worker_tid[0], worker_tid[1]);

	char line[128] = "(no input)\n";
	if (!fgets(line, sizeof(line), stdin))
		snprintf(line, sizeof(line), "(end of input)\n");
	printf("stdin %s", line);

	sleep(3);
	clock_gettime(CLOCK_MONOTONIC, &after);
	printf("slept %.6f s\n", seconds(&after) - seconds(&mono));
	return 0;
}
