/*
 * api_tour.c -- every API deja interposes, with its results checked.
 *
 * Each section starts threads that use one family of calls (mutexes,
 * rwlocks, condition variables, semaphores, barriers, spinlocks, once,
 * joins, sleeps) and assert()s what POSIX/glibc promise.  Every check holds
 * under every schedule: a thread that must see "busy" or "timed out" only
 * looks while another thread provably holds the object (the holder waits
 * for the checker to finish), and every wait for a condition is a predicate
 * loop.  So under deja every recording must exit 0, whatever the strategy.
 * The last line on stdout is "api_tour ok".
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#undef NDEBUG
#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* CHECK_RC(call, want): the call returns want; otherwise say what it
 * returned, then fail the assert. */
#define CHECK_RC(call, want) do { \
	int rc_ = (call); \
	if (rc_ != (want)) \
		fprintf(stderr, "api_tour: %s:%d: %s returned %d (%s), expected %s\n", \
			__FILE__, __LINE__, #call, rc_, rc_ > 0 ? strerror(rc_) : "-", #want); \
	assert(rc_ == (want)); \
} while (0)

/* For the sem_* and sleep calls that return -1 and set errno. */
#define CHECK_ERRNO(call, want_errno) do { \
	errno = 0; \
	int rc_ = (call); \
	int e_ = errno; \
	if (rc_ != -1 || e_ != (want_errno)) \
		fprintf(stderr, "api_tour: %s:%d: %s returned %d, errno %d (%s), expected -1/%s\n", \
			__FILE__, __LINE__, #call, rc_, e_, strerror(e_), #want_errno); \
	assert(rc_ == -1 && e_ == (want_errno)); \
} while (0)

static pthread_t spawn(void *(*fn)(void *), void *arg)
{
	pthread_t t;
	CHECK_RC(pthread_create(&t, NULL, fn, arg), 0);
	return t;
}

static void join(pthread_t t)
{
	CHECK_RC(pthread_join(t, NULL), 0);
}

/* An absolute deadline ms milliseconds from now on clock c. */
static struct timespec deadline(clockid_t c, long ms)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

/* A one-shot event built on a mutex and a condition variable, for "the
 * holder waits until the checker is done" handshakes. */
struct gate {
	pthread_mutex_t m;
	pthread_cond_t c;
	int open;
};
#define GATE_INIT { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0 }

static void gate_open(struct gate *g)
{
	CHECK_RC(pthread_mutex_lock(&g->m), 0);
	g->open = 1;
	CHECK_RC(pthread_cond_broadcast(&g->c), 0);
	CHECK_RC(pthread_mutex_unlock(&g->m), 0);
}

static void gate_pass(struct gate *g)
{
	CHECK_RC(pthread_mutex_lock(&g->m), 0);
	while (!g->open)
		CHECK_RC(pthread_cond_wait(&g->c, &g->m), 0);
	CHECK_RC(pthread_mutex_unlock(&g->m), 0);
}

/* ---- mutexes ---------------------------------------------------------- */

enum { COUNT_THREADS = 4, COUNT_ITERS = 50 };
static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *count_worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < COUNT_ITERS; i++) {
		CHECK_RC(pthread_mutex_lock(&count_lock), 0);
		long v = counter;
		if (i % 7 == 0)
			sched_yield(); /* a scheduling point inside the section */
		counter = v + 1;
		CHECK_RC(pthread_mutex_unlock(&count_lock), 0);
	}
	return NULL;
}

/* The mutex the checker threads find held by main. */
static pthread_mutex_t *held;

static void *expect_busy(void *arg)
{
	(void)arg;
	CHECK_RC(pthread_mutex_trylock(held), EBUSY);
	struct timespec ts = deadline(CLOCK_REALTIME, 20);
	CHECK_RC(pthread_mutex_timedlock(held, &ts), ETIMEDOUT);
	ts = deadline(CLOCK_MONOTONIC, 20);
	CHECK_RC(pthread_mutex_clocklock(held, CLOCK_MONOTONIC, &ts), ETIMEDOUT);
	ts = deadline(CLOCK_REALTIME, 20);
	CHECK_RC(pthread_mutex_clocklock(held, CLOCK_REALTIME, &ts), ETIMEDOUT);
	return NULL;
}

static void *expect_eperm(void *arg)
{
	(void)arg;
	CHECK_RC(pthread_mutex_unlock(held), EPERM);
	return NULL;
}

static void *expect_free(void *arg)
{
	(void)arg;
	CHECK_RC(pthread_mutex_trylock(held), 0);
	CHECK_RC(pthread_mutex_unlock(held), 0);
	struct timespec ts = deadline(CLOCK_REALTIME, 1000);
	CHECK_RC(pthread_mutex_timedlock(held, &ts), 0);
	CHECK_RC(pthread_mutex_unlock(held), 0);
	ts = deadline(CLOCK_MONOTONIC, 1000);
	CHECK_RC(pthread_mutex_clocklock(held, CLOCK_MONOTONIC, &ts), 0);
	CHECK_RC(pthread_mutex_unlock(held), 0);
	return NULL;
}

/* Main holds m; a checker thread must find it busy (and, if eperm, must
 * not be allowed to unlock it). */
static void check_held_by_main(pthread_mutex_t *m, int eperm)
{
	held = m;
	join(spawn(expect_busy, NULL));
	if (eperm)
		join(spawn(expect_eperm, NULL));
}

static void check_free(pthread_mutex_t *m)
{
	held = m;
	join(spawn(expect_free, NULL));
}

/* A waiter blocked in timedlock gets the mutex when its holder lets go. */
static pthread_mutex_t handoff_lock = PTHREAD_MUTEX_INITIALIZER;
static struct gate handoff_started = GATE_INIT;

static void *timedlock_waiter(void *arg)
{
	(void)arg;
	gate_open(&handoff_started);
	struct timespec ts = deadline(CLOCK_REALTIME, 3600 * 1000L);
	CHECK_RC(pthread_mutex_timedlock(&handoff_lock, &ts), 0);
	CHECK_RC(pthread_mutex_unlock(&handoff_lock), 0);
	return NULL;
}

static void test_mutexes(void)
{
	/* normal: mutual exclusion */
	pthread_t t[COUNT_THREADS];
	for (int i = 0; i < COUNT_THREADS; i++)
		t[i] = spawn(count_worker, NULL);
	for (int i = 0; i < COUNT_THREADS; i++)
		join(t[i]);
	assert(counter == COUNT_THREADS * COUNT_ITERS);

	/* normal, dynamically initialised: busy / timed out while held */
	pthread_mutex_t normal;
	CHECK_RC(pthread_mutex_init(&normal, NULL), 0);
	check_free(&normal);
	CHECK_RC(pthread_mutex_lock(&normal), 0);
	CHECK_RC(pthread_mutex_trylock(&normal), EBUSY);
	check_held_by_main(&normal, 0);
	CHECK_RC(pthread_mutex_unlock(&normal), 0);
	check_free(&normal);
	CHECK_RC(pthread_mutex_destroy(&normal), 0);

	/* recursive, both ways of making one: relock count */
	static pthread_mutex_t rec_static = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
	pthread_mutex_t rec_dynamic;
	pthread_mutexattr_t a;
	CHECK_RC(pthread_mutexattr_init(&a), 0);
	CHECK_RC(pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE), 0);
	CHECK_RC(pthread_mutex_init(&rec_dynamic, &a), 0);
	CHECK_RC(pthread_mutexattr_destroy(&a), 0);
	pthread_mutex_t *recs[] = { &rec_static, &rec_dynamic };
	for (int r = 0; r < 2; r++) {
		pthread_mutex_t *m = recs[r];
		CHECK_RC(pthread_mutex_lock(m), 0);
		CHECK_RC(pthread_mutex_lock(m), 0);
		CHECK_RC(pthread_mutex_trylock(m), 0); /* owner: count 3 */
		struct timespec ts = deadline(CLOCK_REALTIME, 20);
		CHECK_RC(pthread_mutex_timedlock(m, &ts), 0); /* count 4 */
		check_held_by_main(m, 1);
		for (int i = 0; i < 3; i++) {
			CHECK_RC(pthread_mutex_unlock(m), 0);
			check_held_by_main(m, 1); /* still held: count 3, 2, 1 */
		}
		CHECK_RC(pthread_mutex_unlock(m), 0);
		check_free(m);
		CHECK_RC(pthread_mutex_unlock(m), EPERM); /* not locked any more */
	}
	CHECK_RC(pthread_mutex_destroy(&rec_dynamic), 0);

	/* error checking, both ways */
	static pthread_mutex_t err_static = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;
	pthread_mutex_t err_dynamic;
	CHECK_RC(pthread_mutexattr_init(&a), 0);
	CHECK_RC(pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK), 0);
	CHECK_RC(pthread_mutex_init(&err_dynamic, &a), 0);
	CHECK_RC(pthread_mutexattr_destroy(&a), 0);
	pthread_mutex_t *errs[] = { &err_static, &err_dynamic };
	for (int r = 0; r < 2; r++) {
		pthread_mutex_t *m = errs[r];
		CHECK_RC(pthread_mutex_unlock(m), EPERM); /* not locked */
		CHECK_RC(pthread_mutex_lock(m), 0);
		CHECK_RC(pthread_mutex_lock(m), EDEADLK);
		CHECK_RC(pthread_mutex_trylock(m), EBUSY);
		check_held_by_main(m, 1);
		CHECK_RC(pthread_mutex_unlock(m), 0);
		check_free(m);
	}
	CHECK_RC(pthread_mutex_destroy(&err_dynamic), 0);

	/* a thread blocked in timedlock (long deadline) gets the mutex */
	CHECK_RC(pthread_mutex_lock(&handoff_lock), 0);
	pthread_t w = spawn(timedlock_waiter, NULL);
	gate_pass(&handoff_started);
	sched_yield();
	CHECK_RC(pthread_mutex_unlock(&handoff_lock), 0);
	join(w);
	printf("mutexes ok\n");
}

/* ---- rwlocks ---------------------------------------------------------- */

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static pthread_barrier_t readers_inside;
static atomic_int readers;

/* Two readers hold the lock at the same time: each waits at a barrier of
 * two while holding it. */
static void *together_reader(void *arg)
{
	(void)arg;
	CHECK_RC(pthread_rwlock_rdlock(&rw), 0);
	atomic_fetch_add(&readers, 1);
	int rc = pthread_barrier_wait(&readers_inside);
	assert(rc == 0 || rc == PTHREAD_BARRIER_SERIAL_THREAD);
	assert(atomic_load(&readers) == 2);
	/* A writer is excluded while we read. */
	CHECK_RC(pthread_rwlock_trywrlock(&rw), EBUSY);
	rc = pthread_barrier_wait(&readers_inside);
	assert(rc == 0 || rc == PTHREAD_BARRIER_SERIAL_THREAD);
	atomic_fetch_sub(&readers, 1);
	CHECK_RC(pthread_rwlock_unlock(&rw), 0);
	return NULL;
}

static void *expect_write_held(void *arg)
{
	(void)arg;
	CHECK_RC(pthread_rwlock_tryrdlock(&rw), EBUSY);
	CHECK_RC(pthread_rwlock_trywrlock(&rw), EBUSY);
	struct timespec ts = deadline(CLOCK_REALTIME, 20);
	CHECK_RC(pthread_rwlock_timedrdlock(&rw, &ts), ETIMEDOUT);
	ts = deadline(CLOCK_REALTIME, 20);
	CHECK_RC(pthread_rwlock_timedwrlock(&rw, &ts), ETIMEDOUT);
	ts = deadline(CLOCK_MONOTONIC, 20);
	CHECK_RC(pthread_rwlock_clockrdlock(&rw, CLOCK_MONOTONIC, &ts), ETIMEDOUT);
	ts = deadline(CLOCK_MONOTONIC, 20);
	CHECK_RC(pthread_rwlock_clockwrlock(&rw, CLOCK_MONOTONIC, &ts), ETIMEDOUT);
	return NULL;
}

static void *expect_read_held(void *arg)
{
	(void)arg;
	CHECK_RC(pthread_rwlock_trywrlock(&rw), EBUSY);
	struct timespec ts = deadline(CLOCK_REALTIME, 20);
	CHECK_RC(pthread_rwlock_timedwrlock(&rw, &ts), ETIMEDOUT);
	ts = deadline(CLOCK_MONOTONIC, 20);
	CHECK_RC(pthread_rwlock_clockwrlock(&rw, CLOCK_MONOTONIC, &ts), ETIMEDOUT);
	/* Readers share: with no writer waiting, a read lock is granted. */
	CHECK_RC(pthread_rwlock_tryrdlock(&rw), 0);
	CHECK_RC(pthread_rwlock_unlock(&rw), 0);
	ts = deadline(CLOCK_REALTIME, 1000);
	CHECK_RC(pthread_rwlock_timedrdlock(&rw, &ts), 0);
	CHECK_RC(pthread_rwlock_unlock(&rw), 0);
	return NULL;
}

/* Writers keep a == b; readers must never see them differ. */
static pthread_rwlock_t pair_lock;
static long pair_a, pair_b;
enum { RW_WRITERS = 2, RW_READERS = 2, RW_ITERS = 20 };

static void *pair_writer(void *arg)
{
	(void)arg;
	for (int i = 0; i < RW_ITERS; i++) {
		if (i % 2) {
			CHECK_RC(pthread_rwlock_wrlock(&pair_lock), 0);
		} else {
			struct timespec ts = deadline(CLOCK_REALTIME, 3600 * 1000L);
			CHECK_RC(pthread_rwlock_timedwrlock(&pair_lock, &ts), 0);
		}
		pair_a++;
		sched_yield();
		pair_b++;
		CHECK_RC(pthread_rwlock_unlock(&pair_lock), 0);
	}
	return NULL;
}

static void *pair_reader(void *arg)
{
	(void)arg;
	for (int i = 0; i < RW_ITERS; i++) {
		CHECK_RC(pthread_rwlock_rdlock(&pair_lock), 0);
		long a = pair_a;
		sched_yield();
		assert(a == pair_b);
		CHECK_RC(pthread_rwlock_unlock(&pair_lock), 0);
	}
	return NULL;
}

static void test_rwlocks(void)
{
	CHECK_RC(pthread_barrier_init(&readers_inside, NULL, 2), 0);
	pthread_t r1 = spawn(together_reader, NULL);
	pthread_t r2 = spawn(together_reader, NULL);
	join(r1);
	join(r2);
	CHECK_RC(pthread_barrier_destroy(&readers_inside), 0);

	CHECK_RC(pthread_rwlock_wrlock(&rw), 0);
	/* The writer itself: the try variants say busy (glibc, POSIX). */
	CHECK_RC(pthread_rwlock_tryrdlock(&rw), EBUSY);
	CHECK_RC(pthread_rwlock_trywrlock(&rw), EBUSY);
	join(spawn(expect_write_held, NULL));
	CHECK_RC(pthread_rwlock_unlock(&rw), 0);

	CHECK_RC(pthread_rwlock_rdlock(&rw), 0);
	CHECK_RC(pthread_rwlock_trywrlock(&rw), EBUSY);
	CHECK_RC(pthread_rwlock_tryrdlock(&rw), 0); /* a second read lock */
	CHECK_RC(pthread_rwlock_unlock(&rw), 0);
	join(spawn(expect_read_held, NULL));
	CHECK_RC(pthread_rwlock_unlock(&rw), 0);

	CHECK_RC(pthread_rwlock_init(&pair_lock, NULL), 0);
	pthread_t t[RW_WRITERS + RW_READERS];
	for (int i = 0; i < RW_WRITERS + RW_READERS; i++)
		t[i] = spawn(i < RW_WRITERS ? pair_writer : pair_reader, NULL);
	for (int i = 0; i < RW_WRITERS + RW_READERS; i++)
		join(t[i]);
	assert(pair_a == RW_WRITERS * RW_ITERS && pair_b == pair_a);
	CHECK_RC(pthread_rwlock_destroy(&pair_lock), 0);
	printf("rwlocks ok\n");
}

/* ---- condition variables ---------------------------------------------- */

enum { QUEUE_ITEMS = 30, CONSUMERS = 3 };
static pthread_mutex_t q_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t q_nonempty = PTHREAD_COND_INITIALIZER;
static pthread_cond_t q_nonfull = PTHREAD_COND_INITIALIZER;
static int q_items[4], q_len, q_done;
static long q_sum;

static void *producer(void *arg)
{
	(void)arg;
	for (int i = 1; i <= QUEUE_ITEMS; i++) {
		CHECK_RC(pthread_mutex_lock(&q_lock), 0);
		while (q_len == 4)
			CHECK_RC(pthread_cond_wait(&q_nonfull, &q_lock), 0);
		q_items[q_len++] = i;
		CHECK_RC(pthread_cond_signal(&q_nonempty), 0);
		CHECK_RC(pthread_mutex_unlock(&q_lock), 0);
	}
	CHECK_RC(pthread_mutex_lock(&q_lock), 0);
	q_done = 1;
	CHECK_RC(pthread_cond_broadcast(&q_nonempty), 0);
	CHECK_RC(pthread_mutex_unlock(&q_lock), 0);
	return NULL;
}

static void *consumer(void *arg)
{
	(void)arg;
	for (;;) {
		CHECK_RC(pthread_mutex_lock(&q_lock), 0);
		while (q_len == 0 && !q_done)
			CHECK_RC(pthread_cond_wait(&q_nonempty, &q_lock), 0);
		if (q_len == 0) {
			CHECK_RC(pthread_mutex_unlock(&q_lock), 0);
			return NULL;
		}
		q_sum += q_items[--q_len];
		CHECK_RC(pthread_cond_signal(&q_nonfull), 0);
		CHECK_RC(pthread_mutex_unlock(&q_lock), 0);
	}
}

/* Broadcast wakes every waiter; waiters use all three wait calls. */
enum { WAITERS = 3 };
static pthread_mutex_t go_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t go_cond = PTHREAD_COND_INITIALIZER;
static pthread_cond_t ready_cond = PTHREAD_COND_INITIALIZER;
static int go, ready_count, woken;

static void *go_waiter(void *arg)
{
	int kind = (int)(intptr_t)arg;
	CHECK_RC(pthread_mutex_lock(&go_lock), 0);
	ready_count++;
	CHECK_RC(pthread_cond_signal(&ready_cond), 0);
	while (!go) {
		if (kind == 0) {
			CHECK_RC(pthread_cond_wait(&go_cond, &go_lock), 0);
		} else if (kind == 1) {
			struct timespec ts = deadline(CLOCK_REALTIME, 3600 * 1000L);
			CHECK_RC(pthread_cond_timedwait(&go_cond, &go_lock, &ts), 0);
		} else {
			struct timespec ts = deadline(CLOCK_MONOTONIC, 3600 * 1000L);
			CHECK_RC(pthread_cond_clockwait(&go_cond, &go_lock, CLOCK_MONOTONIC, &ts), 0);
		}
	}
	woken++;
	CHECK_RC(pthread_mutex_unlock(&go_lock), 0);
	return NULL;
}

static void *cond_timeouts(void *arg)
{
	(void)arg;
	/* Nobody ever signals these: every wait must time out, and return
	 * with the mutex held again. */
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	pthread_cond_t c;
	CHECK_RC(pthread_cond_init(&c, NULL), 0);
	int never = 0, rc = 0;
	CHECK_RC(pthread_mutex_lock(&m), 0);
	struct timespec ts = deadline(CLOCK_REALTIME, 30);
	while (!never && rc == 0)
		rc = pthread_cond_timedwait(&c, &m, &ts);
	CHECK_RC(rc, ETIMEDOUT);
	CHECK_RC(pthread_mutex_trylock(&m), EBUSY); /* held again */
	rc = 0;
	ts = deadline(CLOCK_MONOTONIC, 30);
	while (!never && rc == 0)
		rc = pthread_cond_clockwait(&c, &m, CLOCK_MONOTONIC, &ts);
	CHECK_RC(rc, ETIMEDOUT);
	rc = 0;
	ts = deadline(CLOCK_REALTIME, 30);
	while (!never && rc == 0)
		rc = pthread_cond_clockwait(&c, &m, CLOCK_REALTIME, &ts);
	CHECK_RC(rc, ETIMEDOUT);
	CHECK_RC(pthread_mutex_unlock(&m), 0);
	CHECK_RC(pthread_cond_destroy(&c), 0);

	/* A condition variable on CLOCK_MONOTONIC. */
	pthread_condattr_t ca;
	CHECK_RC(pthread_condattr_init(&ca), 0);
	CHECK_RC(pthread_condattr_setclock(&ca, CLOCK_MONOTONIC), 0);
	CHECK_RC(pthread_cond_init(&c, &ca), 0);
	CHECK_RC(pthread_condattr_destroy(&ca), 0);
	CHECK_RC(pthread_mutex_lock(&m), 0);
	rc = 0;
	ts = deadline(CLOCK_MONOTONIC, 30);
	while (!never && rc == 0)
		rc = pthread_cond_timedwait(&c, &m, &ts);
	CHECK_RC(rc, ETIMEDOUT);
	CHECK_RC(pthread_mutex_unlock(&m), 0);
	CHECK_RC(pthread_cond_destroy(&c), 0);
	return NULL;
}

static void test_conds(void)
{
	pthread_t p = spawn(producer, NULL);
	pthread_t c[CONSUMERS];
	for (int i = 0; i < CONSUMERS; i++)
		c[i] = spawn(consumer, NULL);
	join(p);
	for (int i = 0; i < CONSUMERS; i++)
		join(c[i]);
	assert(q_len == 0 && q_sum == QUEUE_ITEMS * (QUEUE_ITEMS + 1) / 2);

	pthread_t w[WAITERS];
	for (int i = 0; i < WAITERS; i++)
		w[i] = spawn(go_waiter, (void *)(intptr_t)(i % 3));
	CHECK_RC(pthread_mutex_lock(&go_lock), 0);
	while (ready_count < WAITERS)
		CHECK_RC(pthread_cond_wait(&ready_cond, &go_lock), 0);
	go = 1;
	CHECK_RC(pthread_cond_broadcast(&go_cond), 0);
	CHECK_RC(pthread_mutex_unlock(&go_lock), 0);
	for (int i = 0; i < WAITERS; i++)
		join(w[i]);
	assert(woken == WAITERS);

	join(spawn(cond_timeouts, NULL));
	printf("condition variables ok\n");
}

/* ---- semaphores ------------------------------------------------------- */

static sem_t items, spaces;
enum { SEM_ITEMS = 20 };
static int ring[2];
static long sem_sum;

static void *sem_producer(void *arg)
{
	(void)arg;
	for (int i = 1; i <= SEM_ITEMS; i++) {
		CHECK_RC(sem_wait(&spaces), 0);
		ring[i % 2] = i;
		CHECK_RC(sem_post(&items), 0);
	}
	return NULL;
}

static void *sem_consumer(void *arg)
{
	(void)arg;
	for (int i = 1; i <= SEM_ITEMS; i++) {
		if (i % 3 == 0) {
			struct timespec ts = deadline(CLOCK_REALTIME, 3600 * 1000L);
			CHECK_RC(sem_timedwait(&items, &ts), 0);
		} else if (i % 3 == 1) {
			struct timespec ts = deadline(CLOCK_MONOTONIC, 3600 * 1000L);
			CHECK_RC(sem_clockwait(&items, CLOCK_MONOTONIC, &ts), 0);
		} else {
			CHECK_RC(sem_wait(&items), 0);
		}
		assert(ring[i % 2] == i);
		sem_sum += ring[i % 2];
		CHECK_RC(sem_post(&spaces), 0);
	}
	return NULL;
}

static void test_semaphores(void)
{
	sem_t s;
	int v = -1;
	CHECK_RC(sem_init(&s, 0, 0), 0);
	CHECK_RC(sem_getvalue(&s, &v), 0);
	assert(v == 0);
	CHECK_ERRNO(sem_trywait(&s), EAGAIN);
	struct timespec ts = deadline(CLOCK_REALTIME, 20);
	CHECK_ERRNO(sem_timedwait(&s, &ts), ETIMEDOUT);
	ts = deadline(CLOCK_MONOTONIC, 20);
	CHECK_ERRNO(sem_clockwait(&s, CLOCK_MONOTONIC, &ts), ETIMEDOUT);
	CHECK_RC(sem_post(&s), 0);
	CHECK_RC(sem_post(&s), 0);
	CHECK_RC(sem_post(&s), 0);
	CHECK_RC(sem_getvalue(&s, &v), 0);
	assert(v == 3);
	CHECK_RC(sem_trywait(&s), 0);
	CHECK_RC(sem_wait(&s), 0);
	ts = deadline(CLOCK_REALTIME, 20);
	CHECK_RC(sem_timedwait(&s, &ts), 0);
	CHECK_RC(sem_getvalue(&s, &v), 0);
	assert(v == 0);
	CHECK_ERRNO(sem_trywait(&s), EAGAIN);
	CHECK_RC(sem_destroy(&s), 0);

	CHECK_RC(sem_init(&items, 0, 0), 0);
	CHECK_RC(sem_init(&spaces, 0, 2), 0);
	pthread_t p = spawn(sem_producer, NULL);
	pthread_t c = spawn(sem_consumer, NULL);
	join(p);
	join(c);
	assert(sem_sum == SEM_ITEMS * (SEM_ITEMS + 1) / 2);
	CHECK_RC(sem_getvalue(&items, &v), 0);
	assert(v == 0);
	CHECK_RC(sem_getvalue(&spaces, &v), 0);
	assert(v == 2);
	CHECK_RC(sem_destroy(&items), 0);
	CHECK_RC(sem_destroy(&spaces), 0);
	printf("semaphores ok\n");
}

/* ---- barriers --------------------------------------------------------- */

enum { BARRIER_THREADS = 3, ROUNDS = 4 };
static pthread_barrier_t barrier;
static atomic_int arrived[ROUNDS], serial[ROUNDS], passed[ROUNDS];

static void *barrier_worker(void *arg)
{
	(void)arg;
	for (int r = 0; r < ROUNDS; r++) {
		atomic_fetch_add(&arrived[r], 1);
		int rc = pthread_barrier_wait(&barrier);
		assert(rc == 0 || rc == PTHREAD_BARRIER_SERIAL_THREAD);
		if (rc == PTHREAD_BARRIER_SERIAL_THREAD)
			atomic_fetch_add(&serial[r], 1);
		/* Nobody passes a round before everybody arrived at it. */
		assert(atomic_load(&arrived[r]) == BARRIER_THREADS);
		/* ... and nobody arrives at the next before everybody passed. */
		if (r > 0)
			assert(atomic_load(&passed[r - 1]) == BARRIER_THREADS);
		atomic_fetch_add(&passed[r], 1);
	}
	return NULL;
}

static void test_barriers(void)
{
	CHECK_RC(pthread_barrier_init(&barrier, NULL, BARRIER_THREADS), 0);
	pthread_t t[BARRIER_THREADS];
	for (int i = 0; i < BARRIER_THREADS; i++)
		t[i] = spawn(barrier_worker, NULL);
	for (int i = 0; i < BARRIER_THREADS; i++)
		join(t[i]);
	for (int r = 0; r < ROUNDS; r++)
		assert(serial[r] == 1 && passed[r] == BARRIER_THREADS);
	CHECK_RC(pthread_barrier_destroy(&barrier), 0);
	printf("barriers ok\n");
}

/* ---- spinlocks -------------------------------------------------------- */

static pthread_spinlock_t spin;
static long spin_count;
enum { SPIN_THREADS = 3, SPIN_ITERS = 30 };

static void *spin_worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < SPIN_ITERS; i++) {
		CHECK_RC(pthread_spin_lock(&spin), 0);
		long v = spin_count;
		spin_count = v + 1;
		CHECK_RC(pthread_spin_unlock(&spin), 0);
	}
	return NULL;
}

static void *spin_expect_busy(void *arg)
{
	(void)arg;
	CHECK_RC(pthread_spin_trylock(&spin), EBUSY);
	return NULL;
}

static void test_spinlocks(void)
{
	CHECK_RC(pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE), 0);
	CHECK_RC(pthread_spin_trylock(&spin), 0);
	join(spawn(spin_expect_busy, NULL));
	CHECK_RC(pthread_spin_unlock(&spin), 0);
	pthread_t t[SPIN_THREADS];
	for (int i = 0; i < SPIN_THREADS; i++)
		t[i] = spawn(spin_worker, NULL);
	for (int i = 0; i < SPIN_THREADS; i++)
		join(t[i]);
	assert(spin_count == SPIN_THREADS * SPIN_ITERS);
	CHECK_RC(pthread_spin_destroy(&spin), 0);
	printf("spinlocks ok\n");
}

/* ---- pthread_once ----------------------------------------------------- */

static pthread_once_t once = PTHREAD_ONCE_INIT;
static atomic_int once_runs;
static int once_value;
enum { ONCE_THREADS = 4 };

static void once_init(void)
{
	atomic_fetch_add(&once_runs, 1);
	sched_yield(); /* let the others reach pthread_once meanwhile */
	once_value = 42;
}

static void *once_worker(void *arg)
{
	(void)arg;
	CHECK_RC(pthread_once(&once, once_init), 0);
	assert(once_value == 42); /* initialised before anyone returns */
	return NULL;
}

static void test_once(void)
{
	pthread_t t[ONCE_THREADS];
	for (int i = 0; i < ONCE_THREADS; i++)
		t[i] = spawn(once_worker, NULL);
	CHECK_RC(pthread_once(&once, once_init), 0);
	assert(once_value == 42);
	for (int i = 0; i < ONCE_THREADS; i++)
		join(t[i]);
	assert(once_runs == 1);
	printf("once ok\n");
}

/* ---- threads: joins, detach, exit ------------------------------------- */

static struct gate release_tryjoin = GATE_INIT;
static struct gate release_timedjoin = GATE_INIT;

static void *wait_for_gate(void *arg)
{
	gate_pass(arg);
	return (void *)(intptr_t)7;
}

__attribute__((noinline)) static void exit_from_helper(intptr_t value)
{
	pthread_exit((void *)value);
}

static void *exits_with_value(void *arg)
{
	(void)arg;
	exit_from_helper(42);
	assert(!"pthread_exit returned");
	return NULL;
}

static sem_t detached_done;
static atomic_int detached_ran;

static void *detached_worker(void *arg)
{
	(void)arg;
	CHECK_RC(pthread_detach(pthread_self()), 0);
	atomic_store(&detached_ran, 1);
	CHECK_RC(sem_post(&detached_done), 0);
	return NULL;
}

static void *detached_by_main(void *arg)
{
	(void)arg;
	atomic_fetch_add(&detached_ran, 1);
	CHECK_RC(sem_post(&detached_done), 0);
	return NULL;
}

static void test_threads(void)
{
	void *ret = NULL;

	/* tryjoin: EBUSY while the thread runs, then 0. */
	pthread_t t = spawn(wait_for_gate, &release_tryjoin);
	CHECK_RC(pthread_tryjoin_np(t, &ret), EBUSY);
	gate_open(&release_tryjoin);
	int rc;
	while ((rc = pthread_tryjoin_np(t, &ret)) == EBUSY)
		usleep(1000);
	CHECK_RC(rc, 0);
	assert(ret == (void *)(intptr_t)7);

	/* timedjoin / clockjoin: time out while it runs, then join it. */
	t = spawn(wait_for_gate, &release_timedjoin);
	struct timespec ts = deadline(CLOCK_REALTIME, 20);
	CHECK_RC(pthread_timedjoin_np(t, &ret, &ts), ETIMEDOUT);
	ts = deadline(CLOCK_MONOTONIC, 20);
	CHECK_RC(pthread_clockjoin_np(t, &ret, CLOCK_MONOTONIC, &ts), ETIMEDOUT);
	gate_open(&release_timedjoin);
	ret = NULL;
	ts = deadline(CLOCK_REALTIME, 3600 * 1000L);
	CHECK_RC(pthread_timedjoin_np(t, &ret, &ts), 0);
	assert(ret == (void *)(intptr_t)7);

	/* pthread_exit with a value, from a function the thread called. */
	t = spawn(exits_with_value, NULL);
	ret = NULL;
	CHECK_RC(pthread_join(t, &ret), 0);
	assert(ret == (void *)(intptr_t)42);

	/* Detached threads (by themselves, and by main) still run. */
	CHECK_RC(sem_init(&detached_done, 0, 0), 0);
	spawn(detached_worker, NULL);
	CHECK_RC(sem_wait(&detached_done), 0);
	assert(atomic_load(&detached_ran) == 1);
	pthread_t d = spawn(detached_by_main, NULL);
	CHECK_RC(pthread_detach(d), 0);
	CHECK_RC(sem_wait(&detached_done), 0);
	assert(atomic_load(&detached_ran) == 2);

	/* A thread created detached. */
	pthread_attr_t attr;
	CHECK_RC(pthread_attr_init(&attr), 0);
	CHECK_RC(pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED), 0);
	CHECK_RC(pthread_create(&d, &attr, detached_by_main, NULL), 0);
	CHECK_RC(pthread_attr_destroy(&attr), 0);
	CHECK_RC(sem_wait(&detached_done), 0);
	assert(atomic_load(&detached_ran) == 3);
	printf("threads ok\n");
}

/* ---- yield, sleeps, output -------------------------------------------- */

enum { SLEEPERS = 3 };
static atomic_int sleepers_done;

static void *sleeper(void *arg)
{
	int id = (int)(intptr_t)arg;
	CHECK_RC(sched_yield(), 0);
	CHECK_RC(usleep(2000), 0);
	struct timespec d = { 0, 3 * 1000 * 1000 }, rem = { 9, 9 };
	CHECK_RC(nanosleep(&d, &rem), 0);
	CHECK_RC(clock_nanosleep(CLOCK_MONOTONIC, 0, &d, NULL), 0);
	struct timespec until = deadline(CLOCK_MONOTONIC, 5);
	CHECK_RC(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL), 0);
	assert(sleep(1) == 0);
	CHECK_RC(sched_yield(), 0);
	printf("hello from sleeper %d\n", id);
	atomic_fetch_add(&sleepers_done, 1);
	return NULL;
}

static void test_sleeps(void)
{
	pthread_t t[SLEEPERS];
	for (int i = 0; i < SLEEPERS; i++)
		t[i] = spawn(sleeper, (void *)(intptr_t)i);
	assert(sleep(1) == 0);
	CHECK_RC(usleep(500), 0);
	for (int i = 0; i < SLEEPERS; i++)
		join(t[i]);
	assert(sleepers_done == SLEEPERS);
	printf("sleeps ok\n");
}

int main(void)
{
	/* Line-buffered output whatever stdout is, so the lines of several
	 * threads come out whole. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_mutexes();
	test_rwlocks();
	test_conds();
	test_semaphores();
	test_barriers();
	test_spinlocks();
	test_once();
	test_threads();
	test_sleeps();
	printf("api_tour ok\n");
	return 0;
}
