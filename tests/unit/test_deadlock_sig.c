/*
 * test_deadlock_sig.c: when two deadlocks count as the same
 * (cli/deadlock_sig.h).  The py_job_queue shapes: the main thread joins
 * a worker that waits in queue.get(), once with worker 1 waiting and
 * once with worker 2, on objects at other addresses: the same key, other
 * details.  A wait at another call site, a missing wait, or a cycle
 * where there was none, is another deadlock.  And whichever of its
 * allocations fails (the link wraps calloc, asprintf and free), it says
 * so and leaves nothing allocated.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "deadlock_sig.h"

#define GET_SITE 0x4f905full

static const struct trace_wait worker1[] = {
	{ .thread = 0, .op = "sem_wait", .object = 128, .object_kind = "sem",
	  .object_addr = 0x7ffff0000b70, .holder = -1, .site = GET_SITE },
	{ .thread = 1, .op = "sem_wait", .object = 131, .object_kind = "sem",
	  .object_addr = 0x7ffff0000ba0, .holder = -1, .site = GET_SITE },
};
/* Stored in the other order, as another run may store them. */
static const struct trace_wait worker2[] = {
	{ .thread = 2, .op = "sem_wait", .object = 131, .object_kind = "sem",
	  .object_addr = 0x7fffe8000b70, .holder = -1, .site = GET_SITE },
	{ .thread = 0, .op = "sem_wait", .object = 130, .object_kind = "sem",
	  .object_addr = 0xb59b10, .holder = -1, .site = GET_SITE },
};

struct sig {
	char detail[512], key[512];
};

static struct sig sig_of(const struct trace_wait *w, size_t n)
{
	struct sig s;
	assert_int_equal(deadlock_sig(w, n, s.detail, sizeof(s.detail), s.key, sizeof(s.key)), 0);
	return s;
}

static void other_worker_is_the_same(void **state)
{
	(void)state;
	struct sig a = sig_of(worker1, 2), b = sig_of(worker2, 2);
	assert_string_equal(a.key, b.key);
	assert_string_equal(a.key, "sem_wait(sem) at 0x4f905f, not held; "
				   "sem_wait(sem) at 0x4f905f, not held");
	assert_string_not_equal(a.detail, b.detail);
	assert_string_equal(b.detail, "thread 0 sem_wait(sem@0xb59b10); "
				      "thread 2 sem_wait(sem@0x7fffe8000b70)");
}

static void other_site_or_fewer_waits_differ(void **state)
{
	(void)state;
	struct trace_wait w[2];
	memcpy(w, worker1, sizeof(w));
	w[1].site = GET_SITE + 8;
	assert_string_not_equal(sig_of(w, 2).key, sig_of(worker1, 2).key);
	assert_string_not_equal(sig_of(worker1, 1).key, sig_of(worker1, 2).key);
}

/* lock_order's cycle: each thread holds what the other waits for.  With
 * the holders swapped it is the same; held by a thread outside the wait
 * set, or by none, it is not. */
static void cycles_keep_their_shape(void **state)
{
	(void)state;
	const struct trace_wait cycle[] = {
		{ .thread = 1, .op = "mutex_lock", .object_kind = "mutex", .object_addr = 0x4040,
		  .holder = 2, .site = 0x1100 },
		{ .thread = 2, .op = "mutex_lock", .object_kind = "mutex", .object_addr = 0x4080,
		  .holder = 1, .site = 0x1200 },
	};
	struct trace_wait swapped[2], outside[2];
	memcpy(swapped, cycle, sizeof(swapped));
	swapped[0].thread = 2, swapped[0].holder = 1;
	swapped[1].thread = 1, swapped[1].holder = 2;
	memcpy(outside, cycle, sizeof(outside));
	outside[0].holder = 3;
	struct sig c = sig_of(cycle, 2);
	assert_string_equal(c.key, sig_of(swapped, 2).key);
	assert_non_null(strstr(c.key, "held by a waiting thread"));
	assert_string_not_equal(c.key, sig_of(outside, 2).key);
	assert_non_null(strstr(sig_of(outside, 2).key, "held by a running thread"));
}

static void no_waits(void **state)
{
	(void)state;
	struct sig s = sig_of(NULL, 0);
	assert_string_equal(s.detail, "");
	assert_string_equal(s.key, "");
}

/* Allocation failures, injected: deadlock_sig.c's calloc and asprintf
 * come here (-Wl,--wrap), and the blocks they hand out are tracked until
 * freed. */
void *__real_calloc(size_t n, size_t size);
void __real_free(void *p);
void *__wrap_calloc(size_t n, size_t size);
int __wrap_asprintf(char **s, const char *fmt, ...);
void __wrap_free(void *p);

#define TRACKED_MAX 64

static int fail_at = -1; /* which allocation fails (0: the first); -1: none */
static int allocations;
static void *tracked[TRACKED_MAX];
static int ntracked;

static bool this_one_fails(void)
{
	return allocations++ == fail_at;
}

static void track(void *p)
{
	if (!p)
		return;
	assert_true(ntracked < TRACKED_MAX);
	tracked[ntracked++] = p;
}

void *__wrap_calloc(size_t n, size_t size)
{
	if (this_one_fails())
		return NULL;
	void *p = __real_calloc(n, size);
	track(p);
	return p;
}

int __wrap_asprintf(char **s, const char *fmt, ...)
{
	if (this_one_fails())
		return -1;
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(s, fmt, ap);
	va_end(ap);
	if (r >= 0)
		track(*s);
	return r;
}

void __wrap_free(void *p)
{
	for (int i = 0; i < ntracked; i++)
		if (tracked[i] == p) {
			tracked[i] = tracked[--ntracked];
			break;
		}
	__real_free(p);
}

/* Two waits: two arrays, then a detail and a key each.  Each of the six
 * allocations fails in turn; the first and second are the arrays. */
static void failed_allocations_leak_nothing(void **state)
{
	(void)state;
	struct sig s;
	for (fail_at = -1; fail_at < 6; fail_at++) {
		allocations = 0;
		int r = deadlock_sig(worker1, 2, s.detail, sizeof(s.detail), s.key, sizeof(s.key));
		assert_int_equal(r, fail_at < 0 ? 0 : -1);
		assert_true(allocations > fail_at); /* the failure was reached */
		if (fail_at < 0)
			assert_int_equal(allocations, 6);
		assert_int_equal(ntracked, 0);
	}
	fail_at = -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(other_worker_is_the_same),
		cmocka_unit_test(other_site_or_fewer_waits_differ),
		cmocka_unit_test(cycles_keep_their_shape),
		cmocka_unit_test(no_waits),
		cmocka_unit_test(failed_allocations_leak_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
