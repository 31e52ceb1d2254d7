/*
 * real.h: pointers to the real (libc) versions of every interposed
 * function, resolved with dlsym(RTLD_NEXT) at start-up, or on first use
 * when another library's constructor calls in before ours ran.
 */
#ifndef DEJA_REAL_H
#define DEJA_REAL_H

#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <sys/time.h>
#include <threads.h>
#include <time.h>
#include <unistd.h>

struct rt_real {
#define REAL_FN(ret, name, params, version) ret(*name) params;
#include "real.def"
#undef REAL_FN
};

extern struct rt_real rt_real_fns;
void rt_real_init(void);
/* The libc function `name` behind an interposer (fatal if none). */
void *rt_real_next(const char *name);
/* interpose_stdio.c: the real stdio functions behind its interposers. */
void rt_stdio_init(void);
/* program_calls.c: resolve the libc functions behind its interposers. */
void rt_program_calls_init(void);

#define RT_REAL(name) \
	(__builtin_expect(rt_real_fns.name != NULL, 1) ? rt_real_fns.name \
						       : (rt_real_init(), rt_real_fns.name))

#endif /* DEJA_REAL_H */
