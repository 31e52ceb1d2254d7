/*
 * escape_watch.h: the supervisor's side of the escape reports.
 *
 * The seccomp filter installed before exec (policy.c) stops every watched
 * syscall made in the target's tree without the runtime's marker and
 * notifies its listener.  The supervisor holds the listener (the child
 * hands it over on a socket before exec) and serves it from a thread of
 * its own, so that a target thread stopped in a notification never waits
 * for the supervisor's main loop, which may itself be waiting for that
 * thread (an event, a hello, a wait).  Each notification is classified
 * (escape_log.h), counted, and answered with CONTINUE: the program runs on
 * as it would have.
 */
#ifndef DEJA_ESCAPE_WATCH_H
#define DEJA_ESCAPE_WATCH_H

#include <stddef.h>
#include <sys/types.h>

#include "escape_log.h"

struct escape_watch;

/* Serve `listener` (owned from here on) from a new thread.  NULL with err
 * filled on failure (the listener is then closed). */
struct escape_watch *escape_watch_start(int listener, char *err, size_t errlen);
/* A new run begins: counts start from zero, times from now. */
void escape_watch_reset(struct escape_watch *w);
/* The run's reports so far, copied into out.  Returns 0 or -1. */
int escape_watch_take(struct escape_watch *w, struct escape_log *out);
/* Stop serving and close the listener (NULL: nothing).  Processes of the
 * tree still alive get ENOSYS from watched syscalls from then on. */
void escape_watch_stop(struct escape_watch *w);

/* Between policy_install() and exec, in the child: the syscalls it still
 * makes must carry the marker, or they would wait for a listener nobody
 * serves yet.  */
long escape_marked_syscall(long nr, long a1, long a2, long a3);
/* Hand the listener (or -1: none) over `sock`, in the child.  0 or -1. */
int escape_send_listener(int sock, int listener);
/* Take it, in the supervisor: the listener, -1 when the child sent none,
 * or -2 when the child went away without sending. */
int escape_receive_listener(int sock);

#endif /* DEJA_ESCAPE_WATCH_H */
