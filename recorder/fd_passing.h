/*
 * fd_passing.h: a message that carries one file descriptor (SCM_RIGHTS),
 * as the supervisor's side sends and receives them: a forked child's
 * channel and its reply socket (processes.c), the seccomp listener
 * (escape_watch.c), a child's pidfd for the tree guard (tree_guard.c).
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

/* Make room for a descriptor in a message to receive. */
static inline void fd_passing_expect(struct msghdr *msg, union fd_passing_room *room)
{
	msg->msg_control = room->space;
	msg->msg_controllen = sizeof(room->space);
}

/* The descriptor a received message carries, or -1. */
static inline int fd_passing_take(struct msghdr *msg)
{
	struct cmsghdr *c = CMSG_FIRSTHDR(msg);
	int fd = -1;
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

#endif /* DEJA_FD_PASSING_H */
