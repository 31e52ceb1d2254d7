/*
 * write_parts.c: a write made in parts, each what the descriptor takes at
 * once (io.c, "outputs that would wait", says when and why).
 *
 * Here are the parts' arithmetic and the non-waiting write itself: a
 * socket's with MSG_DONTWAIT (sendmsg for a writev), a pipe's through a
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

/* The bytes the call (or a part's arguments) would write. */
uint64_t rt_part_len(long nr, const long a[6])
{
	if (nr != SYS_writev)
		return (uint64_t)a[2];
	const struct iovec *iov = (const struct iovec *)a[1];
	uint64_t n = 0;
	for (long i = 0; i < a[2]; i++)
		n += iov[i].iov_len;
	return n;
}

/* writev's iovecs from byte `skip` on, at most `limit` bytes of them and
 * at most RT_PART_IOVS of them (a writev of more goes in parts of that
 * many), into out: how many. */
long rt_part_iov_slice(const long a[6], uint64_t skip, uint64_t limit, struct iovec *out)
{
	const struct iovec *iov = (const struct iovec *)a[1];
	long n = 0;
	for (long i = 0; i < a[2] && limit > 0 && n < RT_PART_IOVS; i++) {
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

/* Record: what the descriptor takes of the bytes the arguments give now,
 * without waiting: their count, 0 for none, or the call's error. */
long rt_part_write(long nr, const long a[6])
{
	long r;
	if (rt_files_type(a[0]) == S_IFSOCK) {
		bool to = nr == SYS_sendto;
		if (nr == SYS_writev) {
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
uint64_t rt_part_digest(const struct deja_syscall_info *sc, const long a[6], long r)
{
	long taken[6];
	struct iovec iov[RT_PART_IOVS];
	memcpy(taken, a, sizeof(taken));
	if (sc->size_kind == DEJA_SZ_IOV && r >= 0) { /* writev */
		taken[1] = (long)iov;
		taken[2] = rt_part_iov_slice(a, 0, (uint64_t)r, iov);
	} else if (sc->size_kind != DEJA_SZ_IOV && r >= 0 && r < taken[2]) {
		taken[2] = r;
	}
	return rt_io_digest(sc, taken, r, true, RT_IO_ANY_ROOM);
}

/* The arguments of the part that starts `done` bytes into the call's
 * (writev's iovecs in iov). */
void rt_part_args(long nr, long part[6], const long a[6], uint64_t done, struct iovec *iov)
{
	memcpy(part, a, 6 * sizeof(long));
	if (nr == SYS_writev) {
		part[1] = (long)iov;
		part[2] = rt_part_iov_slice(a, done, UINT64_MAX, iov);
		return;
	}
	part[1] = a[1] + (long)done;
	part[2] = a[2] - (long)done;
}
