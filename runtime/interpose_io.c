/*
 * interpose_io.c: libc's functions for the program's hottest input and
 * output syscalls (read, write, pread, pwrite, readv, writev, recv,
 * recvfrom, recvmsg, send, sendto, sendmsg; lseek and the stat family,
 * inputs too) go to io.c without a trap per
 * call: a SIGSYS and its return cost about 2 us, more than the call itself
 * (100,000 one-byte preads took 3.7 us each recorded through the trap,
 * timed by hand).  The syscalls themselves, made raw or by glibc's
 * internals, still reach io.c through the trap, which treats them alike.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "syscall_table.h"

/* These calls are cancellation points: glibc's would act on a request
 * while they wait; these do before they start, and when the request ends
 * their wait (-EINTR).  A thread deja does not manage goes straight
 * through (rt_input and rt_output pass its calls on). */
static long input_call(long nr, long a0, long a1, long a2, long a3, long a4, long a5,
		       uint64_t site)
{
	long a[6] = { a0, a1, a2, a3, a4, a5 };
	bool managed = rt_managed();
	if (managed)
		rt_cancel_point();
	long r = rt_input(deja_syscall(nr), nr, a, site);
	if (managed && r == -EINTR)
		rt_cancel_point();
	return rt_to_libc(r);
}

static long output_call(long nr, long a0, long a1, long a2, long a3, long a4, long a5,
			uint64_t site)
{
	long a[6] = { a0, a1, a2, a3, a4, a5 };
	bool managed = rt_managed();
	if (managed)
		rt_cancel_point();
	long r = rt_output(deja_syscall(nr), nr, a, site);
	if (managed && r == -EINTR) /* a parallel wait for room (outputs.c) */
		rt_cancel_point();
	return rt_to_libc(r);
}

RT_EXPORT ssize_t read(int fd, void *buf, size_t len)
{
	return input_call(SYS_read, fd, (long)buf, (long)len, 0, 0, 0, RT_CALLER);
}

RT_EXPORT ssize_t write(int fd, const void *buf, size_t len)
{
	return output_call(SYS_write, fd, (long)buf, (long)len, 0, 0, 0, RT_CALLER);
}

RT_EXPORT ssize_t pread(int fd, void *buf, size_t len, off_t at)
{
	return input_call(SYS_pread64, fd, (long)buf, (long)len, at, 0, 0, RT_CALLER);
}

RT_EXPORT ssize_t pread64(int fd, void *buf, size_t len, off_t at)
	__attribute__((alias("pread")));

RT_EXPORT ssize_t pwrite(int fd, const void *buf, size_t len, off_t at)
{
	return output_call(SYS_pwrite64, fd, (long)buf, (long)len, at, 0, 0, RT_CALLER);
}

RT_EXPORT ssize_t pwrite64(int fd, const void *buf, size_t len, off_t at)
	__attribute__((alias("pwrite")));

RT_EXPORT ssize_t readv(int fd, const struct iovec *iov, int count)
{
	return input_call(SYS_readv, fd, (long)iov, count, 0, 0, 0, RT_CALLER);
}

RT_EXPORT ssize_t writev(int fd, const struct iovec *iov, int count)
{
	return output_call(SYS_writev, fd, (long)iov, count, 0, 0, 0, RT_CALLER);
}

RT_EXPORT ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	return input_call(SYS_recvfrom, fd, (long)buf, (long)len, flags, 0, 0, RT_CALLER);
}

RT_EXPORT ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from,
			   socklen_t *fromlen)
{
	return input_call(SYS_recvfrom, fd, (long)buf, (long)len, flags, (long)from,
			  (long)fromlen, RT_CALLER);
}

RT_EXPORT ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	return input_call(SYS_recvmsg, fd, (long)msg, flags, 0, 0, 0, RT_CALLER);
}

RT_EXPORT ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	return output_call(SYS_sendto, fd, (long)buf, (long)len, flags, 0, 0, RT_CALLER);
}

RT_EXPORT ssize_t sendto(int fd, const void *buf, size_t len, int flags,
			 const struct sockaddr *to, socklen_t tolen)
{
	return output_call(SYS_sendto, fd, (long)buf, (long)len, flags, (long)to, tolen,
			   RT_CALLER);
}

RT_EXPORT ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	return output_call(SYS_sendmsg, fd, (long)msg, flags, 0, 0, 0, RT_CALLER);
}

/* Not cancellation points: straight to io.c. */
static long plain_input(long nr, long a0, long a1, long a2, long a3, uint64_t site)
{
	long a[6] = { a0, a1, a2, a3, 0, 0 };
	return rt_to_libc(rt_input(deja_syscall(nr), nr, a, site));
}

RT_EXPORT off_t lseek(int fd, off_t at, int whence)
{
	return plain_input(SYS_lseek, fd, at, whence, 0, RT_CALLER);
}

RT_EXPORT off_t lseek64(int fd, off_t at, int whence)
	__attribute__((alias("lseek")));

RT_EXPORT int fstat(int fd, struct stat *st)
{
	return (int)plain_input(SYS_fstat, fd, (long)st, 0, 0, RT_CALLER);
}

RT_EXPORT int stat(const char *path, struct stat *st)
{
	return (int)plain_input(SYS_newfstatat, AT_FDCWD, (long)path, (long)st, 0, RT_CALLER);
}

RT_EXPORT int lstat(const char *path, struct stat *st)
{
	return (int)plain_input(SYS_newfstatat, AT_FDCWD, (long)path, (long)st,
				AT_SYMLINK_NOFOLLOW, RT_CALLER);
}

RT_EXPORT int fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	return (int)plain_input(SYS_newfstatat, dirfd, (long)path, (long)st, flags, RT_CALLER);
}

/* The names programs built for large files call: the same functions,
 * since struct stat64 is struct stat on x86-64. */
_Static_assert(sizeof(struct stat64) == sizeof(struct stat), "stat64 is stat");
RT_EXPORT int fstat64(int fd, struct stat64 *st) __attribute__((alias("fstat")));
RT_EXPORT int stat64(const char *path, struct stat64 *st) __attribute__((alias("stat")));
RT_EXPORT int lstat64(const char *path, struct stat64 *st) __attribute__((alias("lstat")));
RT_EXPORT int fstatat64(int dirfd, const char *path, struct stat64 *st, int flags)
	__attribute__((alias("fstatat")));
