/*
 * real.c: resolves the real libc functions behind the interposers.
 */
#define _GNU_SOURCE
#include <dlfcn.h>

#include "runtime.h"

struct rt_real rt_real_fns;

void rt_real_init(void)
{
#define REAL_FN(ret, name, params, version)                                  \
	rt_real_fns.name = (ret(*) params)(version                           \
		? dlvsym(RTLD_NEXT, #name, version ? version : "")           \
		: dlsym(RTLD_NEXT, #name));                                  \
	if (!rt_real_fns.name)                                               \
		rt_fatal("cannot resolve the real " #name);
#include "real.def"
#undef REAL_FN
}

void *rt_real_next(const char *name)
{
	void *fn = dlsym(RTLD_NEXT, name);
	if (!fn)
		rt_fatal("cannot resolve the libc function behind an interposer");
	return fn;
}
