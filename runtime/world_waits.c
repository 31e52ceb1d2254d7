/*
 * world_waits.c: which waits only the world outside the program can end.
 *
 * A poll, select or epoll_wait for reading a connected socket (not a
 * socketpair's end: an event loop's own wake-ups), a pipe or FIFO, or a
 * terminal waits for input that only another program or a person gives.
 * io.c asks here before a virtual timeout makes such a wait end at once,
 * and waits for the world in real time first (io.c, "a timeout that
 * waits for the world").
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

/* Whether what comes on fd comes from outside the program's threads. */
static bool fed_by_world(int fd)
{
	switch (rt_files_type(fd)) {
	case S_IFIFO:
	case S_IFCHR:
		return true;
	case S_IFSOCK: {
		/* Connected: a peer that answers.  But not a peer without a
		 * name on a Unix socket, a socketpair's other end, which an
		 * event loop's own wake-ups come through. */
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		if (rt_syscall3(SYS_getpeername, fd, &ss, &len) != 0)
			return false;
		return ss.ss_family != AF_UNIX || len > sizeof(sa_family_t);
	}
	default:
		return false;
	}
}

int rt_epoll_any(long epfd, bool (*match)(long fd, uint64_t events))
{
	char buf[4096];
	long len = rt_read_fdinfo(epfd, buf, sizeof(buf));
	if (len <= 0)
		return -1;
	for (char *p = buf; (p = strstr(p, "tfd:")) != NULL;) {
		p += 4;
		long target = 0;
		uint64_t events;
		while (*p == ' ' || *p == '\t')
			p++;
		while (*p >= '0' && *p <= '9')
			target = target * 10 + (*p++ - '0');
		char *ev = strstr(p, "events:");
		if (!ev)
			break;
		for (ev += 7; *ev == ' ' || *ev == '\t'; ev++)
			;
		rt_parse_hex(ev, buf + len, &events);
		if (match(target, events))
			return 1;
	}
	return len >= (long)sizeof(buf) ? -1 : 0; /* more than was read: not known */
}

static bool read_from_world(long fd, uint64_t events)
{
	return (events & EPOLLIN) && fed_by_world((int)fd);
}

bool rt_world_feeds(long nr, const long a[6])
{
	switch (nr) {
	case SYS_epoll_wait: case SYS_epoll_pwait: case SYS_epoll_pwait2:
		return rt_epoll_any(a[0], read_from_world) == 1;
	case SYS_poll: case SYS_ppoll: {
		const struct pollfd *fds = (const struct pollfd *)a[0];
		for (long k = 0; k < a[1]; k++)
			if ((fds[k].events & POLLIN) && fds[k].fd >= 0 && fed_by_world(fds[k].fd))
				return true;
		return false;
	}
	case SYS_select: case SYS_pselect6: {
		const fd_set *rd = (const fd_set *)a[1];
		for (int fd = 0; rd && fd < (int)a[0] && fd < FD_SETSIZE; fd++)
			if (FD_ISSET(fd, rd) && fed_by_world(fd))
				return true;
		return false;
	}
	default:
		return false;
	}
}
