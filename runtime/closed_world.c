/*
 * closed_world.c: descriptors nothing outside the process can fill.
 *
 * When no thread can run and some wait for input, the runtime waits for
 * the world (input_waits.c).  That is right for a terminal, a connected
 * socket or a pipe from another program, but a pipe, an eventfd or a
 * socketpair the program made for itself is written only by its own
 * threads: if they all wait, nothing ever will, and the run is a
 * deadlock, natively a hang.  A worker pool
 * whose wake-up through an eventfd is lost (the notifier read a stale
 * flag) sat in epoll_wait until deja's --timeout, and was reported as a
 * timeout with no wait-for graph.
 *
 * So the runtime keeps, per descriptor, whether the program made it with
 * pipe(), eventfd() or socketpair() (the other end of a pair noted too), and
 * forgets it when it is closed or replaced, when it is passed to another
 * process (SCM_RIGHTS, taking its pair's other end with it), and at any
 * fork, whose child holds copies.  A wait every descriptor of which is
 * kept here (rt_world_closed) cannot be ended from outside, unless by a
 * signal whose handler writes to it: a program with a handler for an
 * asynchronous signal gets no verdict (rt_signals_handled).  Descriptors
 * made by a raw syscall, inherited, or made before an exec are not
 * known: their waits are left to the world, as before.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <poll.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#define CLOSED_FDS 1024

/* The program's own descriptors, and each one's other end (-1: none,
 * an eventfd). */
static struct {
	bool own;
	int16_t other;
} fds[CLOSED_FDS];

static bool in_range(long fd)
{
	return fd >= 0 && fd < CLOSED_FDS;
}

static void note_own(long fd, long other)
{
	if (in_range(fd))
		fds[fd] = (typeof(fds[0])){ .own = true, .other = (int16_t)(in_range(other) ? other : -1) };
}

void rt_world_fd_closed(long fd)
{
	if (in_range(fd))
		fds[fd] = (typeof(fds[0])){ .own = false, .other = -1 };
}

/* fd goes to another process: so does what its other end gives. */
static void given_away(long fd)
{
	if (!in_range(fd))
		return;
	if (fds[fd].own && fds[fd].other >= 0)
		rt_world_fd_closed(fds[fd].other);
	rt_world_fd_closed(fd);
}

void rt_world_fds_forked(void)
{
	memset(fds, 0, sizeof(fds));
}

void rt_world_fds_sent(const struct msghdr *msg)
{
	if (!msg || !msg->msg_control)
		return;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR((struct msghdr *)msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		const int *sent = (const int *)CMSG_DATA(c);
		size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++)
			given_away(sent[i]);
	}
}

static bool own(long fd)
{
	return in_range(fd) && fds[fd].own;
}

/* ---- the calls that make them ---- */

static int (*real_eventfd)(unsigned int, int);
static int (*real_socketpair)(int, int, int, int[2]);
static int (*real_pipe2)(int[2], int);


RT_EXPORT int eventfd(unsigned int count, int flags)
{
	if (!real_eventfd)
		real_eventfd = rt_real_next("eventfd");
	int fd = RT_AS_PROGRAM_CALL(int, real_eventfd(count, flags));
	note_own(fd, -1);
	return fd;
}

static void note_pair(const int fd[2])
{
	note_own(fd[0], fd[1]);
	note_own(fd[1], fd[0]);
}

RT_EXPORT int pipe2(int fd[2], int flags)
{
	if (!real_pipe2)
		real_pipe2 = rt_real_next("pipe2");
	int r = RT_AS_PROGRAM_CALL(int, real_pipe2(fd, flags));
	if (r == 0)
		note_pair(fd);
	return r;
}

RT_EXPORT int pipe(int fd[2])
{
	if (!real_pipe2)
		real_pipe2 = rt_real_next("pipe2");
	int r = RT_AS_PROGRAM_CALL(int, real_pipe2(fd, 0));
	if (r == 0)
		note_pair(fd);
	return r;
}

RT_EXPORT int socketpair(int domain, int type, int protocol, int sv[2])
{
	if (!real_socketpair)
		real_socketpair = rt_real_next("socketpair");
	int r = RT_AS_PROGRAM_CALL(int, real_socketpair(domain, type, protocol, sv));
	if (r == 0)
		note_pair(sv);
	return r;
}

/* ---- waits ---- */

static bool not_own(long fd, uint64_t events)
{
	(void)events;
	return !own(fd);
}

static bool select_closed(const long a[6])
{
	for (int set = 1; set <= 3; set++) {
		const fd_set *s = (const fd_set *)a[set];
		for (int fd = 0; s && fd < (int)a[0] && fd < FD_SETSIZE; fd++)
			if (FD_ISSET(fd, s) && !own(fd))
				return false;
	}
	return true;
}

bool rt_world_closed(long nr, const long a[6])
{
	switch (nr) {
	case SYS_read: case SYS_readv: case SYS_recvfrom: case SYS_recvmsg:
		return own(a[0]);
	case SYS_epoll_wait: case SYS_epoll_pwait: case SYS_epoll_pwait2:
		return rt_epoll_any(a[0], not_own) == 0;
	case SYS_poll: case SYS_ppoll: {
		const struct pollfd *p = (const struct pollfd *)a[0];
		for (long k = 0; k < a[1]; k++)
			if (p[k].fd >= 0 && !own(p[k].fd))
				return false;
		return true;
	}
	case SYS_select: case SYS_pselect6:
		return select_closed(a);
	default:
		return false; /* accept, a child, a signal: the world's */
	}
}
