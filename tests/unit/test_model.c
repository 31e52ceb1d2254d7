/*
 * test_model.c: the blocking model, one operation family at a time.
 * Threads are driven by hand: declare, check enabled, execute.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "model.h"

static struct deja_model *new_model(uint32_t threads)
{
	struct deja_model *m = calloc(1, sizeof(*m));
	deja_model_init(m, 0);
	for (uint32_t i = 0; i < threads; i++)
		deja_model_add_thread(m);
	return m;
}

static int64_t run(struct deja_model *m, uint32_t t, enum deja_op op, struct deja_object *o,
		   uint64_t arg)
{
	deja_model_set_pending(m, t, op, o, arg, 0);
	assert_true(deja_model_enabled(m, t));
	uint64_t out;
	return deja_model_execute(m, t, false, &out);
}

static void mutex_excludes_other_threads(void **state)
{
	(void)state;
	struct deja_model *m = new_model(2);
	static int mx;
	struct deja_object *o = deja_model_object(m, (uint64_t)(uintptr_t)&mx, DEJA_OBJ_MUTEX);
	assert_int_equal(run(m, 0, DEJA_OP_MUTEX_LOCK, o, 0), 0);
	deja_model_set_pending(m, 1, DEJA_OP_MUTEX_LOCK, o, 0, 0);
	assert_false(deja_model_enabled(m, 1));
	assert_int_equal(deja_model_blocker(m, 1), 0);
	uint64_t out;
	deja_model_set_pending(m, 1, DEJA_OP_MUTEX_TRYLOCK, o, 0, 0);
	assert_int_equal(deja_model_execute(m, 1, false, &out), EBUSY);
	assert_int_equal(run(m, 0, DEJA_OP_MUTEX_UNLOCK, o, 0), 0);
	deja_model_set_pending(m, 1, DEJA_OP_MUTEX_LOCK, o, 0, 0);
	assert_true(deja_model_enabled(m, 1));
	free(m);
}

static void normal_relock_blocks_but_errorcheck_reports(void **state)
{
	(void)state;
	struct deja_model *m = new_model(2);
	static int a, b;
	struct deja_object *normal = deja_model_object(m, (uint64_t)(uintptr_t)&a, DEJA_OBJ_MUTEX);
	struct deja_object *check = deja_model_object(m, (uint64_t)(uintptr_t)&b, DEJA_OBJ_MUTEX);
	check->subtype = DEJA_MUTEX_ERRORCHECK;
	run(m, 0, DEJA_OP_MUTEX_LOCK, normal, 0);
	deja_model_set_pending(m, 0, DEJA_OP_MUTEX_LOCK, normal, 0, 0);
	assert_false(deja_model_enabled(m, 0)); /* self-deadlock, as in glibc */
	run(m, 0, DEJA_OP_MUTEX_LOCK, check, 0);
	assert_int_equal(run(m, 0, DEJA_OP_MUTEX_LOCK, check, 0), EDEADLK);
	assert_int_equal(run(m, 1, DEJA_OP_MUTEX_UNLOCK, check, 0), EPERM);
	free(m);
}

static void recursive_mutex_counts(void **state)
{
	(void)state;
	struct deja_model *m = new_model(2);
	static int r;
	struct deja_object *o = deja_model_object(m, (uint64_t)(uintptr_t)&r, DEJA_OBJ_MUTEX);
	o->subtype = DEJA_MUTEX_RECURSIVE;
	run(m, 0, DEJA_OP_MUTEX_LOCK, o, 0);
	run(m, 0, DEJA_OP_MUTEX_LOCK, o, 0);
	run(m, 0, DEJA_OP_MUTEX_UNLOCK, o, 0);
	deja_model_set_pending(m, 1, DEJA_OP_MUTEX_LOCK, o, 0, 0);
	assert_false(deja_model_enabled(m, 1));
	run(m, 0, DEJA_OP_MUTEX_UNLOCK, o, 0);
	assert_true(deja_model_enabled(m, 1));
	free(m);
}

static void cond_signal_wakes_oldest_waiter_then_needs_mutex(void **state)
{
	(void)state;
	struct deja_model *m = new_model(3);
	static int c, mx;
	struct deja_object *co = deja_model_object(m, (uint64_t)(uintptr_t)&c, DEJA_OBJ_COND);
	struct deja_object *mo = deja_model_object(m, (uint64_t)(uintptr_t)&mx, DEJA_OBJ_MUTEX);
	uint32_t mref = deja_model_object_ref(m, mo);
	for (uint32_t t = 1; t <= 2; t++) {
		run(m, t, DEJA_OP_MUTEX_LOCK, mo, 0);
		deja_model_set_pending(m, t, DEJA_OP_COND_WAIT, co, 0, 0);
		m->threads[t].pending.object2 = mref;
		uint64_t out;
		assert_int_equal(deja_model_execute(m, t, false, &out), 0);
		assert_int_equal(mo->owner, DEJA_NO_THREAD); /* released */
		deja_model_set_pending(m, t, DEJA_OP_COND_RESUME, co, 0, 0);
		m->threads[t].pending.object2 = mref;
		assert_false(deja_model_enabled(m, t));
	}
	run(m, 0, DEJA_OP_MUTEX_LOCK, mo, 0);
	uint64_t woken;
	deja_model_set_pending(m, 0, DEJA_OP_COND_SIGNAL, co, 0, 0);
	deja_model_execute(m, 0, false, &woken);
	assert_int_equal(woken, 1 + 1); /* thread 1, reported as id + 1 */
	assert_false(deja_model_enabled(m, 1)); /* signalled, but mutex held */
	assert_false(deja_model_enabled(m, 2)); /* not signalled */
	run(m, 0, DEJA_OP_MUTEX_UNLOCK, mo, 0);
	assert_true(deja_model_enabled(m, 1));
	assert_false(deja_model_enabled(m, 2));
	free(m);
}

static void timed_cond_wait_may_time_out_only_with_mutex_free(void **state)
{
	(void)state;
	struct deja_model *m = new_model(2);
	static int c, mx;
	struct deja_object *co = deja_model_object(m, (uint64_t)(uintptr_t)&c, DEJA_OBJ_COND);
	struct deja_object *mo = deja_model_object(m, (uint64_t)(uintptr_t)&mx, DEJA_OBJ_MUTEX);
	deja_model_set_pending(m, 1, DEJA_OP_COND_RESUME, co, 0, 0);
	m->threads[1].pending.object2 = deja_model_object_ref(m, mo);
	m->threads[1].pending.timed = 1;
	assert_true(deja_model_may_time_out(m, 1));
	run(m, 0, DEJA_OP_MUTEX_LOCK, mo, 0);
	assert_false(deja_model_may_time_out(m, 1));
	run(m, 0, DEJA_OP_MUTEX_UNLOCK, mo, 0);
	uint64_t out;
	assert_int_equal(deja_model_execute(m, 1, true, &out), ETIMEDOUT);
	assert_int_equal(mo->owner, 1); /* reacquired even on timeout */
	free(m);
}

static void semaphore_counts(void **state)
{
	(void)state;
	struct deja_model *m = new_model(2);
	static int s;
	struct deja_object *o = deja_model_object(m, (uint64_t)(uintptr_t)&s, DEJA_OBJ_SEM);
	run(m, 0, DEJA_OP_SEM_INIT, o, 1);
	assert_int_equal(run(m, 0, DEJA_OP_SEM_WAIT, o, 0), 0);
	deja_model_set_pending(m, 1, DEJA_OP_SEM_WAIT, o, 0, 0);
	assert_false(deja_model_enabled(m, 1));
	assert_int_equal(run(m, 0, DEJA_OP_SEM_TRYWAIT, o, 0), EAGAIN);
	run(m, 0, DEJA_OP_SEM_POST, o, 0);
	assert_true(deja_model_enabled(m, 1));
	free(m);
}

static void barrier_releases_a_round_with_one_serial_thread(void **state)
{
	(void)state;
	struct deja_model *m = new_model(3);
	static int b;
	struct deja_object *o = deja_model_object(m, (uint64_t)(uintptr_t)&b, DEJA_OBJ_BARRIER);
	run(m, 0, DEJA_OP_BARRIER_INIT, o, 3);
	for (uint32_t t = 0; t < 2; t++) {
		assert_int_equal(run(m, t, DEJA_OP_BARRIER_WAIT, o, 0), 0);
		deja_model_set_pending(m, t, DEJA_OP_BARRIER_RESUME, o, o->generation, 0);
		assert_false(deja_model_enabled(m, t));
	}
	assert_int_equal(run(m, 2, DEJA_OP_BARRIER_WAIT, o, 0), PTHREAD_BARRIER_SERIAL_THREAD);
	assert_true(deja_model_enabled(m, 0));
	assert_true(deja_model_enabled(m, 1));
	free(m);
}

static void rwlock_readers_share_writer_excludes(void **state)
{
	(void)state;
	struct deja_model *m = new_model(3);
	static int rw;
	struct deja_object *o = deja_model_object(m, (uint64_t)(uintptr_t)&rw, DEJA_OBJ_RWLOCK);
	run(m, 0, DEJA_OP_RW_RDLOCK, o, 0);
	run(m, 1, DEJA_OP_RW_RDLOCK, o, 0);
	deja_model_set_pending(m, 2, DEJA_OP_RW_WRLOCK, o, 0, 0);
	assert_false(deja_model_enabled(m, 2));
	run(m, 0, DEJA_OP_RW_UNLOCK, o, 0);
	assert_false(deja_model_enabled(m, 2));
	run(m, 1, DEJA_OP_RW_UNLOCK, o, 0);
	assert_int_equal(run(m, 2, DEJA_OP_RW_WRLOCK, o, 0), 0);
	deja_model_set_pending(m, 0, DEJA_OP_RW_RDLOCK, o, 0, 0);
	assert_false(deja_model_enabled(m, 0));
	free(m);
}

static void join_waits_for_finish(void **state)
{
	(void)state;
	struct deja_model *m = new_model(2);
	deja_model_set_pending(m, 0, DEJA_OP_JOIN, NULL, 1, 0);
	assert_false(deja_model_enabled(m, 0));
	assert_int_equal(deja_model_blocker(m, 0), 1);
	run(m, 1, DEJA_OP_THREAD_EXIT, NULL, 0);
	assert_true(deja_model_enabled(m, 0));
	assert_false(deja_model_enabled(m, 1));
	free(m);
}

/* A reader may join readers unless the lock prefers writers and a writer
 * waits: then it waits too, and names that writer as what it waits for. */
static void writer_preferring_rwlock_keeps_new_readers_out(void **state)
{
	(void)state;
	struct deja_model *m = new_model(3);
	static int a, b;
	struct deja_object *plain = deja_model_object(m, (uint64_t)(uintptr_t)&a, DEJA_OBJ_RWLOCK);
	struct deja_object *prefers = deja_model_object(m, (uint64_t)(uintptr_t)&b, DEJA_OBJ_RWLOCK);
	prefers->subtype = DEJA_RWLOCK_PREFER_WRITER_NONRECURSIVE;
	struct deja_object *locks[] = { plain, prefers };
	for (int i = 0; i < 2; i++) {
		struct deja_object *o = locks[i];
		assert_int_equal(run(m, 0, DEJA_OP_RW_RDLOCK, o, 0), 0);
		deja_model_set_pending(m, 1, DEJA_OP_RW_WRLOCK, o, 0, 0);
		assert_false(deja_model_enabled(m, 1));
		deja_model_set_pending(m, 2, DEJA_OP_RW_RDLOCK, o, 0, 0);
		uint64_t out;
		if (o == plain) {
			assert_true(deja_model_enabled(m, 2));
		} else {
			assert_false(deja_model_enabled(m, 2));
			assert_int_equal(deja_model_blocker(m, 2), 1);
			deja_model_set_pending(m, 2, DEJA_OP_RW_TRYRDLOCK, o, 0, 0);
			assert_int_equal(deja_model_execute(m, 2, false, &out), EBUSY);
			/* The holder reading again waits too: the deadlock such a
			 * lock makes of a recursive read. */
			deja_model_set_pending(m, 0, DEJA_OP_RW_RDLOCK, o, 0, 0);
			assert_false(deja_model_enabled(m, 0));
		}
		deja_model_set_pending(m, 1, DEJA_OP_YIELD, NULL, 0, 0);
		deja_model_set_pending(m, 2, DEJA_OP_YIELD, NULL, 0, 0);
	}
	free(m);
}

/* A parallel replay gives the recording's answer (pending.kept_out): a
 * reader the recording let in goes in although a writer waits, and one it
 * refused is refused although none does. */
static void recorded_keep_out_overrides_the_model(void **state)
{
	(void)state;
	struct deja_model *m = new_model(3);
	static int a;
	struct deja_object *o = deja_model_object(m, (uint64_t)(uintptr_t)&a, DEJA_OBJ_RWLOCK);
	o->subtype = DEJA_RWLOCK_PREFER_WRITER_NONRECURSIVE;
	assert_int_equal(run(m, 0, DEJA_OP_RW_RDLOCK, o, 0), 0);
	deja_model_set_pending(m, 1, DEJA_OP_RW_WRLOCK, o, 0, 0);
	deja_model_set_pending(m, 2, DEJA_OP_RW_RDLOCK, o, 0, 0);
	assert_false(deja_model_enabled(m, 2));
	m->threads[2].pending.kept_out = DEJA_KEPT_OUT_NO;
	assert_true(deja_model_enabled(m, 2));
	uint64_t out;
	assert_int_equal(deja_model_execute(m, 2, false, &out), 0);
	/* No writer waits now, but the recording refused the try. */
	deja_model_set_pending(m, 1, DEJA_OP_YIELD, NULL, 0, 0);
	deja_model_set_pending(m, 2, DEJA_OP_RW_TRYRDLOCK, o, 0, 0);
	m->threads[2].pending.kept_out = DEJA_KEPT_OUT_YES;
	assert_int_equal(deja_model_execute(m, 2, false, &out), EBUSY);
	/* A new declaration forgets it. */
	deja_model_set_pending(m, 2, DEJA_OP_RW_TRYRDLOCK, o, 0, 0);
	assert_int_equal(m->threads[2].pending.kept_out, 0);
	free(m);
}

/* Once every number is used, a new thread takes the lowest number of a
 * finished thread that was joined, not of one merely finished; never in
 * parallel mode (reuse_joined 0). */
static void joined_thread_numbers_serve_again(void **state)
{
	(void)state;
	struct deja_model *m = new_model(DEJA_MAX_THREADS);
	run(m, 7, DEJA_OP_THREAD_EXIT, NULL, 0);
	run(m, 9, DEJA_OP_THREAD_EXIT, NULL, 0);
	run(m, 3, DEJA_OP_THREAD_EXIT, NULL, 0); /* finished, never joined */
	assert_int_equal(deja_model_add_thread(m), DEJA_NO_THREAD);
	assert_int_equal(run(m, 0, DEJA_OP_JOIN, NULL, 9), 0);
	assert_int_equal(run(m, 0, DEJA_OP_TRYJOIN, NULL, 7), 0);
	assert_int_equal(deja_model_add_thread(m), DEJA_NO_THREAD); /* reuse is off */
	m->reuse_joined = 1;
	m->pct_priority[7] = 5;
	assert_int_equal(deja_model_add_thread(m), 7);
	assert_int_equal(m->threads[7].state, DEJA_THREAD_LIVE);
	assert_int_equal(m->threads[7].joined, 0);
	assert_int_equal(m->pct_priority[7], 0);
	assert_int_equal(m->threads[7].pending.op, DEJA_OP_THREAD_START);
	assert_int_equal(deja_model_add_thread(m), 9);
	assert_int_equal(deja_model_add_thread(m), DEJA_NO_THREAD); /* 3 was never joined */
	assert_int_equal(m->nthreads, DEJA_MAX_THREADS);
	free(m);
}

static void futex_wait_checks_value_and_wake_is_fifo(void **state)
{
	(void)state;
	struct deja_model *m = new_model(3);
	static uint32_t word = 5;
	struct deja_object *o = deja_model_object(m, (uint64_t)(uintptr_t)&word, DEJA_OBJ_FUTEX);
	assert_int_equal(run(m, 1, DEJA_OP_FUTEX_WAIT, o, 4), -EAGAIN);
	for (uint32_t t = 1; t <= 2; t++) {
		assert_int_equal(run(m, t, DEJA_OP_FUTEX_WAIT, o, 5), 0);
		deja_model_set_pending(m, t, DEJA_OP_FUTEX_RESUME, o, 5, 0);
		assert_false(deja_model_enabled(m, t));
	}
	assert_int_equal(run(m, 0, DEJA_OP_FUTEX_WAKE, o, 1), 1);
	assert_true(deja_model_enabled(m, 1));
	assert_false(deja_model_enabled(m, 2));
	word = 6; /* a changed word also lets a waiter go: it re-checks anyway */
	assert_true(deja_model_enabled(m, 2));
	free(m);
}

/* A thread whose file lock attempt found the lock held through another
 * open file of the process waits until the process's locks change after
 * the generation its attempt saw, and names the holder. */
static void file_lock_wait_ends_when_locks_change(void **state)
{
	(void)state;
	struct deja_model *m = new_model(3);
	static char anchor;
	struct deja_object *o = deja_model_object(m, (uint64_t)(uintptr_t)&anchor,
						  DEJA_OBJ_FILE_LOCK);
	uint32_t seen = 4;
	deja_model_file_locks_seen(o, seen);
	deja_model_set_pending(m, 1, DEJA_OP_FILE_LOCK_WAIT, o, 0, 0);
	m->threads[1].pending.value = seen;
	assert_false(deja_model_enabled(m, 1));
	assert_int_equal(deja_model_blocker(m, 1), 0);
	/* A change before the wait was declared still counts. */
	deja_model_file_locks_seen(o, seen + 1);
	deja_model_set_pending(m, 2, DEJA_OP_FILE_LOCK_WAIT, o, 0, 0);
	m->threads[2].pending.value = seen;
	assert_true(deja_model_enabled(m, 1));
	assert_true(deja_model_enabled(m, 2));
	uint64_t out;
	assert_int_equal(deja_model_execute(m, 1, false, &out), 0);
	assert_int_equal(out, 0);
	/* One that saw the new generation waits for the next change. */
	deja_model_set_pending(m, 1, DEJA_OP_FILE_LOCK_WAIT, o, 2, 0);
	m->threads[1].pending.value = o->generation;
	assert_false(deja_model_enabled(m, 1));
	assert_int_equal(deja_model_blocker(m, 1), 2);
	free(m);
}

/* A semaphore made with the value 1 is a lock: its waiter is blocked by
 * the thread that took it, until a post; one made with another value
 * (a counter, a signal) names nobody. */
static void a_binary_semaphore_has_a_taker(void **state)
{
	(void)state;
	struct deja_model *m = new_model(3);
	static char lock_anchor, signal_anchor;
	struct deja_object *lock = deja_model_object(m, (uint64_t)(uintptr_t)&lock_anchor,
						     DEJA_OBJ_SEM);
	struct deja_object *signal = deja_model_object(m, (uint64_t)(uintptr_t)&signal_anchor,
						       DEJA_OBJ_SEM);
	uint64_t out;
	deja_model_set_pending(m, 0, DEJA_OP_SEM_INIT, lock, 1, 0);
	assert_int_equal(deja_model_execute(m, 0, false, &out), 0);
	deja_model_set_pending(m, 0, DEJA_OP_SEM_INIT, signal, 0, 0);
	assert_int_equal(deja_model_execute(m, 0, false, &out), 0);
	deja_model_set_pending(m, 2, DEJA_OP_SEM_WAIT, lock, 0, 0);
	assert_int_equal(deja_model_execute(m, 2, false, &out), 0);
	deja_model_set_pending(m, 1, DEJA_OP_SEM_WAIT, lock, 0, 0);
	assert_false(deja_model_enabled(m, 1));
	assert_int_equal(deja_model_blocker(m, 1), 2);
	deja_model_set_pending(m, 0, DEJA_OP_SEM_WAIT, signal, 0, 0);
	assert_int_equal(deja_model_blocker(m, 0), DEJA_NO_THREAD);
	deja_model_set_pending(m, 2, DEJA_OP_SEM_POST, lock, 0, 0);
	assert_int_equal(deja_model_execute(m, 2, false, &out), 0);
	assert_true(deja_model_enabled(m, 1));
	assert_int_equal(deja_model_blocker(m, 1), DEJA_NO_THREAD);
	free(m);
}

/* The supervisor asks about a futex wait whose word is in another
 * process (here at an address nothing is mapped at): only the wait's own
 * state answers, the word is never read. */
static void futex_wait_asked_from_outside_reads_no_word(void **state)
{
	(void)state;
	struct deja_model *m = new_model(2);
	struct deja_object *o = deja_model_object(m, 8, DEJA_OBJ_FUTEX);
	deja_model_set_pending(m, 1, DEJA_OP_FUTEX_RESUME, o, 5, 0);
	assert_false(deja_model_enabled_outside(m, 1));
	m->threads[1].pending.woken = 1;
	assert_true(deja_model_enabled_outside(m, 1));
	deja_model_set_pending(m, 1, DEJA_OP_YIELD, NULL, 0, 0);
	assert_true(deja_model_enabled_outside(m, 1));
	free(m);
}

static void objects_get_stable_ids_and_reuse_slots(void **state)
{
	(void)state;
	struct deja_model *m = new_model(1);
	struct deja_object *a = deja_model_object(m, 0x1000, DEJA_OBJ_MUTEX);
	struct deja_object *b = deja_model_object(m, 0x2000, DEJA_OBJ_COND);
	assert_int_equal(a->id, 1);
	assert_int_equal(b->id, 2);
	assert_ptr_equal(deja_model_object(m, 0x1000, DEJA_OBJ_MUTEX), a);
	deja_model_forget(m, a);
	assert_null(deja_model_find(m, 0x1000));
	struct deja_object *c = deja_model_object(m, 0x1000, DEJA_OBJ_MUTEX);
	assert_int_equal(c->id, 3);
	/* Memory reused as another kind of object resets it. */
	struct deja_object *d = deja_model_object(m, 0x2000, DEJA_OBJ_SEM);
	assert_int_equal(d->kind, DEJA_OBJ_SEM);
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mutex_excludes_other_threads),
		cmocka_unit_test(normal_relock_blocks_but_errorcheck_reports),
		cmocka_unit_test(recursive_mutex_counts),
		cmocka_unit_test(cond_signal_wakes_oldest_waiter_then_needs_mutex),
		cmocka_unit_test(timed_cond_wait_may_time_out_only_with_mutex_free),
		cmocka_unit_test(semaphore_counts),
		cmocka_unit_test(barrier_releases_a_round_with_one_serial_thread),
		cmocka_unit_test(rwlock_readers_share_writer_excludes),
		cmocka_unit_test(join_waits_for_finish),
		cmocka_unit_test(joined_thread_numbers_serve_again),
		cmocka_unit_test(writer_preferring_rwlock_keeps_new_readers_out),
		cmocka_unit_test(recorded_keep_out_overrides_the_model),
		cmocka_unit_test(futex_wait_checks_value_and_wake_is_fifo),
		cmocka_unit_test(file_lock_wait_ends_when_locks_change),
		cmocka_unit_test(a_binary_semaphore_has_a_taker),
		cmocka_unit_test(futex_wait_asked_from_outside_reads_no_word),
		cmocka_unit_test(objects_get_stable_ids_and_reuse_slots),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
