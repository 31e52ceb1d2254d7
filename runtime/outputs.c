/*
 * outputs.c: output syscalls, recorded and compared (see io.c for the
 * whole of recording and feeding I/O; io_private.h for what the two
 * share).
 *
 * Recording: an OUTPUT syscall runs and its event carries the xxh3 of the
 * bytes it sent.  Replay: it runs again only where the user sees it
 * (deja's own stdout and stderr, terminals: files.c), and gives the
 * recorded result.
 *
 * Outputs that would wait:
 *
 * A write to a pipe, FIFO or socket in blocking mode waits in the kernel
 * while there is no room (a pipe holds 64 KiB): in the serialised mode
 * its thread would hold the right to run, so that the reader, another
 * thread of the program, never ran, and the run hung.  So such a write
 * (write, writev, send, sendto, sendmsg) is made in
 * parts, each what the descriptor takes at once without waiting: a
 * socket's with MSG_DONTWAIT (sendmsg for a writev), a pipe's through
 * a descriptor of its own on the pipe opened non-blocking
 * (/proc/self/fd/N, so that the program's stays as it is), or, for at
 * most PIPE_BUF bytes that poll says fit, the write itself.  Each part is
 * an event of the call with the bytes it took, flagged DEJA_EVENT_PART
 * while bytes are left; between parts the thread waits, declared, until
 * the descriptor is writable, while other threads run.  The program gets
 * the whole count, as natively.  A replay goes through the same parts,
 * fed, as the PART flags in its feed say.  A signal that ends the wait
 * gives what was written, or, if nothing was, EINTR, or under SA_RESTART
 * the wait goes on.  A writev or sendmsg goes at most RT_PART_IOVS pieces
 * at a time; a sendmsg's control data goes with its first part.  A call of
 * no bytes (an empty datagram) writes in one call.  The parts' arithmetic
 * and the non-waiting write are in write_parts.c.
 */
#define _GNU_SOURCE
#include "io_private.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "model.h"
#include "syscall_table.h"

/* A write that may wait in the kernel for room. */
static bool write_may_wait(long nr, const long a[6])
{
	if (nr != SYS_write && nr != SYS_sendto && nr != SYS_writev && nr != SYS_sendmsg)
		return false;
	if ((nr == SYS_writev && a[2] <= 0) || (nr == SYS_sendmsg && !a[1]) || rt_part_len(nr, a) == 0)
		return false;
	if ((nr == SYS_sendto && (a[3] & MSG_DONTWAIT)) ||
	    (nr == SYS_sendmsg && (a[2] & MSG_DONTWAIT)) || rt_io_known_never_waits(a[0]))
		return false;
	mode_t type = rt_files_type(a[0]);
	if (type == S_IFREG || type == S_IFDIR || type == S_IFBLK)
		rt_io_note_never_waits(a[0]);
	if (type != S_IFSOCK && (type != S_IFIFO || nr == SYS_sendmsg))
		return false;
	long flags = rt_syscall2(SYS_fcntl, a[0], F_GETFL);
	return flags >= 0 && !(flags & O_NONBLOCK);
}

/* The serialised modes write such a call in parts, each at its event. */
static bool output_may_wait(long nr, const long a[6])
{
	return !rt.shared->parallel && write_may_wait(nr, a);
}

/* Record: a part at its event, once the descriptor was writable. */
void rt_io_part_at_event(struct rt_io *io, struct deja_pending *p)
{
	if (!rt.model->chosen_timed_out && deja_model_interrupted(rt.model, rt_self))
		io->result = -EINTR; /* a signal ended the wait */
	else
		io->result = rt_part_write(io->nr, io->a);
	io->part = io->result >= 0 && (uint64_t)io->result < io->left;
	p->value = io->result;
	p->data = rt_part_digest(io->nr, io->a, io->result);
	if (io->part)
		p->flags |= DEJA_EVENT_PART;
}

/* One part after the first: waits until the descriptor is writable, then
 * its event (record: part_at_event; replay: the feed).  What it took. */
static long next_part(struct rt_io *io, uint64_t site)
{
	struct deja_pending *p = rt_declare(DEJA_OP_SYSCALL, NULL, (uint64_t)io->nr, site);
	p->may_block = 1;
	if (io->feed)
		return rt_io_run_declared(io);
	p->wait_io = (uint64_t)(uintptr_t)io;
	p->woken = rt_io_ready(io);
	return rt_io_run_deferred(io);
}

/* The parts after a first that left bytes (`done` of them written):
 * the whole count, or the error if nothing was written; *last is the
 * last part's own result. */
static long later_parts(const struct deja_syscall_info *sc, long nr, const long a[6],
			uint64_t done, uint64_t site, long *last)
{
	for (;;) {
		long part[6];
		struct rt_part_space space;
		rt_part_args(nr, part, a, done, &space);
		struct rt_io io = { .nr = nr, .sc = sc, .a = part, .output = true,
				    .feed = rt_io_replaying(), .result = -ENOSYS,
				    .left = rt_part_len(nr, a) - done };
		long r = next_part(&io, site);
		*last = r;
		if (r == -EPIPE && !io.feed) /* the kernel raised SIGPIPE too */
			rt_signal_take_raised(SIGPIPE);
		/* A signal before any byte: the kernel restarts the call
		 * after a handler with SA_RESTART (its handler has run). */
		if (r == -EINTR && !done && !rt_cancel_requested() && rt_signals_restart())
			continue;
		if (r < 0)
			return done ? (long)done : r;
		done += (uint64_t)r;
		if (!io.part)
			return (long)done;
	}
}

/* Replay: the `shown` bytes the recording's call delivered, all of them
 * and no more.  The user's stdout may be a pipe the program made
 * non-blocking (xz does), which a slower reader fills: the write took
 * part of the bytes, or failed with EAGAIN, and the rest were lost
 * (`deja replay T | cat` passed on 72 KiB of xz's 1.6 MB), while the
 * program got its recorded count.  So the rest goes once poll says there
 * is room: the reader is the user's, not a thread of the program.  A call
 * recorded short shows only the bytes it took: the program's next call
 * shows the others.  What the last write gave, or the count. */
static long show_bytes(long nr, const long a[6], uint64_t shown)
{
	uint64_t done = 0;
	long r = 0;
	while (done < shown) {
		long part[6];
		struct rt_part_space space;
		rt_part_slice(nr, part, a, done, shown - done, &space);
		r = rt_io_pass(nr, part);
		if (r == -EAGAIN) {
			struct pollfd room = { .fd = (int)a[0], .events = POLLOUT };
			rt_syscall3(SYS_poll, &room, 1, -1);
		} else if (r > 0) {
			done += (uint64_t)r;
		} else if (r != -EINTR) {
			return r;
		}
	}
	return done ? (long)done : r;
}

/* Replay: the output again, where the user sees it.  Whether it gets
 * there is the user's affair, not the program's: a reader that has gone
 * (`deja replay T | head`) made the write fail with EPIPE and the kernel
 * raise SIGPIPE, which ended the replayed program and turned an identical
 * replay into a divergence.  So SIGPIPE is blocked around the write and a
 * SIGPIPE it raised is taken back (one that was pending before is left);
 * the program gets its recorded result, and a recorded EPIPE its own
 * SIGPIPE (rt_output). */
static long show_again(long nr, const long a[6], uint64_t shown)
{
	uint64_t pipe = 1ULL << (SIGPIPE - 1), old = 0, pending = 0;
	rt_syscall4(SYS_rt_sigprocmask, SIG_BLOCK, &pipe, &old, sizeof(pipe));
	rt_syscall2(SYS_rt_sigpending, &pending, sizeof(pending));
	long r = rt_part_sliceable(nr) ? show_bytes(nr, a, shown) : rt_io_pass(nr, a);
	if (r == -EPIPE && !(pending & pipe)) {
		struct timespec now = { 0, 0 };
		siginfo_t info;
		rt_syscall4(SYS_rt_sigtimedwait, &pipe, &info, &now, sizeof(pipe));
	}
	rt_syscall4(SYS_rt_sigprocmask, SIG_SETMASK, &old, NULL, sizeof(old));
	return r;
}

/* Replay: this thread's next event, this output, as recorded; NULL if it
 * is another call. */
static const struct deja_feed *recorded(long nr)
{
	const struct deja_feed *f = rt_io_feed_peek(rt_next_event_of_self());
	return f && f->nr == nr ? f : NULL;
}

/* Parallel mode: threads run at once, so an output made before its event
 * (as the serialised modes may) reached the kernel in the order the
 * threads got there, which need not be the order of their events; a
 * replay, which shows it again in the events' order, then printed
 * another interleaving of lines than the recording and still matched
 * every event (a CPython script's three threads printing to a file: 5
 * replays in 6).  Made at its event, by the thread holding the model
 * lock, it keeps the events' order in the recording and in the replay.
 * Only a write that cannot wait is made so: one into a pipe or a socket
 * may wait for a reader, which may be a thread of the program that needs
 * the model lock to read; such writes are made before their events, in
 * the kernel's order (a replay, which writes only deja's own output
 * again, makes every such write at its event). */
static bool made_at_event(long nr, const long a[6])
{
	if (!rt.shared->parallel || (nr != SYS_write && nr != SYS_writev && nr != SYS_pwrite64 &&
				     nr != SYS_pwritev && nr != SYS_pwritev2))
		return false;
	if (rt_io_known_never_waits(a[0]))
		return true;
	mode_t type = rt_files_type(a[0]);
	return type == S_IFREG || type == S_IFCHR || type == S_IFBLK;
}

/* Record: the output made, now. */
static long write_now(long nr, const long a[6])
{
	long r = rt_io_pass(nr, a);
	if (r == -EPIPE) /* the kernel raised SIGPIPE too: its handler runs at this event */
		rt_signal_take_raised(SIGPIPE);
	return r;
}

/* Parallel mode, record: a write into a full pipe or socket waited in
 * the kernel counted as running, so a virtual sleep of the thread that
 * was to read never came due and the recording hung; and a signal or a
 * cancellation request never reached it.  It is a wait for the world now,
 * first for room, in slices with those in view (input_waits.c), as a
 * read's is; it then writes at once, and may still wait in the kernel
 * for the rest of a large write, standing at its point. */
static long write_waiting(struct rt_io *io, long nr, const long a[6], uint64_t site)
{
	struct rt_io_args own;
	const long *args;
	rt_io_wait_in_kernel(io, nr, site);
	if (rt_io_parallel_wait_ready(io, &own, &args))
		return -EINTR;
	return write_now(nr, a);
}

void rt_output_at_event(struct rt_io *io)
{
	io->result = io->feed ? show_again(io->nr, io->a, io->shown) : write_now(io->nr, io->a);
}

void rt_output_replay_in_turn(struct rt_io *io, uint32_t seq, bool show)
{
	rt_output_order_wait(seq);
	if (show)
		rt_output_at_event(io);
	rt_output_order_done(seq);
}

/* The write and its event; a signal that interrupted the wait for room
 * has been handled at the event (rt_output makes the call again after a
 * handler with SA_RESTART). */
static long parallel_write_waiting(struct rt_io *io, long nr, const long a[6], uint64_t site)
{
	long r = write_waiting(io, nr, a, site);
	rt_io_run_event(io, nr, site, r, rt_io_digest(io->sc, a, r, true, RT_IO_ANY_ROOM), 0, false);
	return r;
}

static long output_once(const struct deja_syscall_info *sc, long nr, const long a[6],
			uint64_t site)
{
	struct rt_io io = { .nr = nr, .sc = sc, .a = a, .output = true };
	if (rt_io_replaying()) {
		/* The output happens again only where the user sees it
		 * (deja's own stdout and stderr, terminals: files.c), not on
		 * sockets, whose peer may be gone, nor into files or pipes
		 * between the program's processes, which the recording wrote;
		 * the call gives its recorded result either way (a write
		 * recorded in parts is written once, whole). */
		const struct deja_feed *f = recorded(nr);
		bool runs = nr != SYS_msgsnd && rt_files_replay_writes(a[0]); /* a queue id, no fd */
		/* Failed when recorded (EPIPE into a reader that had gone,
		 * say): its bytes got nowhere then, so they are not shown now. */
		bool again = runs && !(f && f->result < 0);
		io.feed = true;
		/* The whole call if recorded in parts (all of it went, in the
		 * end), or not recorded (the replay has diverged). */
		io.shown = f && !(f->flags & DEJA_EVENT_PART) ? (uint64_t)f->result : rt_part_len(nr, a);
		io.made_at_event = again && rt.shared->parallel;
		io.result = -ENOSYS;
		if (!rt.shared->parallel) { /* where the recording numbered it */
			rt_output_replay_in_turn(&io, f ? f->output_seq : 0, again);
			io.ordered = true;
		}
		long r = rt_io_run_event(&io, nr, site, 0, 0, 0, false), last = r;
		if (io.part)
			r = later_parts(sc, nr, a, (uint64_t)r, site, &last);
		if (last == -EPIPE) /* recorded: the kernel raised SIGPIPE then */
			rt_signal_raise_unrelayed(SIGPIPE);
		return r;
	}
	if (output_may_wait(nr, a)) {
		long first[6];
		struct rt_part_space space;
		rt_part_args(nr, first, a, 0, &space);
		long r = rt_part_write(nr, first);
		io.output_seq = rt_output_order_take(); /* never in parallel mode */
		if (r == -EPIPE)
			rt_signal_take_raised(SIGPIPE);
		io.part = r >= 0 && (uint64_t)r < rt_part_len(nr, a);
		rt_io_run_event(&io, nr, site, r, rt_part_digest(nr, a, r), 0, false);
		long last;
		return io.part ? later_parts(sc, nr, a, (uint64_t)r, site, &last) : r;
	}
	if (made_at_event(nr, a)) {
		io.made_at_event = true;
		rt_io_run_event(&io, nr, site, 0, 0, 0, false); /* filled in at the event */
		return io.result;
	}
	if (rt.shared->parallel && write_may_wait(nr, a))
		return parallel_write_waiting(&io, nr, a, site);
	long r = write_now(nr, a);
	if (!rt.shared->parallel) /* parallel mode numbers it at its event */
		io.output_seq = rt_output_order_take();
	rt_io_run_event(&io, nr, site, r, rt_io_digest(sc, a, r, true, RT_IO_ANY_ROOM), 0, false);
	return r;
}

/* Descriptors a message passes to another process are no longer the
 * program's alone (closed_world.c). */
static void note_sent_fds(long nr, const long a[6])
{
	if (nr == SYS_sendmsg) {
		rt_world_fds_sent((const struct msghdr *)a[1]);
	} else if (nr == SYS_sendmmsg) {
		const struct mmsghdr *v = (const struct mmsghdr *)a[1];
		for (long i = 0; v && i < a[2]; i++)
			rt_world_fds_sent(&v[i].msg_hdr);
	}
}

long rt_output(const struct deja_syscall_info *sc, long nr, const long a[6], uint64_t site)
{
	note_sent_fds(nr, a);
	if (!rt_managed())
		return rt_io_pass_unmanaged(nr, a);
	for (;;) {
		long r = output_once(sc, nr, a, site);
		/* Parallel mode: a signal ended a wait for room before any
		 * byte was written (write_waiting; its replay is fed the
		 * same), and the kernel would have restarted the call. */
		if (r != -EINTR || !rt.shared->parallel || rt_cancel_requested() ||
		    !rt_signals_restart())
			return r;
	}
}
