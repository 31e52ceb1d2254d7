/*
 * tree_guard.h: a small process that outlives deja to end the target's
 * forked children if deja dies without ending them (SIGKILL, a crash).
 *
 * The top process dies with deja (PR_SET_PDEATHSIG), but that follows the
 * parent alone: a child the program forked is the program's, and went on
 * running after deja was killed (a shell's background loop spun for some
 * 30 s until its full event ring made the runtime give up; one blocked in
 * the kernel, for ever).  The guard is handed a pidfd of every followed
 * child; when its socket to deja closes without a release (deja gone), it
 * kills each one still alive.  pidfds, not pids: a child that ended and
 * whose pid was reused is not touched.
 */
#ifndef DEJA_TREE_GUARD_H
#define DEJA_TREE_GUARD_H

#include <stdbool.h>
#include <sys/types.h>

struct tree_guard {
	int sock;    /* deja's end of the socket to the guard; -1: none yet */
	pid_t pid;   /* the guard, a child of the deja that started it */
	pid_t owner; /* that deja */
	bool failed; /* it could not be started */
};

void tree_guard_init(struct tree_guard *g);
/* Hand it a child's pidfd (deja keeps its own); the first starts the
 * guard.  If it cannot be started, deja goes on unguarded. */
void tree_guard_watch(struct tree_guard *g, int pidfd);
/* deja ends normally: the guard leaves the processes alone and exits,
 * and is reaped. */
void tree_guard_release(struct tree_guard *g);

#endif /* DEJA_TREE_GUARD_H */
