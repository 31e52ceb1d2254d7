/*
 * fd_order.c: the calls that number descriptors, in the events' order.
 *
 * The kernel gives a new descriptor the lowest free number, so the number
 * a pipe, socket, dup or open gets depends on which descriptors were open
 * then: on the order in which the process's threads made and closed
 * them.  In the serialised mode one thread runs at a time, and these
 * calls fall between the same events in a replay.  In parallel mode the
 * threads make them at once, in the order the timing gives (a pipe2 or a
 * close was no event at all, an open was made before its event), and a
 * replay's numbers differed from the recording's: CPython's
 * subprocess.communicate() from several threads got the recorded pipe
 * numbers back in poll's array, found no key for them in its selector and
 * polled again (a divergence one replay in two), and an open's stand-in,
 * put at its recorded number (files.c), could take the place of a pipe
 * another thread had just made.  So in parallel mode, once the process
 * has a second thread, each such call is an event, made at its event by
 * the thread holding the model, in the recording and in its replay alike
 * (io.c, numbers_fds).  An open is an event in every mode, but it was
 * made before it: a seeded random schedule that switched threads at an
 * open let another thread's pipe2 take, in the replay, the number the
 * open had had (its stand-in came only at its event), and the replay
 * diverged.  In a process with threads an open is now made at its event
 * in the recording (input_once, as a deferred call), where the replay
 * puts its stand-in.  So are an accept and a recvmsg that may carry
 * descriptors (SCM_RIGHTS), whose replay puts stand-in sockets at their
 * events (io.c, reserve_socket): made before, as a non-blocking one was,
 * the number a seeded random schedule gave it was taken in the replay by
 * another thread's pipe, the stand-in then replaced that pipe, and the
 * replay printed other pipe numbers.  One that may wait in the kernel is
 * made at its event already in the serialised mode (input_waits.c); in
 * parallel mode it still waits, and takes its number, before its event.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <fcntl.h>
#include <sys/socket.h>

#include "io_private.h"
#include "model.h"
#include "syscall_table.h"

/* A process with threads: what one thread's calls number depends on the
 * others' descriptors. */
static bool threaded(void)
{
	return rt.shared && rt_managed() && rt.model->nthreads > 1;
}

/* Parallel mode, with threads: where those calls' order is the timing's. */
static bool threaded_in_parallel(void)
{
	return threaded() && rt.shared->parallel;
}

bool rt_fd_order_numbers(long nr, const long a[6])
{
	switch (nr) {
	case SYS_close:
	case SYS_pipe:
	case SYS_pipe2:
	case SYS_socket:
	case SYS_socketpair:
	case SYS_dup:
	case SYS_dup2:
	case SYS_dup3:
	case SYS_eventfd:
	case SYS_eventfd2:
	case SYS_epoll_create:
	case SYS_epoll_create1:
	case SYS_inotify_init:
	case SYS_inotify_init1:
	case SYS_memfd_create:
	case SYS_pidfd_open:
		return threaded_in_parallel();
	case SYS_fcntl:
		return (a[1] == F_DUPFD || a[1] == F_DUPFD_CLOEXEC) && threaded_in_parallel();
	default:
		return false;
	}
}

/* An accept, or a recvmsg with room for control data, which takes new
 * descriptors' numbers without waiting. */
static bool receives_fds_at_once(long nr, const long a[6])
{
	if (nr == SYS_recvmsg && (!a[1] || !((const struct msghdr *)a[1])->msg_controllen))
		return false;
	return (nr == SYS_accept || nr == SYS_accept4 || nr == SYS_recvmsg) &&
	       !rt_io_call_may_block(nr, a);
}

bool rt_fd_order_at_event(long nr, const long a[6])
{
	bool opens = nr == SYS_open || nr == SYS_openat || nr == SYS_openat2 || nr == SYS_creat;
	return threaded() && (opens || receives_fds_at_once(nr, a));
}

long rt_fd_order_call(long nr, const long a[6], uint64_t site)
{
	struct rt_io io = { .nr = nr, .sc = deja_syscall(nr), .a = a, .numbers_fds = true };
	rt_io_run_event(&io, nr, site, 0, 0, 0, false);
	return io.result;
}
