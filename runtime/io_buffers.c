/*
 * io_buffers.c: the program's buffers of one input or output call, as
 * chunks of bytes.
 *
 * The syscall table says which argument points at the bytes a call fills
 * (an input) or sends (an output) and how many there are (the result, an
 * argument, an iovec array, a msghdr, a pollfd array, select's fd sets, a
 * socket address and its length...).  io.c walks them to hash them (the
 * event's digest), to copy them into the data ring (record) and to copy
 * recorded bytes back into them (replay): one walk, whatever it does.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <poll.h>
#include <stddef.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "syscall_table.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "hash_wide.h"

static void iov_chunks(const struct iovec *iov, long count, uint64_t total, rt_chunk_fn fn,
		       void *ctx)
{
	for (long i = 0; iov && i < count && total > 0; i++) {
		uint64_t n = iov[i].iov_len < total ? iov[i].iov_len : total;
		if (n)
			fn(ctx, iov[i].iov_base, n);
		total -= n;
	}
}

/* What the kernel filled, its length in *len (a socket address, a socket
 * option): the length first (a feed sets it), then at most max bytes.
 * For an address the kernel sets *len to the address's whole length,
 * which may be more than the program's buffer held; no address is longer
 * than a sockaddr_storage. */
static void sized_chunks(uint8_t *buf, socklen_t *len, uint64_t max, rt_chunk_fn fn, void *ctx)
{
	if (!len)
		return;
	fn(ctx, (uint8_t *)len, sizeof(*len));
	if (buf)
		fn(ctx, buf, *len < max ? *len : max);
}

#define ADDR_MAX sizeof(struct sockaddr_storage)

/* What recvmsg wrote besides the data: the sender's address, the control
 * data (each after its length, which the kernel set) and msg_flags. */
static void msg_extra_chunks(struct msghdr *m, uint64_t room, rt_chunk_fn fn, void *ctx)
{
	sized_chunks(m->msg_name, &m->msg_namelen, room < ADDR_MAX ? room : ADDR_MAX, fn, ctx);
	fn(ctx, (uint8_t *)&m->msg_controllen, sizeof(m->msg_controllen));
	if (m->msg_control && m->msg_controllen)
		fn(ctx, m->msg_control, m->msg_controllen);
	fn(ctx, (uint8_t *)&m->msg_flags, sizeof(m->msg_flags));
}

/* recvmmsg's and sendmmsg's messages (n of them): a received one's
 * length first (a feed sets it, and it bounds the data after), then its
 * data and where it came from; a sent one's data. */
static void mmsg_chunks(struct mmsghdr *v, long n, bool output, rt_chunk_fn fn, void *ctx)
{
	for (long i = 0; i < n; i++) {
		struct msghdr *m = &v[i].msg_hdr;
		if (output) {
			iov_chunks(m->msg_iov, (long)m->msg_iovlen, UINT64_MAX, fn, ctx);
			continue;
		}
		fn(ctx, (uint8_t *)&v[i].msg_len, sizeof(v[i].msg_len));
		iov_chunks(m->msg_iov, (long)m->msg_iovlen, v[i].msg_len, fn, ctx);
		msg_extra_chunks(m, ADDR_MAX, fn, ctx); /* each its own room: not noted */
	}
}

bool rt_io_address_room(const struct deja_syscall_info *sc, const long a[6], uint64_t *room)
{
	const socklen_t *len = NULL;
	if (sc->size_kind == DEJA_SZ_SOCKADDR)
		len = (const socklen_t *)a[sc->size];
	else if (sc->size_kind == DEJA_SZ_RECVFROM)
		len = (const socklen_t *)a[5];
	else if (sc->size_kind == DEJA_SZ_MSG && sc->buf_arg >= 0 && a[sc->buf_arg])
		len = &((const struct msghdr *)a[sc->buf_arg])->msg_namelen;
	if (!len)
		return false;
	*room = *len;
	return true;
}

/* r, but no more than the buffer's capacity cap (an argument of the
 * call).  In a recording r is what the kernel filled, never more; in a
 * replay it is the recorded result, and a call that asks for less than
 * the recording's (the replay has gone off the recorded path) must get no
 * more than its buffer holds: the event then differs, and the replay
 * reports it, instead of the runtime writing past the buffer. */
static uint64_t at_most(long r, long cap)
{
	if (r <= 0 || cap <= 0)
		return 0;
	return (uint64_t)(r < cap ? r : cap);
}

/* The first at_most(r, cap) items of `unit` bytes at buf, if any. */
static void chunk_at_most(uint8_t *buf, long r, long cap, uint64_t unit, rt_chunk_fn fn,
			  void *ctx)
{
	uint64_t n = at_most(r, cap);
	if (n)
		fn(ctx, buf, n * unit);
}

/* Call fn on each buffer the call filled (input) or sent (output), given
 * its result r. */
void rt_io_each_chunk(const struct deja_syscall_info *sc, const long a[6], long r,
		      bool output, uint64_t room, rt_chunk_fn fn, void *ctx)
{
	if (r < 0 || sc->buf_arg < 0 ||
	    (a[sc->buf_arg] == 0 && sc->size_kind != DEJA_SZ_FDSETS &&
	     sc->size_kind != DEJA_SZ_FIXED_PAIR))
		return;
	uint8_t *buf = (uint8_t *)a[sc->buf_arg];
	uint64_t all = output ? UINT64_MAX : (uint64_t)r; /* output: what was given */
	switch ((enum deja_size_kind)sc->size_kind) {
	case DEJA_SZ_RESULT:
		chunk_at_most(buf, r, a[sc->size], 1, fn, ctx);
		break;
	case DEJA_SZ_ARG:
		if (a[sc->size] > 0)
			fn(ctx, buf, (uint64_t)a[sc->size]);
		break;
	case DEJA_SZ_FIXED:
		fn(ctx, buf, sc->size);
		break;
	case DEJA_SZ_FIXED_PAIR: /* the node too: getcpu(&cpu, &node) left it unset in replay */
		if (buf)
			fn(ctx, buf, sc->size);
		if (a[sc->buf_arg + 1])
			fn(ctx, (uint8_t *)a[sc->buf_arg + 1], sc->size);
		break;
	case DEJA_SZ_IOV:
		iov_chunks((const struct iovec *)buf, a[sc->size], all, fn, ctx);
		break;
	case DEJA_SZ_MSG:
		iov_chunks(((const struct msghdr *)buf)->msg_iov,
			   (long)((const struct msghdr *)buf)->msg_iovlen, all, fn, ctx);
		if (!output) /* recvmsg: where it came from matters as much */
			msg_extra_chunks((struct msghdr *)buf, room, fn, ctx);
		break;
	case DEJA_SZ_MMSG:
		mmsg_chunks((struct mmsghdr *)buf, output ? a[sc->size] : (long)at_most(r, a[sc->size]),
			    output, fn, ctx);
		break;
	case DEJA_SZ_POLL:
		fn(ctx, buf, (uint64_t)a[sc->size] * sizeof(struct pollfd));
		break;
	case DEJA_SZ_EPOLL:
		chunk_at_most(buf, r, a[2], sizeof(struct epoll_event), fn, ctx);
		break;
	case DEJA_SZ_SOCKADDR:
		sized_chunks(buf, (socklen_t *)a[sc->size], room, fn, ctx);
		break;
	case DEJA_SZ_RECVFROM: /* a datagram's sender, in a[4] and a[5] */
		chunk_at_most(buf, r, a[2], 1, fn, ctx);
		sized_chunks((uint8_t *)a[4], (socklen_t *)a[5], room < ADDR_MAX ? room : ADDR_MAX,
			     fn, ctx);
		break;
	case DEJA_SZ_FDSETS: {
		/* select's read, write and except sets (any may be NULL),
		 * nfds bits each, in whole longs as the kernel copies them. */
		uint64_t bytes = (((uint64_t)a[0] + 63) / 64) * 8;
		for (int k = 1; k <= 3; k++)
			if (a[k])
				fn(ctx, (uint8_t *)a[k], bytes);
		break;
	}
	case DEJA_SZ_MSGQ: /* a System V message: its type, then its text */
		fn(ctx, buf, sizeof(long) + (output ? (uint64_t)a[sc->size] : at_most(r, a[2])));
		break;
	case DEJA_SZ_MQ: /* a POSIX message, then its priority if asked for */
		chunk_at_most(buf, r, a[2], 1, fn, ctx);
		if (a[3])
			fn(ctx, (uint8_t *)a[3], sizeof(unsigned int));
		break;
	case DEJA_SZ_NONE:
	case DEJA_SZ_SPECIAL:
		break;
	}
}

/* Below this many bytes the narrow path, inline, costs less than the call. */
#define WIDE_FROM 512

static void hash_chunk(void *ctx, uint8_t *ptr, uint64_t len)
{
	static int wide = -1; /* not asked yet */
	if (len >= WIDE_FROM) {
		if (wide < 0)
			wide = rt_hash_wide_ok();
		if (wide) {
			rt_hash_wide_update(ctx, ptr, len);
			return;
		}
	}
	XXH3_64bits_update(ctx, ptr, len);
}

static void count_chunk(void *ctx, uint8_t *ptr, uint64_t len)
{
	(void)ptr;
	*(uint64_t *)ctx += len;
}

uint64_t rt_io_bytes(const struct deja_syscall_info *sc, const long a[6], long r, uint64_t room)
{
	uint64_t n = 0;
	rt_io_each_chunk(sc, a, r, false, room, count_chunk, &n);
	return n;
}

uint64_t rt_io_digest(const struct deja_syscall_info *sc, const long a[6], long r, bool output,
		      uint64_t room)
{
	XXH3_state_t st;
	XXH3_64bits_reset(&st);
	rt_io_each_chunk(sc, a, r, output, room, hash_chunk, &st);
	return XXH3_64bits_digest(&st);
}
