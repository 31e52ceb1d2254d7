/*
 * input_waits.c: inputs that would block, and what the runtime waits for
 * when only the world can make a thread go on.
 *
 * In the serialised mode the thread holding the right to run must never
 * block in the kernel: a read on a pipe that another thread of the program
 * will fill would wait for ever.  So a read, accept, poll or epoll_wait is
 * declared first and runs only at its event, once its input is ready
 * (io.c's run_waiting): until then the scheduler runs other threads, and
 * when nobody else can run the runtime waits for real readiness
 * (rt_io_wait_external).  Which thread's input came first is thereby part
 * of the schedule, and a replay, which does not wait, follows it.  A timed
 * poll times out in virtual time.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "io_private.h"
#include "model.h"

bool rt_io_waits_for_input(long nr)
{
	switch (nr) {
	case SYS_read: case SYS_readv: case SYS_recvfrom: case SYS_recvmsg:
	case SYS_accept: case SYS_accept4: case SYS_poll: case SYS_ppoll:
	case SYS_epoll_wait: case SYS_epoll_pwait: case SYS_epoll_pwait2:
	case SYS_select: case SYS_pselect6:
		return true;
	default:
		return false;
	}
}

static bool is_poll(long nr)
{
	return nr == SYS_poll || nr == SYS_ppoll;
}

static bool is_select(long nr)
{
	return nr == SYS_select || nr == SYS_pselect6;
}

/* The call's timeout in ns: -1 for none (waits for ever), 0 for a check. */
int64_t rt_io_timeout_ns(long nr, const long a[6])
{
	const struct timespec *ts = NULL;
	switch (nr) {
	case SYS_poll:
		return (int)a[2] < 0 ? -1 : (int64_t)(int)a[2] * 1000000;
	case SYS_epoll_wait:
	case SYS_epoll_pwait:
		return (int)a[3] < 0 ? -1 : (int64_t)(int)a[3] * 1000000;
	case SYS_ppoll:
		ts = (const struct timespec *)a[2];
		break;
	case SYS_select: {
		const struct timeval *tv = (const struct timeval *)a[4];
		return tv ? (int64_t)tv->tv_sec * 1000000000 + (int64_t)tv->tv_usec * 1000 : -1;
	}
	case SYS_pselect6:
		ts = (const struct timespec *)a[4];
		break;
	case SYS_epoll_pwait2:
		ts = (const struct timespec *)a[3];
		break;
	default:
		return -1;
	}
	return ts ? (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec : -1;
}

void rt_io_write_timeout(long nr, const long a[6], uint64_t left)
{
	if (nr == SYS_select && a[4]) {
		struct timeval *tv = (struct timeval *)a[4];
		tv->tv_sec = (time_t)(left / 1000000000u);
		tv->tv_usec = (suseconds_t)(left % 1000000000u / 1000u);
	} else if ((nr == SYS_pselect6 && a[4]) || (nr == SYS_ppoll && a[2])) {
		struct timespec *ts = (struct timespec *)a[nr == SYS_ppoll ? 2 : 4];
		ts->tv_sec = (time_t)(left / 1000000000u);
		ts->tv_nsec = (long)(left % 1000000000u);
	}
}

/*
 * Receive timeouts (SO_RCVTIMEO) by descriptor, as the program set them:
 * a blocking read, recv or accept on such a socket waits in the model
 * with that timeout, in virtual time, and fails with EAGAIN when it runs
 * out, as the kernel's would.  Without it the wait was for ever: a server
 * thread whose client waited for its answer, the answer it gives once its
 * read times out, hung every recording.  Kept from the program's
 * setsockopt calls, which the runtime sees in a recording and in its
 * replay alike (a replay's setsockopt is fed, and never reaches the
 * socket); an accepted socket inherits its listener's, as in the kernel.
 */
static int64_t receive_timeouts[1024]; /* ns + 1; 0: none (io.c's SOURCE_CACHE_FDS) */

static bool timeout_kept(long fd)
{
	return fd >= 0 && fd < (long)(sizeof(receive_timeouts) / sizeof(receive_timeouts[0]));
}

void rt_io_note_socket_call(long nr, const long a[6], long result)
{
	if (result < 0)
		return;
	if ((nr == SYS_accept || nr == SYS_accept4) && timeout_kept(a[0]) && timeout_kept(result))
		receive_timeouts[result] = receive_timeouts[a[0]];
	bool sets = nr == SYS_setsockopt && a[1] == SOL_SOCKET &&
		    (a[2] == SO_RCVTIMEO_OLD || a[2] == SO_RCVTIMEO_NEW) &&
		    (uint64_t)a[4] >= sizeof(struct timeval);
	if (!sets || !timeout_kept(a[0]))
		return;
	const struct timeval *tv = (const struct timeval *)a[3];
	int64_t ns = (int64_t)tv->tv_sec * 1000000000 + (int64_t)tv->tv_usec * 1000;
	receive_timeouts[a[0]] = ns > 0 ? ns + 1 : 0;
}

void rt_io_forget_receive_timeout(long fd)
{
	if (timeout_kept(fd))
		receive_timeouts[fd] = 0;
}

int64_t rt_io_wait_timeout_ns(long nr, const long a[6])
{
	switch (nr) {
	case SYS_read: case SYS_readv: case SYS_recvfrom: case SYS_recvmsg:
	case SYS_accept: case SYS_accept4:
		return timeout_kept(a[0]) && receive_timeouts[a[0]] ? receive_timeouts[a[0]] - 1 : -1;
	default:
		return rt_io_timeout_ns(nr, a);
	}
}

/* A read, recv or accept waits only on what can be empty (a pipe, a
 * socket, a terminal), in blocking mode: on a non-blocking descriptor it
 * fails with EAGAIN at once, and a program that reads until EAGAIN (an
 * event loop draining its wake-up socket) must get that, not a wait. */
static bool descriptor_may_wait(long nr, const long a[6])
{
	if ((rt_io_recv_flags(nr, a) & MSG_DONTWAIT) || rt_io_known_never_waits(a[0]))
		return false;
	mode_t type = rt_files_wait_type(a[0]);
	if (type == S_IFREG || type == S_IFDIR || type == S_IFBLK) {
		rt_io_note_never_waits(a[0]);
		return false;
	}
	long flags = rt_syscall2(SYS_fcntl, a[0], F_GETFL);
	return flags < 0 || !(flags & O_NONBLOCK);
}

bool rt_io_call_may_block(long nr, const long a[6])
{
	if (!rt_io_waits_for_input(nr))
		return false;
	switch (nr) {
	case SYS_read: case SYS_readv: case SYS_recvfrom: case SYS_recvmsg:
	case SYS_accept: case SYS_accept4:
		return descriptor_may_wait(nr, a);
	default: /* poll, select, epoll_wait: wait unless their timeout is 0 */
		return rt_io_timeout_ns(nr, a) != 0;
	}
}

bool rt_io_may_block(long nr, const long a[6])
{
	return !rt.shared->parallel && rt_io_call_may_block(nr, a);
}

int rt_io_waiting_inputs; /* threads in run_waiting; touched with the baton held */

#define SIGNAL_LOOK_NS 10000000LL

/* Each wait for input is enabled exactly when its input is there now, so
 * a wait once seen ready is looked at again: another thread's event may
 * have taken its input since.  Left woken, two threads in accept() on one
 * listener, both woken by one connection, let the second be chosen after
 * the first had taken it: its accept ran at its event and blocked in the
 * kernel holding the right to run, and the program's thread that was to
 * connect next never ran (every serialised recording of such a server
 * hung, as did one of two threads reading one pipe a byte at a time). */
void rt_io_refresh(void)
{
	struct deja_model *m = rt.model;
	if (!rt_io_waiting_inputs)
		return;
	for (uint32_t i = 0; i < m->nthreads; i++) {
		struct deja_pending *p = &m->threads[i].pending;
		if (deja_model_waits_for_io(m, i))
			p->woken = rt_io_ready((const struct rt_io *)(uintptr_t)p->wait_io);
	}
}

/* The descriptor to watch for a read, accept or epoll_wait. */
/* select's sets as pollfds (up to max); returns how many. */
static nfds_t select_as_poll(const long a[6], struct pollfd *fds, nfds_t max)
{
	nfds_t n = 0;
	const fd_set *rd = (const fd_set *)a[1], *wr = (const fd_set *)a[2];
	for (int fd = 0; fd < (int)a[0] && fd < FD_SETSIZE && n < max; fd++) {
		short ev = (short)((rd && FD_ISSET(fd, rd) ? POLLIN : 0) |
				   (wr && FD_ISSET(fd, wr) ? POLLOUT : 0));
		if (ev)
			fds[n++] = (struct pollfd){ .fd = fd, .events = ev };
	}
	return n;
}

/* The bytes a recv with MSG_WAITALL waits for all of, or 0 for a call
 * that returns what there is. */
static uint64_t wait_all_bytes(const struct rt_io *io)
{
	if (!(rt_io_recv_flags(io->nr, io->a) & MSG_WAITALL))
		return 0;
	if (io->nr == SYS_recvfrom)
		return (uint64_t)io->a[2];
	const struct msghdr *m = (const struct msghdr *)io->a[1]; /* recvmsg */
	uint64_t n = 0;
	for (size_t i = 0; m && i < m->msg_iovlen; i++)
		n += m->msg_iov[i].iov_len;
	return n;
}

/* A recv with MSG_WAITALL is ready only when all its bytes are there, or
 * the peer has gone: ready at the first byte, it would wait in the kernel
 * for the rest while holding the right to run. */
static bool all_there(const struct rt_io *io, uint64_t want)
{
	int queued = 0;
	if (rt_syscall3(SYS_ioctl, io->a[0], FIONREAD, &queued) == 0 && (uint64_t)queued >= want)
		return true;
	struct pollfd pfd = { .fd = (int)io->a[0], .events = POLLRDHUP };
	return rt_syscall3(SYS_poll, &pfd, 1, 0) > 0; /* hung up, or an error */
}

/* A wait4 (arguments a) would return at once: a child it waits for has
 * ended (or stopped, or continued, as its options ask), or it fails. */
static bool child_ready(const long a[6])
{
	long pid = a[0], options = a[2], idtype = P_PID, id = pid;
	if (pid == -1) {
		idtype = P_ALL;
		id = 0;
	} else if (pid <= 0) {
		idtype = P_PGID;
		id = -pid;
	}
	long flags = WEXITED | WNOHANG | WNOWAIT | (options & (WCONTINUED | __WALL | __WCLONE |
							      __WNOTHREAD));
	if (options & WUNTRACED)
		flags |= WSTOPPED;
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	long r = rt_syscall(SYS_waitid, idtype, id, (long)&si, flags, 0, 0);
	return r < 0 || si.si_pid != 0;
}

bool rt_io_ready(const struct rt_io *io)
{
	if (io->nr == SYS_wait4)
		return child_ready(io->a);
	uint64_t want = wait_all_bytes(io);
	if (want)
		return all_there(io, want);
	if (is_poll(io->nr))
		return rt_syscall3(SYS_poll, io->a[0], io->a[1], 0) != 0;
	if (is_select(io->nr)) {
		struct pollfd fds[256];
		nfds_t n = select_as_poll(io->a, fds, 256);
		/* With no descriptor, select is a sleep (or a wait for a
		 * signal): its timeout ends it, in virtual time. */
		return n > 0 && rt_syscall3(SYS_poll, fds, n, 0) != 0;
	}
	struct pollfd pfd = { .fd = (int)io->a[0], .events = io->output ? POLLOUT : POLLIN };
	return rt_syscall3(SYS_poll, &pfd, 1, 0) != 0;
}

/* The descriptors whose readiness ends io's wait, added to fds (up to
 * max); returns how many were added. */
static nfds_t watch_fds(const struct rt_io *io, struct pollfd *fds, nfds_t max)
{
	nfds_t n = 0;
	if (is_poll(io->nr)) {
		const struct pollfd *theirs = (const struct pollfd *)io->a[0];
		for (long k = 0; k < io->a[1] && n < max; k++)
			fds[n++] = (struct pollfd){ .fd = theirs[k].fd, .events = theirs[k].events };
	} else if (is_select(io->nr)) {
		n = select_as_poll(io->a, fds, max);
	} else if (max > 0) {
		fds[n++] = (struct pollfd){ .fd = (int)io->a[0], .events = io->output ? POLLOUT : POLLIN };
	}
	return n;
}

uint64_t rt_io_kernel_wait_deadline(void)
{
	struct deja_model *m = rt.model;
	uint64_t first = DEJA_NO_DEADLINE;
	for (uint32_t i = 0; i < m->nthreads; i++)
		if (deja_model_waits_for_world(m, i) && m->threads[i].pending.deadline < first)
			first = m->threads[i].pending.deadline;
	return first;
}

/* Looks at copies of the descriptors, with no wait: the waiting thread
 * makes its own call on the program's arrays meanwhile. */
bool rt_io_kernel_wait_ready(void)
{
	struct deja_model *m = rt.model;
	for (uint32_t i = 0; i < m->nthreads; i++) {
		if (!deja_model_waits_for_world(m, i))
			continue;
		const struct rt_io *io = (const struct rt_io *)(uintptr_t)m->threads[i].pending.wait_io;
		if (io->nr == SYS_wait4) {
			if (child_ready(io->a))
				return true;
			continue;
		}
		struct pollfd fds[256];
		nfds_t n = watch_fds(io, fds, 256);
		if (n > 0 && rt_syscall3(SYS_poll, fds, n, 0) > 0)
			return true;
	}
	return false;
}

bool rt_io_wait_external(int64_t timeout_ns)
{
	struct deja_model *m = rt.model;
	struct pollfd fds[256];
	nfds_t n = 0;
	bool child_wait = false; /* a wait4: no descriptor to watch */
	for (uint32_t i = 0; i < m->nthreads; i++) {
		const struct deja_pending *p = &m->threads[i].pending;
		if (!deja_model_waits_for_world(m, i))
			continue;
		const struct rt_io *io = (const struct rt_io *)(uintptr_t)p->wait_io;
		if (io->nr == SYS_wait4)
			child_wait = true;
		else
			n += watch_fds(io, fds + n, 256 - n);
	}
	/* A thread in pause() waits for a signal from outside: wait with
	 * signals let in (the relay notes them, rt_signals_route passes them
	 * on), looking again every 10 ms, since the kernel may give the
	 * signal to another thread. */
	bool signal_wait = false;
	for (uint32_t i = 0; i < m->nthreads; i++)
		signal_wait |= m->threads[i].state == DEJA_THREAD_LIVE &&
			       (m->threads[i].pending.interrupt & DEJA_INTERRUPT_SIGNAL_ONLY);
	if (n == 0 && !signal_wait && !child_wait)
		return false;
	if ((signal_wait || child_wait) && (timeout_ns < 0 || timeout_ns > SIGNAL_LOOK_NS))
		timeout_ns = SIGNAL_LOOK_NS;
	/* The program waits for the world (or, in real time, for a deadline). */
	struct timespec ts = { timeout_ns / 1000000000LL, timeout_ns % 1000000000LL };
	/* Signals come in while it waits, as natively they would interrupt
	 * the threads' waits: those some thread does not block (a thread in
	 * pselect6 or ppoll with a mask of its own published that one). */
	uint64_t blocked = rt_signals_blocked_by_all() & ~RT_OWN_SIGNALS;
	rt_syscall(SYS_ppoll, (long)fds, (long)n, timeout_ns < 0 ? 0 : (long)&ts, (long)&blocked,
		   sizeof(blocked), 0);
	for (uint32_t i = 0; i < m->nthreads; i++) {
		struct deja_pending *p = &m->threads[i].pending;
		if (deja_model_waits_for_world(m, i) &&
		    rt_io_ready((const struct rt_io *)(uintptr_t)p->wait_io))
			p->woken = 1;
	}
	return true;
}

bool rt_io_only_closed_waits(void)
{
	struct deja_model *m = rt.model;
	/* Parallel mode: threads between their events run meanwhile.  And a
	 * signal handler may write to one. */
	if (rt.shared->parallel || rt_signals_handled())
		return false;
	bool waits = false;
	for (uint32_t i = 0; i < m->nthreads; i++) {
		const struct deja_thread *th = &m->threads[i];
		if (th->state != DEJA_THREAD_LIVE)
			continue;
		if (th->pending.interrupt & DEJA_INTERRUPT_SIGNAL_ONLY)
			return false; /* pause(): for a signal from outside */
		if (th->pending.op == DEJA_OP_FUTEX_RESUME)
			return false; /* a futex wait a thread outside the model may end */
		if (!deja_model_waits_for_world(m, i))
			continue;
		const struct rt_io *io = (const struct rt_io *)(uintptr_t)th->pending.wait_io;
		if (!rt_world_closed(io->nr, io->a))
			return false;
		waits = true;
	}
	return waits;
}

/*
 * A timeout that waits for the world.
 *
 * In virtual time, when no thread can run before a timed wait's deadline,
 * the clock jumps there and the wait times out at once.  For a wait whose
 * input only the world can give (a server's answer on a connected
 * socket, a pipe from another program, a terminal), that timeout came
 * before the answer could: `wget URL`, and Python's urlopen(URL,
 * timeout=5), failed with a timeout against a server that took 0.2 s.
 * So when the wait whose deadline comes first is a poll, ppoll, select,
 * pselect6 or epoll_wait for reading such a descriptor, the runtime first
 * waits for its input in real time, for as long as its timeout has left
 * (the virtual clock does not move meanwhile), and the timeout fires only
 * if nothing came.  Waits on listening sockets, socketpairs and
 * descriptors nothing outside the process fills (eventfd, timerfd,
 * signalfd) still time out at once: an event loop's timers (its wake-ups
 * come through such descriptors) and a server's idle polls are such
 * timeouts, and sleeping programs finish at once.
 */

bool rt_io_wait_world_before(uint64_t deadline)
{
	struct deja_model *m = rt.model;
	if (!rt_io_waiting_inputs || deadline == DEJA_NO_DEADLINE || deadline <= m->vclock)
		return false;
	bool world = false;
	for (uint32_t i = 0; i < m->nthreads && !world; i++) {
		const struct deja_thread *th = &m->threads[i];
		const struct rt_io *io = (const struct rt_io *)(uintptr_t)th->pending.wait_io;
		world = deja_model_waits_for_world(m, i) && th->pending.timed &&
			th->pending.deadline == deadline && rt_world_feeds(io->nr, io->a);
	}
	if (!world)
		return false;
	int64_t want = (int64_t)(deadline - m->vclock), start = rt_clock_real_monotonic_ns(), left;
	while ((left = want - (rt_clock_real_monotonic_ns() - start)) > 0) {
		if (!rt_io_wait_external(left))
			break;
		rt_signals_route(); /* a signal from outside may end a wait */
		if (deja_model_other_enabled(m, DEJA_NO_THREAD)) /* any thread */
			break;
	}
	return true;
}

/*
 * Parallel mode: a call that would block is made in the kernel
 * (io.c, wait_in_kernel), while other threads run.  A signal the runtime
 * holds for the thread cannot reach it there: pthread_kill()'s is noted
 * pending, not sent (signals.c), and one from outside whose handler has
 * SA_RESTART only restarts the call.  The recording hung where natively
 * the handler ran and the read failed with EINTR.  So a call that waits
 * first waits for its descriptors in slices of SIGNAL_LOOK_NS, in a
 * ppoll under the program's mask (which a handled signal always
 * interrupts), looking between for a signal held for the thread, or a
 * cancellation request (a thread cancelled in read() waited for ever):
 * then the call is not made and fails with EINTR, and the signal is
 * handled at its event, which is where a replay finds it.  A call with
 * a timeout of its own waits so for as long as its timeout (from
 * `start`), and is then made with what is left of it (timeout_left), at
 * most at once.  A read's SO_RCVTIMEO counts as its timeout here (waited
 * for ever, a server's read with one hung the recording); the call, made
 * once it has run out, may wait it once more in the kernel.
 */
static bool wait_slices(struct pollfd *fds, nfds_t n, int64_t timeout_ns, int64_t start)
{
	uint64_t mask = rt_signals_program_mask() & ~RT_OWN_SIGNALS;
	bool trapped = rt_trap_program_mask != NULL;
	for (;;) {
		/* A cancellation request is as good as a signal here: glibc
		 * only marks it in the thread, and the caller acts on it when
		 * the call fails with EINTR (interpose_io.c). */
		if (rt_signals_due() || rt_cancel_arrived())
			return true;
		int64_t slice = SIGNAL_LOOK_NS;
		if (timeout_ns >= 0) {
			int64_t left = timeout_ns - (rt_clock_real_monotonic_ns() - start);
			if (left <= 0)
				return false;
			slice = left < slice ? left : slice;
		}
		struct timespec ts = { 0, slice };
		if (trapped) /* a signal now is this thread's (signals.c, on_relay) */
			rt_trap_interruptible = true;
		long r = rt_syscall(SYS_ppoll, (long)fds, (long)n, (long)&ts, (long)&mask,
				    sizeof(mask), 0);
		rt_trap_interruptible = false;
		if (r > 0 || (r < 0 && r != -EINTR))
			return false; /* ready, or the call itself will say what is wrong */
	}
}

/* The timed call's arguments with its timeout what is left of it since
 * `start`: a copy for the timeouts the kernel only reads (poll's and
 * epoll_wait's milliseconds, epoll_pwait2's timespec), the program's own
 * for those it writes what is left into (select's, ppoll's, pselect6's),
 * as the kernel would have counted them down. */
static const long *timeout_left(const struct rt_io *io, int64_t start, struct rt_io_args *own)
{
	int64_t left = rt_io_timeout_ns(io->nr, io->a) - (rt_clock_real_monotonic_ns() - start);
	if (left < 0)
		left = 0;
	memcpy(own->a, io->a, sizeof(own->a));
	switch (io->nr) {
	case SYS_poll:
		own->a[2] = (long)((left + 999999) / 1000000);
		break;
	case SYS_epoll_wait:
	case SYS_epoll_pwait:
		own->a[3] = (long)((left + 999999) / 1000000);
		break;
	case SYS_epoll_pwait2:
		own->ts = (struct timespec){ left / 1000000000LL, left % 1000000000LL };
		own->a[3] = (long)&own->ts;
		break;
	default:
		rt_io_write_timeout(io->nr, io->a, (uint64_t)left);
		break;
	}
	return own->a;
}

bool rt_io_parallel_wait_ready(const struct rt_io *io, struct rt_io_args *own, const long **args)
{
	struct pollfd fds[256];
	int64_t timeout = rt_io_wait_timeout_ns(io->nr, io->a);
	*args = io->a;
	nfds_t n = timeout == 0 ? 0 : watch_fds(io, fds, 256);
	if (n == 0)
		return false;
	int64_t start = rt_clock_real_monotonic_ns();
	if (wait_slices(fds, n, timeout, start))
		return true;
	if (timeout > 0)
		*args = timeout_left(io, start, own);
	return false;
}
