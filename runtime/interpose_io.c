/*
 * interpose_io.c: read() and write() in libc, the program's hottest
 * syscalls, go to io.c without a trap per call (a SIGSYS costs more than
 * the read of a small buffer).  The syscalls themselves, made raw or by
 * glibc's internals, still reach io.c through the trap.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "syscall_table.h"

static long to_libc(long r)
{
	if (r < 0 && r > -4096) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

/* read() and write() are cancellation points: glibc's would act on a
 * request while they wait; these do before they start, and when the
 * request ends an input's wait (-EINTR).  A thread deja does not manage
 * goes straight through (rt_input and rt_output pass its calls on). */
RT_EXPORT ssize_t read(int fd, void *buf, size_t len)
{
	long a[6] = { fd, (long)buf, (long)len, 0, 0, 0 };
	bool managed = rt_managed();
	if (managed)
		rt_cancel_point();
	long r = rt_input(deja_syscall(SYS_read), SYS_read, a, RT_CALLER);
	if (managed && r == -EINTR)
		rt_cancel_point();
	return to_libc(r);
}

RT_EXPORT ssize_t write(int fd, const void *buf, size_t len)
{
	long a[6] = { fd, (long)buf, (long)len, 0, 0, 0 };
	if (rt_managed())
		rt_cancel_point();
	return to_libc(rt_output(deja_syscall(SYS_write), SYS_write, a, RT_CALLER));
}
