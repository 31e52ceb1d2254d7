/*
 * interpose_stdio.c: in parallel mode, a stdio call takes its stream's
 * lock in the model before libc's own.  In every mode the events libc
 * makes for the call (its write, its read, its stream lock's futex) name
 * the program's call (program_calls.c).
 *
 * glibc's stream lock is taken in memory and waits in futex only when
 * contended, so in parallel mode (where threads run at once) deja saw
 * neither the order in which threads took a stream nor, mostly, that they
 * took it at all.  Two threads printing to one stream filled its buffer
 * in one order when recorded and another when replayed: the replay's
 * write had other bytes (most parallel replays of three threads printing
 * 2,000 lines each diverged), or its thread stood in a futex for a lock
 * that a thread waiting for its turn held.  Each stdio function that
 * locks a stream (stdio.def, and the variadic ones below) now first locks
 * the stream in the model (stream_lock, a recursive mutex named by the
 * FILE's address: `stream#N`), and unlocks it after: the order is
 * recorded and a replay follows it, and libc's own lock is then never
 * contended among them.  flockfile, funlockfile and ftrylockfile take
 * both.  The serialised strategies need none of this: one thread runs at
 * a time and a contended stream lock is a futex wait the scheduler
 * emulates, so these calls go straight to libc there, as for threads deja
 * does not manage.
 *
 * The runtime itself uses no stdio (runtime.h, check-imports.sh): these
 * are the program's calls, made for it through the functions dlsym finds
 * behind this library.
 */
#undef _FORTIFY_SOURCE
#define _GNU_SOURCE
#include "runtime.h"

#include <stdarg.h>
#include <stdio.h>

#include "model.h"

#undef getc
#undef putc

static struct {
#define STDIO_FN(ret, name, params, args, stream) ret(*name) params;
#define STDIO_VOID_FN(name, params, args, stream) void(*name) params;
#include "stdio.def"
#undef STDIO_FN
#undef STDIO_VOID_FN
	int (*fflush)(FILE *fp);
	void (*flockfile)(FILE *fp);
	void (*funlockfile)(FILE *fp);
	int (*ftrylockfile)(FILE *fp);
} real;


void rt_stdio_init(void)
{
#define STDIO_FN(ret, name, params, args, stream) real.name = rt_real_next(#name);
#define STDIO_VOID_FN(name, params, args, stream) real.name = rt_real_next(#name);
#include "stdio.def"
#undef STDIO_FN
#undef STDIO_VOID_FN
	real.fflush = rt_real_next("fflush");
	real.flockfile = rt_real_next("flockfile");
	real.funlockfile = rt_real_next("funlockfile");
	real.ftrylockfile = rt_real_next("ftrylockfile");
}

/* Another library's constructor may print before the runtime's has run
 * (libselinux's, in ls): resolved on first use then. */
#define REAL(name) (__builtin_expect(real.name != NULL, 1) ? real.name : (rt_stdio_init(), real.name))

static bool in_order(void)
{
	return rt_managed() && rt.shared->parallel;
}

static int stream_op(FILE *fp, enum deja_op op, uint64_t site)
{
	int saved = errno; /* the call's errno, not the model's */
	struct deja_object *o = rt_object(fp, DEJA_OBJ_STREAM);
	if (o->owner == DEJA_NO_THREAD)
		o->subtype = DEJA_MUTEX_RECURSIVE; /* as libc's: a thread may nest them */
	rt_declare(op, o, 0, site);
	int r = (int)rt_run();
	errno = saved;
	return r;
}

static void stream_lock(FILE *fp, uint64_t site)
{
	stream_op(fp, DEJA_OP_STREAM_LOCK, site);
}

static void stream_unlock(FILE *fp, uint64_t site)
{
	stream_op(fp, DEJA_OP_STREAM_UNLOCK, site);
}

#define STDIO_FN(ret, name, params, args, stream)       \
	RT_EXPORT ret name params                       \
	{                                               \
		if (!in_order())                        \
			return RT_AS_PROGRAM_CALL(ret, REAL(name) args); \
		uint64_t site = RT_CALLER;              \
		FILE *locked = (stream);                \
		stream_lock(locked, site);              \
		ret r = RT_AS_PROGRAM_CALL(ret, REAL(name) args); \
		stream_unlock(locked, site);            \
		return r;                               \
	}
#define STDIO_VOID_FN(name, params, args, stream)       \
	RT_EXPORT void name params                      \
	{                                               \
		if (!in_order()) {                      \
			RT_AS_PROGRAM_CALL(int, (REAL(name) args, 0)); \
			return;                         \
		}                                       \
		uint64_t site = RT_CALLER;              \
		FILE *locked = (stream);                \
		stream_lock(locked, site);              \
		RT_AS_PROGRAM_CALL(int, (REAL(name) args, 0)); \
		stream_unlock(locked, site);            \
	}
#include "stdio.def"
#undef STDIO_FN
#undef STDIO_VOID_FN

/* fflush(NULL) flushes every stream, taking each lock in turn: left to
 * libc (a stream another thread is writing may then be waited for in
 * memory, which parallel mode waits out in the kernel). */
RT_EXPORT int fflush(FILE *fp)
{
	if (!fp || !in_order())
		return RT_AS_PROGRAM_CALL(int, REAL(fflush)(fp));
	uint64_t site = RT_CALLER;
	stream_lock(fp, site);
	int r = RT_AS_PROGRAM_CALL(int, REAL(fflush)(fp));
	stream_unlock(fp, site);
	return r;
}

RT_EXPORT void flockfile(FILE *fp)
{
	if (in_order())
		stream_lock(fp, RT_CALLER);
	REAL(flockfile)(fp);
}

RT_EXPORT void funlockfile(FILE *fp)
{
	REAL(funlockfile)(fp);
	if (in_order())
		stream_unlock(fp, RT_CALLER);
}

RT_EXPORT int ftrylockfile(FILE *fp)
{
	if (!in_order())
		return REAL(ftrylockfile)(fp);
	uint64_t site = RT_CALLER;
	if (stream_op(fp, DEJA_OP_STREAM_TRYLOCK, site) != 0)
		return -1;
	if (REAL(ftrylockfile)(fp) == 0)
		return 0;
	stream_unlock(fp, site); /* held in memory by a call deja did not see */
	return -1;
}

/* The variadic ones, through the real va_list twins, the lock taken
 * here so that its events name the program's call. */
#define VA_LOCKED(last, stream, call)                   \
	va_list ap;                                     \
	va_start(ap, last);                             \
	int r;                                          \
	if (!in_order()) {                              \
		r = RT_AS_PROGRAM_CALL(int, call);      \
	} else {                                        \
		uint64_t site = RT_CALLER;              \
		FILE *locked = (stream);                \
		stream_lock(locked, site);              \
		r = RT_AS_PROGRAM_CALL(int, call);      \
		stream_unlock(locked, site);            \
	}                                               \
	va_end(ap);                                     \
	return r

RT_EXPORT int printf(const char *f, ...)
{
	VA_LOCKED(f, stdout, REAL(vprintf)(f, ap));
}

RT_EXPORT int fprintf(FILE *fp, const char *f, ...)
{
	VA_LOCKED(f, fp, REAL(vfprintf)(fp, f, ap));
}

RT_EXPORT int __printf_chk(int flag, const char *f, ...)
{
	VA_LOCKED(f, stdout, REAL(__vprintf_chk)(flag, f, ap));
}

RT_EXPORT int __fprintf_chk(FILE *fp, int flag, const char *f, ...)
{
	VA_LOCKED(f, fp, REAL(__vfprintf_chk)(fp, flag, f, ap));
}

RT_EXPORT int __isoc99_scanf(const char *f, ...)
{
	VA_LOCKED(f, stdin, REAL(__isoc99_vscanf)(f, ap));
}

RT_EXPORT int __isoc99_fscanf(FILE *fp, const char *f, ...)
{
	VA_LOCKED(f, fp, REAL(__isoc99_vfscanf)(fp, f, ap));
}
