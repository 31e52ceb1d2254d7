/*
 * fd_passing.h: a message that carries one file descriptor (SCM_RIGHTS),
 * as the supervisor's side sends them: a forked child's channel
 * (processes.c), the seccomp listener (escape_watch.c).
 */
#ifndef DEJA_FD_PASSING_H
#define DEJA_FD_PASSING_H

#include <string.h>
#include <sys/socket.h>

/* Room for one descriptor's control message, aligned as cmsghdr. */
union fd_passing_room {
	struct cmsghdr align;
	char space[CMSG_SPACE(sizeof(int))];
};

/* Attach fd to msg, in room (which must live as long as msg). */
static inline void fd_passing_attach(struct msghdr *msg, union fd_passing_room *room, int fd)
{
	memset(room, 0, sizeof(*room));
	msg->msg_control = room->space;
	msg->msg_controllen = sizeof(room->space);
	struct cmsghdr *c = CMSG_FIRSTHDR(msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
}

#endif /* DEJA_FD_PASSING_H */
