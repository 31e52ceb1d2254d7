/*
 * thread_dtors.c: the destructors a thread leaves for its exit, run while
 * it is still in the model.
 *
 * glibc runs a returning thread's thread_local destructors
 * (__cxa_thread_atexit_impl's list) and its pthread key destructors after
 * the start routine, that is after the trampoline has recorded
 * THREAD_EXIT: they ran unmanaged, and what they did in the model's
 * objects went past it.  std::notify_all_at_thread_exit unlocks a mutex
 * and notifies a condition there, which the waiter, in the model, never
 * saw: the run ended as a deadlock.  The trampoline now runs both lists
 * itself before the thread leaves, in glibc's order; glibc then finds
 * them empty.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <dlfcn.h>
#include <limits.h>

/* The destructor of each key made through pthread_key_create: glibc keeps
 * them out of reach. */
static void (*key_dtors[PTHREAD_KEYS_MAX])(void *);

RT_EXPORT int pthread_key_create(pthread_key_t *key, void (*dtor)(void *))
{
	int r = RT_REAL(pthread_key_create)(key, dtor);
	if (r == 0 && *key < PTHREAD_KEYS_MAX)
		__atomic_store_n(&key_dtors[*key], dtor, __ATOMIC_RELEASE);
	return r;
}

RT_EXPORT int pthread_key_delete(pthread_key_t key)
{
	if (key < PTHREAD_KEYS_MAX)
		__atomic_store_n(&key_dtors[key], NULL, __ATOMIC_RELEASE);
	return RT_REAL(pthread_key_delete)(key);
}

/* One pass over the keys, as glibc makes one: each value set is cleared,
 * then handed to its destructor.  Whether any destructor ran. */
static bool key_pass(void)
{
	bool ran = false;
	for (pthread_key_t k = 0; k < PTHREAD_KEYS_MAX; k++) {
		void (*dtor)(void *) = __atomic_load_n(&key_dtors[k], __ATOMIC_ACQUIRE);
		void *v = dtor ? pthread_getspecific(k) : NULL;
		if (!v)
			continue;
		pthread_setspecific(k, NULL);
		dtor(v);
		ran = true;
	}
	return ran;
}

/* glibc's own runner of the thread_local destructors, private to it: when
 * it cannot be found, glibc runs them after the thread has left, as before. */
static void call_tls_dtors(void)
{
	static void (*fn)(void);
	static int looked;
	if (!__atomic_load_n(&looked, __ATOMIC_ACQUIRE)) {
		fn = (void (*)(void))dlvsym(RTLD_NEXT, "__call_tls_dtors", "GLIBC_PRIVATE");
		__atomic_store_n(&looked, 1, __ATOMIC_RELEASE);
	}
	if (fn)
		fn();
}

void rt_thread_dtors(void)
{
	call_tls_dtors();
	for (int i = 0; i < PTHREAD_DESTRUCTOR_ITERATIONS && key_pass(); i++)
		;
}
