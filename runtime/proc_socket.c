/*
 * proc_socket.c: a question to the supervisor on the process socket.
 *
 * Every process of the run's tree shares the one process socket
 * (DEJA_PROC_FD, a SOCK_SEQPACKET socket inherited down the tree and
 * through exec), so no answer could find its way back on it.  Each
 * question therefore carries one end of a private socket pair
 * (SCM_RIGHTS), and the answer, with a descriptor if it hands one over,
 * comes back on the other end.  A forked child asks for its channel this
 * way (fork.c), and a parent that reaped a child asks where the child's
 * clock ended.
 *
 * Raw syscalls only: a forked child asks before glibc has reset its locks.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>

union fd_control {
	struct cmsghdr h;
	char space[CMSG_SPACE(sizeof(int))];
};

/* Send the question with `reply_end` attached. */
static bool send_question(const void *question, size_t len, int reply_end)
{
	union fd_control control;
	memset(&control, 0, sizeof(control));
	struct iovec iov = { (void *)question, len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = control.space, .msg_controllen = sizeof(control.space) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &reply_end, sizeof(int));
	long sent;
	do
		sent = rt_syscall3(SYS_sendmsg, rt.proc_fd, &msg, MSG_NOSIGNAL);
	while (sent == -EINTR);
	return sent == (long)len;
}

/* Wait for an answer of exactly `len` bytes; *fd gets a descriptor it
 * carried, or -1. */
static bool receive_answer(int from, void *answer, size_t len, int *fd)
{
	union fd_control control;
	memset(&control, 0, sizeof(control));
	struct iovec iov = { answer, len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = control.space, .msg_controllen = sizeof(control.space) };
	long got;
	do
		got = rt_syscall3(SYS_recvmsg, from, &msg, MSG_CMSG_CLOEXEC);
	while (got == -EINTR);
	*fd = -1;
	struct cmsghdr *c = got > 0 ? CMSG_FIRSTHDR(&msg) : NULL;
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
		memcpy(fd, CMSG_DATA(c), sizeof(int));
	return got == (long)len && !(msg.msg_flags & MSG_TRUNC);
}

enum rt_ask_status rt_proc_ask(const void *question, size_t qlen, void *answer, size_t alen,
			       int *fd)
{
	*fd = -1;
	if (rt.proc_fd < 0)
		return RT_ASK_NOT_SENT;
	int pair[2];
	if (rt_syscall4(SYS_socketpair, AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
		return RT_ASK_NO_PAIR;
	bool sent = send_question(question, qlen, pair[1]);
	rt_syscall1(SYS_close, pair[1]);
	bool answered = sent && receive_answer(pair[0], answer, alen, fd);
	rt_syscall1(SYS_close, pair[0]);
	if (!sent)
		return RT_ASK_NOT_SENT;
	if (!answered && *fd >= 0) {
		rt_syscall1(SYS_close, *fd);
		*fd = -1;
	}
	return answered ? RT_ASK_OK : RT_ASK_NO_ANSWER;
}
