/*
 * program_calls.c: the program's own line for what libc does on its
 * behalf.
 *
 * An event made inside libc has its site there: the syscall of a wrapper
 * such as epoll_wait() or opendir(), the write behind printf(), the futex
 * wait of a stdio stream's lock.  "epoll_wait (libc.so.6)" or
 * "fstatat (libc.so.6)" said nothing about which of the program's calls it
 * was, in a schedule, a wait-for graph or a bisection's racing pair.  So
 * the libc functions a program calls for such events (program_calls.def,
 * the open family below, and the stdio functions of interpose_stdio.c) are
 * interposed only to note their caller: while the call runs, a trapped
 * syscall takes the caller's address as its site (rt_program_site, from
 * trap.c), and libc's own function does the work, unchanged, with its
 * cancellation points and errno.  The outermost call wins: fopen's openat
 * is fopen's caller's.
 *
 * The note is kept per thread with the stack address it was made at: a
 * syscall whose stack pointer is above that address cannot be within the
 * call (a siglongjmp left it), and the note is dropped.  A signal handler
 * that runs within the call is below it: its events are placed at the
 * call too.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <assert.h> /* __assert_fail's declaration */
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static __thread struct rt_program_call current __attribute__((tls_model("initial-exec")));

struct rt_program_call rt_program_call_begin(uint64_t caller, uint64_t stack)
{
	struct rt_program_call outer = current;
	if (!outer.site)
		current = (struct rt_program_call){ .site = caller, .stack = stack };
	return outer;
}

void rt_program_call_end(struct rt_program_call outer)
{
	current = outer;
}

uint64_t rt_program_site(uint64_t site, uint64_t sp)
{
	if (!current.site)
		return site;
	if (sp >= current.stack) { /* the call was left without returning */
		current = (struct rt_program_call){ 0 };
		return site;
	}
	return current.site;
}


/* Each function's libc twin, found at the runtime's start
 * (rt_program_calls_init) or at a call made before it. */
#define RESOLVE(name)                                                       \
	do {                                                                \
		if (__builtin_expect(real_##name == NULL, 0))               \
			real_##name = rt_real_next(#name);                       \
	} while (0)

#define PROGRAM_CALL(ret, name, params, args) static ret(*real_##name) params;
#include "program_calls.def"
#undef PROGRAM_CALL
static int (*real_open)(const char *, int, ...);
static int (*real_open64)(const char *, int, ...);
static int (*real_openat)(int, const char *, int, ...);
static int (*real_openat64)(int, const char *, int, ...);
static int (*real_ioctl)(int, unsigned long, ...);
static int (*real___open_2)(const char *, int);
static int (*real___open64_2)(const char *, int);
static int (*real___openat_2)(int, const char *, int);
static int (*real___openat64_2)(int, const char *, int);
static void (*real___assert_fail)(const char *, const char *, unsigned int, const char *);

/* All resolved at the runtime's start, before a signal handler could call
 * one (dlsym is no call for a handler); each interposer's RESOLVE covers
 * a call made before that, by another library's constructor. */
void rt_program_calls_init(void)
{
#define PROGRAM_CALL(ret, name, params, args) RESOLVE(name);
#include "program_calls.def"
#undef PROGRAM_CALL
	RESOLVE(open);
	RESOLVE(open64);
	RESOLVE(openat);
	RESOLVE(openat64);
	RESOLVE(ioctl);
	RESOLVE(__open_2);
	RESOLVE(__open64_2);
	RESOLVE(__openat_2);
	RESOLVE(__openat64_2);
	RESOLVE(__assert_fail);
}

#define PROGRAM_CALL(ret, name, params, args)                                     \
	RT_EXPORT ret name params                                                 \
	{                                                                         \
		RESOLVE(name);                                                    \
		return RT_AS_PROGRAM_CALL(ret, real_##name args);                 \
	}
#include "program_calls.def"
#undef PROGRAM_CALL

/* The open family: the mode argument is there only with O_CREAT or
 * O_TMPFILE. */
static mode_t mode_of(int flags, va_list ap)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? va_arg(ap, mode_t) : 0;
}

#define OPEN_FAMILY(name, params, args)                                            \
	RT_EXPORT int name params                                                 \
	{                                                                         \
		va_list ap;                                                       \
		va_start(ap, flags);                                              \
		mode_t mode = mode_of(flags, ap);                                 \
		va_end(ap);                                                       \
		RESOLVE(name);                                                    \
		return RT_AS_PROGRAM_CALL(int, real_##name args);                 \
	}
OPEN_FAMILY(open, (const char *path, int flags, ...), (path, flags, mode))
OPEN_FAMILY(open64, (const char *path, int flags, ...), (path, flags, mode))
OPEN_FAMILY(openat, (int dirfd, const char *path, int flags, ...), (dirfd, path, flags, mode))
OPEN_FAMILY(openat64, (int dirfd, const char *path, int flags, ...), (dirfd, path, flags, mode))
#undef OPEN_FAMILY

/* ioctl: its third argument, when there is one, is a word. */
RT_EXPORT int ioctl(int fd, unsigned long request, ...)
{
	va_list ap;
	va_start(ap, request);
	void *arg = va_arg(ap, void *);
	va_end(ap);
	RESOLVE(ioctl);
	return RT_AS_PROGRAM_CALL(int, real_ioctl(fd, request, arg));
}

/* _FORTIFY_SOURCE's checked opens, called where the flags are not known
 * when the program is built. */
RT_EXPORT int __open_2(const char *path, int flags)
{
	RESOLVE(__open_2);
	return RT_AS_PROGRAM_CALL(int, real___open_2(path, flags));
}

RT_EXPORT int __open64_2(const char *path, int flags)
{
	RESOLVE(__open64_2);
	return RT_AS_PROGRAM_CALL(int, real___open64_2(path, flags));
}

RT_EXPORT int __openat_2(int dirfd, const char *path, int flags)
{
	RESOLVE(__openat_2);
	return RT_AS_PROGRAM_CALL(int, real___openat_2(dirfd, path, flags));
}

RT_EXPORT int __openat64_2(int dirfd, const char *path, int flags)
{
	RESOLVE(__openat64_2);
	return RT_AS_PROGRAM_CALL(int, real___openat64_2(dirfd, path, flags));
}

/* A failed assert()'s message: its write is placed at the assertion.
 * The call does not return, so the address after it may be the next
 * function's first: the site is the call's last byte. */

RT_EXPORT void __assert_fail(const char *assertion, const char *file, unsigned int line,
			     const char *function)
{
	RESOLVE(__assert_fail);
	rt_program_call_begin(RT_CALLER - 1, (uint64_t)(uintptr_t)__builtin_frame_address(0));
	real___assert_fail(assertion, file, line, function);
	__builtin_unreachable();
}
