/*
 * shared_sync.c: a parent and its forked child update counters in shared
 * memory, each under a process-shared lock of its own kind (a mutex, a
 * reader-writer lock, a spinlock), with pauses inside the critical
 * sections so that the two processes overlap; then a timed wait on a
 * process-shared condition nobody signals, until its deadline.  Prints the counters (each
 * must be twice the rounds) and how the wait ended.  Between the two, the
 * parent's two threads and the child meet at a process-shared barrier of
 * three, round after round: each writes the round into its slot before
 * the barrier and, after it, counts the rounds in which it found the
 * others' slots written; a second wait keeps the next round's writes
 * after everyone's reads.  Prints those counts (each must be the rounds)
 * and how many waits returned PTHREAD_BARRIER_SERIAL_THREAD (one per
 * wait of a round); the parent then destroys the barrier.
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
#define MEETINGS 20
#define PARTIES 3

struct shared {
	pthread_mutex_t mutex;
	pthread_rwlock_t rwlock;
	pthread_spinlock_t spin;
	pthread_cond_t cond;
	pthread_barrier_t barrier;
	long by_mutex, by_rwlock, by_spin;
	int slot[PARTIES];
	int seen[PARTIES];
	int serial;
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
	pthread_barrierattr_t ba;
	pthread_barrierattr_init(&ba);
	pthread_barrierattr_setpshared(&ba, PTHREAD_PROCESS_SHARED);
	pthread_barrier_init(&s->barrier, &ba, PARTIES);
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

static void barrier_wait(struct shared *s)
{
	if (pthread_barrier_wait(&s->barrier) == PTHREAD_BARRIER_SERIAL_THREAD)
		__atomic_add_fetch(&s->serial, 1, __ATOMIC_RELAXED);
}

/* Party `me` of the barrier: did the others write this round before it? */
static void meet(struct shared *s, int me)
{
	for (int round = 1; round <= MEETINGS; round++) {
		if (round % 4 == me)
			usleep(300); /* someone arrives late, in turn */
		s->slot[me] = round;
		barrier_wait(s);
		int all = 1;
		for (int p = 0; p < PARTIES; p++)
			all &= s->slot[p] == round;
		s->seen[me] += all;
		barrier_wait(s);
	}
}

struct party {
	struct shared *s;
	int me;
};

static void *meet_thread(void *arg)
{
	const struct party *p = arg;
	meet(p->s, p->me);
	return NULL;
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
	if (child == 0) {
		meet(s, 2);
		_exit(0);
	}
	struct party second = { s, 1 };
	pthread_t t;
	pthread_create(&t, NULL, meet_thread, &second);
	meet(s, 0);
	pthread_join(t, NULL);
	int status;
	waitpid(child, &status, 0);
	int destroyed = pthread_barrier_destroy(&s->barrier);
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
	printf("barrier: rounds seen whole %d %d %d (each should be %d), serial %d (should be %d),"
	       " destroyed: %s\n", s->seen[0], s->seen[1], s->seen[2], MEETINGS, s->serial,
	       2 * MEETINGS, strerror(destroyed));
	int met = s->seen[0] == MEETINGS && s->seen[1] == MEETINGS && s->seen[2] == MEETINGS &&
		  s->serial == 2 * MEETINGS && destroyed == 0;
	return s->by_mutex != 2 * ROUNDS || rw != 2 * ROUNDS || s->by_spin != 2 * ROUNDS || !met;
}
