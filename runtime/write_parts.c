/*
 * write_parts.c: a write made in parts, each what the descriptor takes at
 * once (outputs.c says when and why).
 *
 * Here are the parts' arithmetic and the non-waiting write itself: a
 * socket's with MSG_DONTWAIT (sendmsg for a writev; a sendmsg's control
 * data with its first part only), a pipe's through a
 * descriptor of its own opened non-blocking on /proc/self/fd/N (the
 * program's stays as it is), or, for at most PIPE_BUF bytes that poll
 * says fit, the write itself.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "syscall_table.h"

/* "/proc/self/fd/N" into buf (at least 40 bytes). */
static void fd_path(char *buf, long fd)
{
	strcpy(buf, "/proc/self/fd/");
	rt_decimal(buf + strlen(buf), fd);
}

/* A writev's or sendmsg's bytes come in iovecs. */
static bool gathers(long nr)
{
	return nr == SYS_writev || nr == SYS_sendmsg;
}

/* The iovecs a gathering call gives, and how many (*count). */
static const struct iovec *call_iovs(long nr, const long a[6], long *count)
{
	if (nr == SYS_sendmsg) {
		const struct msghdr *m = (const struct msghdr *)a[1];
		*count = (long)m->msg_iovlen;
		return m->msg_iov;
	}
	*count = a[2];
	return (const struct iovec *)a[1];
}

uint64_t rt_part_len(long nr, const long a[6])
{
	if (!gathers(nr))
		return (uint64_t)a[2];
	long count;
	const struct iovec *iov = call_iovs(nr, a, &count);
	uint64_t n = 0;
	for (long i = 0; i < count; i++)
		n += iov[i].iov_len;
	return n;
}

/* The iovecs from byte `skip` on, at most `limit` bytes of them and at
 * most RT_PART_IOVS of them (a call with more goes in parts of that many),
 * into out: how many. */
static long iov_slice(const struct iovec *iov, long count, uint64_t skip, uint64_t limit,
		      struct iovec *out)
{
	long n = 0;
	for (long i = 0; i < count && limit > 0 && n < RT_PART_IOVS; i++) {
		uint64_t len = iov[i].iov_len;
		if (skip >= len) {
			skip -= len;
			continue;
		}
		uint64_t take = len - skip < limit ? len - skip : limit;
		out[n++] = (struct iovec){ (char *)iov[i].iov_base + skip, take };
		skip = 0;
		limit -= take;
	}
	return n;
}

/* The arguments that give the call's bytes from `skip` on, at most
 * `limit` of them.  A sendmsg's control data (descriptors passed, say)
 * goes with its first byte, as natively, so only with a slice from 0. */
static void slice_args(long nr, long out[6], const long a[6], uint64_t skip, uint64_t limit,
		       struct rt_part_space *space)
{
	memcpy(out, a, 6 * sizeof(long));
	if (!gathers(nr)) {
		uint64_t left = (uint64_t)a[2] - skip;
		out[1] = a[1] + (long)skip;
		out[2] = (long)(left < limit ? left : limit);
		return;
	}
	long count;
	const struct iovec *iov = call_iovs(nr, a, &count);
	long n = iov_slice(iov, count, skip, limit, space->iov);
	if (nr == SYS_writev) {
		out[1] = (long)space->iov;
		out[2] = n;
		return;
	}
	space->msg = *(const struct msghdr *)a[1];
	space->msg.msg_iov = space->iov;
	space->msg.msg_iovlen = (size_t)n;
	if (skip > 0) {
		space->msg.msg_control = NULL;
		space->msg.msg_controllen = 0;
	}
	out[1] = (long)&space->msg;
}

/* Record: what the descriptor takes of the bytes the arguments give now,
 * without waiting: their count, 0 for none, or the call's error. */
long rt_part_write(long nr, const long a[6])
{
	long r;
	if (rt_files_type(a[0]) == S_IFSOCK) {
		bool to = nr == SYS_sendto;
		if (nr == SYS_sendmsg) {
			r = rt_syscall3(SYS_sendmsg, a[0], a[1], a[2] | MSG_DONTWAIT);
		} else if (nr == SYS_writev) {
			struct msghdr m = { .msg_iov = (struct iovec *)a[1], .msg_iovlen = (size_t)a[2] };
			r = rt_syscall3(SYS_sendmsg, a[0], &m, MSG_DONTWAIT);
		} else {
			r = rt_syscall(SYS_sendto, a[0], a[1], a[2], (to ? a[3] : 0) | MSG_DONTWAIT,
				       to ? a[4] : 0, to ? a[5] : 0);
		}
		return r == -EAGAIN ? 0 : r;
	}
	long call = nr == SYS_writev ? SYS_writev : SYS_write;
	struct pollfd pfd = { .fd = (int)a[0], .events = POLLOUT };
	if (rt_part_len(nr, a) <= PIPE_BUF) /* poll's room is a page, at least PIPE_BUF */
		return rt_syscall3(SYS_poll, &pfd, 1, 0) == 0 ? 0 : rt_syscall3(call, a[0], a[1], a[2]);
	char path[40];
	fd_path(path, a[0]);
	long own = rt_syscall4(SYS_openat, AT_FDCWD, path, O_WRONLY | O_NONBLOCK | O_CLOEXEC, 0);
	if (own < 0) /* no reader (ENXIO), and the write fails; or no /proc */
		return rt_syscall3(call, a[0], a[1], a[2]);
	r = rt_syscall3(call, own, a[1], a[2]);
	rt_syscall1(SYS_close, own);
	return r == -EAGAIN ? 0 : r;
}

/* A part's digest covers the bytes it took, not all those left, which
 * would hash a big write's bytes once per part.  (A whole write's are
 * the same bytes.) */
uint64_t rt_part_digest(long nr, const long a[6], long r)
{
	long taken[6];
	struct rt_part_space space;
	slice_args(nr, taken, a, 0, r >= 0 ? (uint64_t)r : UINT64_MAX, &space);
	return rt_io_digest(deja_syscall(nr), taken, r, true, RT_IO_ANY_ROOM);
}

void rt_part_args(long nr, long part[6], const long a[6], uint64_t done, struct rt_part_space *space)
{
	slice_args(nr, part, a, done, UINT64_MAX, space);
}

bool rt_part_sliceable(long nr)
{
	return nr == SYS_write || nr == SYS_writev || nr == SYS_sendto || nr == SYS_sendmsg;
}

void rt_part_slice(long nr, long part[6], const long a[6], uint64_t skip, uint64_t limit,
		   struct rt_part_space *space)
{
	slice_args(nr, part, a, skip, limit, space);
}
