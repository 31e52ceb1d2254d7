/*
 * interpose_cxx.c: the C++ standard library's randomness.
 *
 * std::random_device draws from the CPU's RDRAND instruction where the CPU
 * has one (libstdc++'s "default" token), and an instruction cannot be
 * trapped like a syscall: only CPUID faulting could hide RDRAND from the
 * library, and most CPUs in clouds and CI (this project's own machine
 * among them) do not offer it.  So its draws, which otherwise differ in
 * every replay, are taken here, at the library's entry point, and made
 * deja's randomness (random.c): an event whose bytes come from the
 * recorded entropy stream, the same in a replay.  Other code that runs
 * RDRAND or RDSEED itself is not caught (docs/architecture.md).
 *
 * The symbols are libstdc++'s own (C++ names, mangled), so a program that
 * calls through the library's PLT reaches these; a program linked with a
 * static libstdc++ does not.
 */
#define _GNU_SOURCE
#include <dlfcn.h>

#include "runtime.h"

typedef unsigned int (*getval_fn)(void *self);

/* The library's own, for a thread the runtime does not manage. */
static unsigned int real_getval(const char *name, getval_fn *cache, void *self)
{
	getval_fn fn = __atomic_load_n(cache, __ATOMIC_ACQUIRE);
	if (!fn) {
		fn = (getval_fn)dlsym(RTLD_NEXT, name);
		if (!fn)
			rt_fatal("cannot resolve libstdc++'s std::random_device");
		__atomic_store_n(cache, fn, __ATOMIC_RELEASE);
	}
	return fn(self);
}

static unsigned int draw(uint64_t site)
{
	unsigned int v = 0;
	rt_random(&v, sizeof(v), site);
	return v;
}

/* std::random_device::_M_getval() */
RT_EXPORT unsigned int _ZNSt13random_device9_M_getvalEv(void *self)
{
	static getval_fn real;
	if (!rt_managed())
		return real_getval("_ZNSt13random_device9_M_getvalEv", &real, self);
	return draw(RT_CALLER);
}

/* std::random_device::_M_getval_pretr1(), for the pre-C++11 string ABI */
RT_EXPORT unsigned int _ZNSt13random_device16_M_getval_pretr1Ev(void *self)
{
	static getval_fn real;
	if (!rt_managed())
		return real_getval("_ZNSt13random_device16_M_getval_pretr1Ev", &real, self);
	return draw(RT_CALLER);
}
