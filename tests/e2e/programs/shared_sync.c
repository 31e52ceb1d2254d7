/*
 * shared_sync.c: a parent and its forked child update counters in shared
 * memory, each under a process-shared lock of its own kind (a mutex, a
 * reader-writer lock, a spinlock), with pauses inside the critical
 * sections so that the two processes overlap; then a timed wait on a
 * process-shared condition nobody signals, until its deadline.  Prints the counters (each
 * must be twice the rounds) and how the wait ended.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 300

struct shared {
	pthread_mutex_t mutex;
	pthread_rwlock_t rwlock;
	pthread_spinlock_t spin;
	pthread_cond_t cond;
	long by_mutex, by_rwlock, by_spin;
};

static void init(struct shared *s)
{
	pthread_mutexattr_t ma;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	pthread_mutex_init(&s->mutex, &ma);
	pthread_rwlockattr_t ra;
	pthread_rwlockattr_init(&ra);
	pthread_rwlockattr_setpshared(&ra, PTHREAD_PROCESS_SHARED);
	pthread_rwlock_init(&s->rwlock, &ra);
	pthread_spin_init(&s->spin, PTHREAD_PROCESS_SHARED);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->cond, &ca);
}

/* A read-modify-write that another process would break without the lock. */
static void bump(long *counter, int round)
{
	long v = *counter;
	if (round % 50 == 0)
		usleep(200);
	*counter = v + 1;
}

static void work(struct shared *s)
{
	for (int i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&s->mutex);
		bump(&s->by_mutex, i);
		pthread_mutex_unlock(&s->mutex);
		pthread_rwlock_wrlock(&s->rwlock);
		bump(&s->by_rwlock, i);
		pthread_rwlock_unlock(&s->rwlock);
		pthread_spin_lock(&s->spin);
		bump(&s->by_spin, i);
		pthread_spin_unlock(&s->spin);
	}
}

int main(void)
{
	struct shared *s = mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s == MAP_FAILED)
		return 2;
	memset(s, 0, sizeof(*s));
	init(s);
	pid_t child = fork();
	if (child < 0)
		return 2;
	work(s);
	if (child == 0)
		_exit(0);
	int status;
	waitpid(child, &status, 0);
	pthread_rwlock_rdlock(&s->rwlock);
	long rw = s->by_rwlock;
	pthread_rwlock_unlock(&s->rwlock);

	struct timespec deadline;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_nsec += 5 * 1000 * 1000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&s->mutex);
	int r;
	/* Nothing to wait for but the deadline: a wakeup (which POSIX allows
	 * to be spurious) only makes it wait again. */
	while ((r = pthread_cond_timedwait(&s->cond, &s->mutex, &deadline)) == 0)
		continue;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->mutex);
	printf("mutex %ld, rwlock %ld, spin %ld (each should be %d); timed wait: %s\n",
	       s->by_mutex, rw, s->by_spin, 2 * ROUNDS, r == ETIMEDOUT ? "timed out" : strerror(r));
	return s->by_mutex != 2 * ROUNDS || rw != 2 * ROUNDS || s->by_spin != 2 * ROUNDS;
}
