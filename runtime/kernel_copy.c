/*
 * kernel_copy.c: sendfile, copy_file_range and splice, as a read and a
 * write the runtime sees.
 *
 * These calls move bytes from one descriptor to another inside the
 * kernel.  The program never holds the bytes, yet they are input (what a
 * file, pipe or socket held) and output (`cat FILE` prints through
 * copy_file_range, a web server answers through sendfile).  Run as they
 * are, their bytes would be neither recorded nor compared, and a replay,
 * which does not run input calls, would print nothing where the recording
 * printed the file.
 *
 * So each call becomes one chunk of at most KERNEL_COPY_CHUNK bytes: a
 * read (or pread, at the call's offset) through rt_input, then a write (or
 * pwrite) of what it got through rt_output, two events like any others.
 * The read's bytes are recorded with their source and fed back in a
 * replay; the write is compared with the recording and shown again on the
 * user's stdout and stderr.  A chunk is a short count, which callers of
 * these calls loop on (they transfer "up to" the count they ask for).
 *
 * When the write takes fewer bytes than the read got, the rest goes back
 * to a seekable input (an lseek, itself an input event); from a pipe or a
 * socket it would be lost, so the write is retried until it has taken all
 * of them or failed.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "syscall_table.h"

#define KERNEL_COPY_CHUNK (64 * 1024)

/* One side of a copy: a descriptor and, if the call gave one, the offset
 * the kernel would use and advance instead of the file position. */
struct copy_end {
	long fd;
	loff_t *offset;
};

/* A read of up to len bytes from `in` into buf, as an input event. */
static long read_side(struct copy_end in, void *buf, size_t len, uint64_t site)
{
	long nr = in.offset ? SYS_pread64 : SYS_read;
	long a[6] = { in.fd, (long)buf, (long)len, in.offset ? (long)*in.offset : 0, 0, 0 };
	return rt_input(deja_syscall(nr), nr, a, site);
}

/* A write of len bytes of buf to `out`, as output events: retried while
 * it takes some.  What it took, or the error of a first write. */
static long write_side(struct copy_end out, const uint8_t *buf, size_t len, uint64_t site)
{
	long nr = out.offset ? SYS_pwrite64 : SYS_write;
	size_t done = 0;
	while (done < len) {
		long at = out.offset ? (long)(*out.offset + (loff_t)done) : 0;
		long a[6] = { out.fd, (long)(buf + done), (long)(len - done), at, 0, 0 };
		long r = rt_output(deja_syscall(nr), nr, a, site);
		if (r <= 0)
			return done ? (long)done : r;
		done += (size_t)r;
	}
	return (long)done;
}

/* Give `unread` bytes back to a read from the file position. */
static void unread_side(struct copy_end in, long unread, uint64_t site)
{
	if (in.offset || unread <= 0)
		return;
	long a[6] = { in.fd, -unread, SEEK_CUR, 0, 0, 0 };
	rt_input(deja_syscall(SYS_lseek), SYS_lseek, a, site);
}

/* With SPLICE_F_NONBLOCK, whether fd is ready for `events` now (a poll
 * with no timeout, itself an input event). */
static bool ready_now(long fd, short events, uint64_t site)
{
	struct pollfd p = { .fd = (int)fd, .events = events };
	long a[6] = { (long)&p, 1, 0, 0, 0, 0 };
	return rt_input(deja_syscall(SYS_poll), SYS_poll, a, site) > 0;
}

/* One chunk from `in` to `out`: bytes written, or -errno. */
static long copy_chunk(struct copy_end in, struct copy_end out, size_t len, uint64_t site)
{
	if (len == 0)
		return 0;
	if (len > KERNEL_COPY_CHUNK)
		len = KERNEL_COPY_CHUNK;
	/* Mapped for the call: the runtime does not allocate, and a program
	 * thread's stack may be too small for the chunk. */
	long map = rt_syscall(SYS_mmap, 0, KERNEL_COPY_CHUNK, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map < 0 && map > -4096)
		return map;
	uint8_t *buf = (uint8_t *)map;
	long got = read_side(in, buf, len, site);
	long put = got > 0 ? write_side(out, buf, (size_t)got, site) : got;
	if (got > 0)
		unread_side(in, got - (put > 0 ? put : 0), site);
	if (put > 0 && in.offset)
		*in.offset += put;
	if (put > 0 && out.offset)
		*out.offset += put;
	rt_syscall2(SYS_munmap, map, KERNEL_COPY_CHUNK);
	return put;
}

static long emulate_sendfile(const long a[6], uint64_t site)
{
	struct copy_end in = { a[1], (loff_t *)a[2] }, out = { a[0], NULL };
	return copy_chunk(in, out, (size_t)a[3], site);
}

static long emulate_copy_file_range(const long a[6], uint64_t site)
{
	if (a[5] != 0)
		return -EINVAL; /* no flags are defined */
	struct copy_end in = { a[0], (loff_t *)a[1] }, out = { a[2], (loff_t *)a[3] };
	return copy_chunk(in, out, (size_t)a[4], site);
}

static long emulate_splice(const long a[6], uint64_t site)
{
	struct copy_end in = { a[0], (loff_t *)a[1] }, out = { a[2], (loff_t *)a[3] };
	if ((a[5] & SPLICE_F_NONBLOCK) &&
	    (!ready_now(in.fd, POLLIN, site) || !ready_now(out.fd, POLLOUT, site)))
		return -EAGAIN;
	return copy_chunk(in, out, (size_t)a[4], site);
}

long rt_kernel_copy(long nr, const long a[6], uint64_t site)
{
	switch (nr) {
	case SYS_sendfile:
		return emulate_sendfile(a, site);
	case SYS_copy_file_range:
		return emulate_copy_file_range(a, site);
	case SYS_splice:
		return emulate_splice(a, site);
	default:
		return -ENOSYS;
	}
}
