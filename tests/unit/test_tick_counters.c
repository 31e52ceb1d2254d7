/*
 * test_tick_counters.c: a thread's tick count over several modules'
 * countdowns (runtime/tick_counters.c).  Each simulated module counts
 * down its counter as the stub in runtime/deja-ticks.h does, calling in at
 * zero; the call-in does what runtime/ticks.c does on its way to an
 * offer.  The sum must equal the ticks passed at every moment, and the
 * thread must call in at exactly each target tick, never past it, however
 * its ticks are spread over the modules.
 *
 * The counters are the calling thread's, so each case runs in a thread of
 * its own and reports the line of its first failed check (cmocka's
 * assertions belong to the main thread).
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

uint64_t rt_tick_count(void);
void rt_tick_counter_join(uint64_t *counter);
void rt_tick_arm(uint64_t ticks);

#define MODULES 40 /* more than the runtime counts (32) */

#define CHECK(cond)                                  \
	do {                                         \
		if (!(cond))                         \
			return __LINE__;             \
	} while (0)

struct thread_sim {
	uint64_t counter[MODULES]; /* each module's countdown, 1 as in .tdata */
	uint64_t passed;            /* ticks really passed */
	uint64_t target;            /* where the thread must call in */
	uint64_t calls;             /* call-ins */
	int reached;                /* the last tick reached the target */
};

static uint64_t next_random(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void sim_init(struct thread_sim *t)
{
	*t = (struct thread_sim){ .target = 0 };
	for (int m = 0; m < MODULES; m++)
		t->counter[m] = 1;
}

/* One tick in module m, as the stub counts it, and the call-in at zero. */
static int tick(struct thread_sim *t, int m)
{
	t->passed++;
	t->reached = 0;
	if (--t->counter[m] != 0)
		return 0;
	t->calls++;
	rt_tick_counter_join(&t->counter[m]);
	uint64_t now = rt_tick_count();
	CHECK(now == t->passed);
	CHECK(now <= t->target);
	if (now == t->target)
		t->reached = 1;
	else
		rt_tick_arm(t->target - now); /* not there yet: set again */
	return 0;
}

/* Random targets up to max_gap ticks ahead, ticks spread over `modules`
 * modules, mostly the first two (a thread spends most of its time in a
 * few): every target is reached exactly. */
static int spread(int modules, uint64_t seed, uint64_t max_gap)
{
	struct thread_sim t;
	sim_init(&t);
	uint64_t x = seed;
	for (int offer = 0; offer < 300; offer++) {
		t.target = t.passed + 1 + next_random(&x) % max_gap;
		rt_tick_arm(t.target - t.passed);
		do {
			uint64_t r = next_random(&x);
			uint64_t among = r % 4 == 0 ? (uint64_t)modules : 2;
			int failed = tick(&t, (int)((r >> 8) % among));
			if (failed)
				return failed;
			CHECK(t.passed <= t.target);
		} while (!t.reached);
		CHECK(t.passed == t.target);
		CHECK(rt_tick_count() == t.passed);
	}
	return 0;
}

static void *one_module(void *arg)
{
	(void)arg;
	struct thread_sim t;
	sim_init(&t);
	t.target = 1;
	if (tick(&t, 0) || !t.reached) /* its first tick calls in, and joins */
		return (void *)(intptr_t)__LINE__;
	for (uint64_t gap = 1; gap < 5000; gap += 97) {
		uint64_t before = t.calls;
		t.target = t.passed + gap;
		rt_tick_arm(gap);
		do
			if (tick(&t, 0))
				return (void *)(intptr_t)__LINE__;
		while (!t.reached);
		if (t.calls != before + 1) /* one call-in per target, no more */
			return (void *)(intptr_t)__LINE__;
	}
	return NULL;
}

static void *two_modules(void *arg)
{
	(void)arg;
	return (void *)(intptr_t)spread(2, 0x9e3779b97f4a7c15ull, 5000);
}

static void *five_modules_short_gaps(void *arg)
{
	(void)arg;
	return (void *)(intptr_t)spread(5, 12345, 7);
}

static void *five_modules_long_gaps(void *arg)
{
	(void)arg;
	return (void *)(intptr_t)spread(5, 777, 100000);
}

/* Beyond 32 modules a module's ticks are not counted (as if it were not
 * instrumented), and the others' still are. */
static void *too_many_modules(void *arg)
{
	(void)arg;
	uint64_t counter[MODULES];
	for (int m = 0; m < MODULES; m++) {
		counter[m] = 0; /* its first tick, from 1 */
		rt_tick_counter_join(&counter[m]);
	}
	if (rt_tick_count() != 32)
		return (void *)(intptr_t)__LINE__;
	--counter[MODULES - 1];
	--counter[0];
	if (rt_tick_count() != 33)
		return (void *)(intptr_t)__LINE__;
	return NULL;
}

static void in_own_thread(void *(*fn)(void *))
{
	pthread_t th;
	void *failed_line = NULL;
	assert_int_equal(pthread_create(&th, NULL, fn, NULL), 0);
	assert_int_equal(pthread_join(th, &failed_line), 0);
	assert_int_equal((intptr_t)failed_line, 0);
}

static void one_module_calls_in_only_at_targets(void **state)
{
	(void)state;
	in_own_thread(one_module);
}

static void two_modules_exact(void **state)
{
	(void)state;
	in_own_thread(two_modules);
}

static void five_modules_exact(void **state)
{
	(void)state;
	in_own_thread(five_modules_short_gaps);
	in_own_thread(five_modules_long_gaps);
}

static void modules_beyond_the_limit_not_counted(void **state)
{
	(void)state;
	in_own_thread(too_many_modules);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_module_calls_in_only_at_targets),
		cmocka_unit_test(two_modules_exact),
		cmocka_unit_test(five_modules_exact),
		cmocka_unit_test(modules_beyond_the_limit_not_counted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
