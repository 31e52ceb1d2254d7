/*
 * tree_guard.c: the process that ends the target's forked children when
 * deja dies without ending them (see tree_guard.h).
 *
 * deja sends it one-byte messages on a SOCK_SEQPACKET socket: WATCH with
 * a child's pidfd attached, or RELEASE.  The guard's loop only makes
 * system calls (it is forked from deja, which may have threads), and
 * holds no descriptor of deja's but its socket: holding the process
 * socket or a channel would keep the target from seeing deja gone.
 */
#define _GNU_SOURCE
#include "tree_guard.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fd_passing.h"

enum guard_message { GUARD_WATCH = 'W', GUARD_RELEASE = 'R' };

/* The pidfds a guard holds at most: beyond, a child goes unguarded. */
#define GUARD_MAX_PIDFDS 4096

/* Close the pidfds of processes that have ended (a pidfd is readable
 * then), so that a long hunt's guard holds only the living. */
static size_t prune(int *fds, size_t n)
{
	struct pollfd p[GUARD_MAX_PIDFDS];
	for (size_t i = 0; i < n; i++)
		p[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
	if (poll(p, n, 0) <= 0)
		return n;
	size_t kept = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i].revents)
			close(fds[i]);
		else
			fds[kept++] = fds[i];
	}
	return kept;
}

/* One message: its kind, and the descriptor it carried (or -1). */
static ssize_t receive(int sock, char *kind, int *fd)
{
	union fd_passing_room room;
	struct iovec iov = { .iov_base = kind, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	fd_passing_expect(&msg, &room);
	ssize_t r;
	do
		r = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (r < 0 && errno == EINTR);
	*fd = r > 0 ? fd_passing_take(&msg) : -1;
	return r;
}

static _Noreturn void guard_main(int sock)
{
	/* deja's interruptions are deja's: ^C reaches the whole group. */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	prctl(PR_SET_NAME, "deja-guard");
	if (sock > 0)
		close_range(0, (unsigned)sock - 1, 0);
	close_range((unsigned)sock + 1, ~0u, 0);
	struct rlimit lim;
	if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
		lim.rlim_cur = lim.rlim_max;
		setrlimit(RLIMIT_NOFILE, &lim);
	}
	int fds[GUARD_MAX_PIDFDS];
	size_t n = 0;
	for (;;) {
		char kind = 0;
		int fd;
		if (receive(sock, &kind, &fd) <= 0)
			break; /* deja is gone, without a release */
		if (kind == GUARD_RELEASE)
			_exit(0);
		if (fd < 0)
			continue;
		n = prune(fds, n);
		if (n < GUARD_MAX_PIDFDS)
			fds[n++] = fd;
		else
			close(fd);
	}
	for (size_t i = 0; i < n; i++)
		syscall(SYS_pidfd_send_signal, fds[i], SIGKILL, NULL, 0);
	_exit(0);
}

void tree_guard_init(struct tree_guard *g)
{
	*g = (struct tree_guard){ .sock = -1 };
}

/* Fork the guard, at the first child to watch: a program of one process
 * (most) pays nothing, and the guard's pid comes after the target's. */
static bool start(struct tree_guard *g)
{
	int pair[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0)
		return false;
	pid_t pid = fork();
	if (pid == 0) {
		close(pair[0]);
		guard_main(pair[1]);
	}
	close(pair[1]);
	if (pid < 0) {
		close(pair[0]);
		return false;
	}
	g->sock = pair[0];
	g->pid = pid;
	g->owner = getpid();
	return true;
}

static void send_kind(struct tree_guard *g, char kind, int fd)
{
	struct iovec iov = { .iov_base = &kind, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	union fd_passing_room room;
	if (fd >= 0)
		fd_passing_attach(&msg, &room, fd);
	while (sendmsg(g->sock, &msg, MSG_NOSIGNAL) < 0 && errno == EINTR)
		;
}

void tree_guard_watch(struct tree_guard *g, int pidfd)
{
	if (pidfd < 0 || g->failed || (g->sock >= 0 && g->owner != getpid()))
		return;
	if (g->sock < 0 && !start(g)) {
		g->failed = true; /* unguarded: children outlive a killed deja */
		return;
	}
	send_kind(g, GUARD_WATCH, pidfd);
}

void tree_guard_release(struct tree_guard *g)
{
	if (g->sock < 0)
		return;
	/* A fork of deja's (a hunt's worker) that inherited the socket
	 * leaves the guard to its owner. */
	bool own = g->owner == getpid();
	if (own)
		send_kind(g, GUARD_RELEASE, -1);
	close(g->sock);
	g->sock = -1;
	if (own)
		while (waitpid(g->pid, NULL, 0) < 0 && errno == EINTR)
			;
}
