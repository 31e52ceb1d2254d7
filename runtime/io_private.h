/*
 * io_private.h: what io.c (inputs, and the events of every I/O call),
 * outputs.c (outputs, written in parts where they would wait) and
 * input_waits.c (inputs that would block) share, and nothing else in the
 * runtime sees: one I/O call in progress, and the steps that declare and
 * run its events.
 */
#ifndef DEJA_IO_PRIVATE_H
#define DEJA_IO_PRIVATE_H

#include "runtime.h"

#include <sys/syscall.h>

/* One I/O call in progress: what its event needs when it comes
 * (rt_io_at_event). */
struct rt_io {
	struct rt_signal_record *signal; /* a SIGNAL event: its siginfo */
	uint64_t sigwait_set; /* record: rt_sigtimedwait waiting for one of these */
	long nr;
	const struct deja_syscall_info *sc;
	const long *a;
	long result;  /* record: what the call gave */
	bool feed;    /* replay: give the recorded result instead of running */
	bool output;
	bool deferred; /* record: the call runs at its event, once its input is ready */
	bool sourced;  /* its bytes come from a descriptor's file, like a read's */
	bool part;     /* an output's part with bytes left after it (DEJA_EVENT_PART) */
	bool waited_in_kernel; /* record, parallel mode: a timed wait made in the kernel */
	bool made_at_event; /* parallel mode: an output made at its event (outputs.c) */
	bool numbers_fds; /* parallel mode: made at its event, replay too (fd_order.c) */
	bool ordered;  /* replay: its place among the tree's outputs was kept before its event */
	uint32_t output_seq; /* record: its place among the tree's outputs (output_order.c) */
	uint64_t deadline; /* then: its virtual deadline, as a replay's event has it */
	uint64_t left; /* record: the bytes of the whole call from this part on */
	uint64_t shown; /* replay: the bytes of the output the recording delivered (outputs.c) */
	uint64_t room_plus_1; /* its address buffer's size + 1, noted before the call; 0: none */
	char source[256]; /* record: the read's source */
	uint16_t source_len;
};

/* The call as it is, with deja's marker (pass) or without it, so that
 * the supervisor hears of it as an escape (pass_unmanaged: a thread the
 * runtime does not manage). */
long rt_io_pass(long nr, const long a[6]);
long rt_io_pass_unmanaged(long nr, const long a[6]);
bool rt_io_replaying(void);
/* Descriptors known to be of a kind that never waits (a regular file, a
 * directory, a block device). */
bool rt_io_known_never_waits(long fd);
void rt_io_note_never_waits(long fd);
/* outputs.c: make an output at its event (made_at_event): io->result. */
void rt_output_at_event(struct rt_io *io);
/* Replay: output number seq of the tree (output_order.c) in its turn,
 * shown again (rt_output_at_event) if `show`. */
void rt_output_replay_in_turn(struct rt_io *io, uint32_t seq, bool show);
/* Declare the call's `syscall` event and run it: what the program gets. */
long rt_io_run_event(struct rt_io *io, long nr, uint64_t site, long value, uint64_t data,
		     uint32_t data_len, bool source);
/* Run an event the caller has declared, with io as the call at it. */
long rt_io_run_declared(struct rt_io *io);
/* fd_order.c: in a process with threads (any mode), an open, and an
 * accept or recvmsg that takes descriptors without waiting, is made at
 * its event (record), as an input. */
bool rt_fd_order_at_event(long nr, const long a[6]);
/* The flags argument of recvfrom and recvmsg; 0 for other calls. */
static inline long rt_io_recv_flags(long nr, const long a[6])
{
	return nr == SYS_recvfrom ? a[3] : nr == SYS_recvmsg ? a[2] : 0;
}

/* input_waits.c: the calls that wait for input (read, recv, accept, poll,
 * select, epoll_wait); a call's timeout in ns (-1: none); whether the
 * call itself may wait in the kernel, whatever the mode; and whether it
 * waits in the model for its input (the serialised mode), the same in
 * record and replay: it decides both whether record waits for its input
 * and how a switch there counts. */
bool rt_io_waits_for_input(long nr);
int64_t rt_io_timeout_ns(long nr, const long a[6]);
/* Write `left` ns into the timeout of a select, pselect6 or ppoll, where
 * the kernel writes what is left of it (other calls: nothing). */
void rt_io_write_timeout(long nr, const long a[6], uint64_t left);
bool rt_io_call_may_block(long nr, const long a[6]);
/* The timeout of a wait for input in the model: the call's own, or for a
 * read, recv or accept the socket's SO_RCVTIMEO (ns, -1: none). */
int64_t rt_io_wait_timeout_ns(long nr, const long a[6]);
/* A setsockopt or accept that gave `result`: the receive timeouts kept. */
void rt_io_note_socket_call(long nr, const long a[6], long result);
bool rt_io_may_block(long nr, const long a[6]);
/* Arguments of a call with its timeout changed, and room for a timespec. */
struct rt_io_args {
	long a[6];
	struct timespec ts;
};
/* Parallel mode: wait for the call's input with the signals the runtime
 * holds in view; true when one interrupts it (the call fails with EINTR),
 * else *args: the arguments to make the call with (a timed call's
 * timeout is then what is left of it, in *own). */
bool rt_io_parallel_wait_ready(const struct rt_io *io, struct rt_io_args *own, const long **args);
/* Parallel mode, record: declare a call that may wait in the kernel as a
 * wait for the world; its thread stands at a point until its event. */
void rt_io_wait_in_kernel(struct rt_io *io, long nr, uint64_t site);
/* Threads waiting in io.c's run_waiting; touched with the baton held. */
extern int rt_io_waiting_inputs;
/* Its descriptor is ready for what the call waits for. */
bool rt_io_ready(const struct rt_io *io);
/* Run the declared event of a call that runs at its event, once ready:
 * what the call gave. */
long rt_io_run_deferred(struct rt_io *io);

/* outputs.c: record, a part of an output at its event. */
void rt_io_part_at_event(struct rt_io *io, struct deja_pending *p);

#endif /* DEJA_IO_PRIVATE_H */
