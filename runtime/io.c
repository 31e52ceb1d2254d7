/*
 * io.c: input and output syscalls, recorded and fed back.
 *
 * Recording: an INPUT syscall runs, then becomes a `syscall` event whose
 * data is the bytes the kernel wrote into the program's buffers (described
 * by the syscall table), copied into the shared data ring; reads also carry
 * their source (the descriptor's path) for the trace's inputs.  An OUTPUT
 * syscall runs and its event carries the xxh3 of the bytes it sent.
 *
 * Replay: an INPUT syscall does not run.  When the thread's turn for the
 * event comes, the recorded result and bytes are copied back into the
 * program's buffers (the feed the supervisor put in shared memory, looked up
 * by event number).  An OUTPUT syscall runs again only where the user sees
 * it (deja's own stdout and stderr, terminals: files.c), so a replay needs
 * no peer and leaves files and pipes alone; it gives the recorded result.
 * Either way the digest of the bytes is compared with the recording.
 *
 * The work at the event itself happens in rt_io_at_event(), called by the
 * thread holding the baton (or the model lock) right before the event is
 * published, so data and event stay in order.  Outputs, and the parts a
 * write that would wait is made in, are in outputs.c; inputs that would
 * block, and the runtime's waits for the world, in input_waits.c; what the
 * three files share is in io_private.h.
 */
#define _GNU_SOURCE
#include "runtime.h"


#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "io_private.h"
#include "model.h"
#include "syscall_table.h"

#define XXH_INLINE_ALL
#include <xxhash.h>


static __thread struct rt_io *current __attribute__((tls_model("initial-exec")));

/* How many bytes of an address the call may have written (its buffer's
 * size, noted before the call), or any. */
static uint64_t room_of(const struct rt_io *io)
{
	return io->room_plus_1 ? io->room_plus_1 - 1 : RT_IO_ANY_ROOM;
}

/* ---- the data ring (record) ---- */

static void ring_put(const void *src, uint64_t len)
{
	struct deja_shared *sh = rt.shared;
	const uint8_t *p = src;
	while (len > 0) {
		uint64_t free_bytes = DEJA_DATA_RING_BYTES - (sh->data_write -
				      __atomic_load_n(&sh->data_read, __ATOMIC_ACQUIRE));
		if (free_bytes == 0) {
			struct timespec ts = { 0, 50000 };
			rt_syscall2(SYS_nanosleep, &ts, NULL);
			continue;
		}
		uint64_t at = sh->data_write & (DEJA_DATA_RING_BYTES - 1);
		uint64_t n = len < free_bytes ? len : free_bytes;
		if (n > DEJA_DATA_RING_BYTES - at)
			n = DEJA_DATA_RING_BYTES - at;
		memcpy(&sh->data[at], p, n);
		__atomic_store_n(&sh->data_write, sh->data_write + n, __ATOMIC_RELEASE);
		p += n;
		len -= n;
	}
}

static void ring_chunk(void *ctx, uint8_t *ptr, uint64_t len)
{
	(void)ctx;
	ring_put(ptr, len);
}

/* ---- the feed (replay) ---- */

static uint64_t feed_cursor;

void rt_io_after_fork(void)
{
	feed_cursor = 0; /* the child's channel has a feed of its own */
	rt_feed_after_fork();
}

const struct deja_feed *rt_io_feed_peek(uint64_t seq)
{
	const struct deja_shared *sh = rt.shared;
	const struct deja_feed *f = (const struct deja_feed *)((const char *)sh + sh->feed_offset);
	uint64_t lo = 0, hi = sh->feed_count; /* sorted by seq */
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (f[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < sh->feed_count && f[lo].seq == seq ? &f[lo] : NULL;
}

static const struct deja_feed *feed_for(uint64_t seq)
{
	const struct deja_shared *sh = rt.shared;
	const struct deja_feed *f = (const struct deja_feed *)((const char *)sh + sh->feed_offset);
	uint64_t was = feed_cursor;
	while (feed_cursor < sh->feed_count && f[feed_cursor].seq < seq)
		feed_cursor++;
	if (feed_cursor != was) /* the entries passed are done with */
		rt_feed_release(feed_cursor < sh->feed_count ? f[feed_cursor].offset : sh->feed_total);
	if (feed_cursor < sh->feed_count && f[feed_cursor].seq == seq)
		return &f[feed_cursor];
	return NULL;
}

/* The signal number the recording's event `seq` handled and at which point
 * (struct rt_signal_record), without moving the cursor (which the events
 * before it still need); 0 if none. */
int rt_io_recorded_signal(uint64_t seq, uint32_t *point)
{
	const struct deja_shared *sh = rt.shared;
	const struct deja_feed *f = (const struct deja_feed *)((const char *)sh + sh->feed_offset);
	*point = 0;
	for (uint64_t i = feed_cursor; i < sh->feed_count && f[i].seq <= seq; i++) {
		if (f[i].seq != seq)
			continue;
		const size_t at = offsetof(struct rt_signal_record, point);
		if (f[i].len >= at + sizeof(*point))
			memcpy(point, rt_feed_bytes(&f[i]) + at, sizeof(*point));
		return (int)f[i].result;
	}
	return 0;
}

struct scatter {
	const uint8_t *from;
	uint64_t left;
	bool short_of_bytes; /* a buffer wanted more than the feed had left */
};

static void scatter_chunk(void *ctx, uint8_t *ptr, uint64_t len)
{
	struct scatter *s = ctx;
	uint64_t n = len < s->left ? len : s->left;
	if (n < len)
		s->short_of_bytes = true;
	memcpy(ptr, s->from, n);
	s->from += n;
	s->left -= n;
}

/* A fed accept gave a new descriptor: make its number exist, so that the
 * program's later descriptors get the numbers they had and closing it
 * closes nothing else.  It stands in for a connected socket, with the
 * flags accept4 asked for: a socket of its own, on which the socket calls
 * a program makes next (epoll_ctl, fcntl, TCP_NODELAY) work as they did. */
static void reserve_socket(long fd, long accept4_flags)
{
	long type = SOCK_STREAM | (accept4_flags & (SOCK_NONBLOCK | SOCK_CLOEXEC));
	long tmp = rt_syscall3(SYS_socket, AF_UNIX, type, 0);
	if (tmp < 0)
		return;
	if (tmp != fd) {
		rt_syscall3(SYS_dup3, tmp, fd, (accept4_flags & SOCK_CLOEXEC) ? O_CLOEXEC : 0);
		rt_syscall1(SYS_close, tmp);
	}
}

/* A fed recvmsg gave descriptors (SCM_RIGHTS in its control data, which
 * the feed has just written): make each number exist, as a fed accept's,
 * so that the program's later descriptors keep their numbers and its calls
 * on these (fed like any) find a descriptor.  The headers are walked by
 * hand, as CMSG_NXTHDR would (libc's helper is not the runtime's to call). */
static void reserve_passed_fds(const struct msghdr *m, long recv_flags)
{
	long flags = (recv_flags & MSG_CMSG_CLOEXEC) ? SOCK_CLOEXEC : 0;
	const uint8_t *at = m->msg_control, *end = at + m->msg_controllen;
	while (at && at + sizeof(struct cmsghdr) <= end) {
		const struct cmsghdr *c = (const struct cmsghdr *)at;
		if (c->cmsg_len < sizeof(*c) || c->cmsg_len > (uint64_t)(end - at))
			break;
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			uint64_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			for (uint64_t i = 0; i < n; i++) {
				int fd;
				memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
				reserve_socket(fd, flags);
			}
		}
		at += CMSG_ALIGN(c->cmsg_len);
	}
}

static void feed(struct rt_io *io, struct deja_pending *p, uint64_t seq)
{
	if (!io->sc) {
		const struct deja_feed *f0 = feed_for(seq);
		p->value = f0 ? f0->result : -ENOSYS;
		return;
	}
	const struct deja_feed *f = feed_for(seq);
	uint64_t sent = 0;
	if (io->output && f && (f->flags & DEJA_EVENT_PART))
		sent = rt_part_digest(io->nr, io->a, f->result);
	else if (io->output)
		sent = rt_io_digest(io->sc, io->a, f ? f->result : 0, true, room_of(io));
	if (!f || f->nr != io->nr || (io->output && sent != f->digest)) {
		/* Not this call's record: the event will not match, and the
		 * supervisor reports the divergence.  Until then an output that
		 * ran gives its own result, not one meant for other bytes. */
		p->value = io->output ? io->result : -ENOSYS;
		p->data = io->output ? rt_io_digest(io->sc, io->a, io->result, true, room_of(io)) : 0;
		return;
	}
	p->value = f->result;
	if (io->output && (f->flags & DEJA_EVENT_PART)) { /* the write goes on */
		p->flags |= DEJA_EVENT_PART;
		io->part = true;
	}
	if ((io->nr == SYS_accept || io->nr == SYS_accept4) && f->result >= 0)
		reserve_socket(f->result, io->nr == SYS_accept4 ? io->a[3] : 0);
	if (rt_files_is_open(io->nr) && f->result >= 0)
		rt_files_stand_in(io->nr, io->a, f->result);
	bool fed_exactly = false;
	if (!io->output) {
		struct scatter s = { rt_feed_bytes(f), f->len, false };
		rt_io_each_chunk(io->sc, io->a, f->result, false, room_of(io), scatter_chunk, &s);
		fed_exactly = f->len && !s.left && !s.short_of_bytes;
	}
	if (io->nr == SYS_recvmsg && f->result >= 0)
		reserve_passed_fds((const struct msghdr *)io->a[1], io->a[2]);
	/* The event's data is the xxh3 of the buffers the call filled.  When
	 * they took the entry's bytes, all of them and nothing else, that is
	 * the xxh3 of those bytes, which the supervisor worked out as it read
	 * them (bytes_xxh3): hashing them again here took a sixth of the
	 * program's time in a replay of 4 KiB reads.  Otherwise (a call that
	 * does not match its record) the buffers are hashed as they are, and
	 * the event differs. */
	if (io->output)
		p->data = sent;
	else if (fed_exactly)
		p->data = f->bytes_xxh3;
	else
		p->data = rt_io_digest(io->sc, io->a, f->result, false, room_of(io));
}

static void run_now(struct rt_io *io);
static void note_result(struct rt_io *io, struct deja_pending *p);
static void find_source(struct rt_io *io, long fd);
static bool is_read(long nr);

/* A SIGNAL event: its siginfo goes into the data ring (record), or comes
 * back from the feed (replay, with the signal number as the result). */
static void signal_at_event(struct rt_io *io, struct deja_pending *p, uint64_t seq)
{
	if (!io->feed) {
		ring_put(io->signal, sizeof(*io->signal));
		return;
	}
	const struct deja_feed *f = feed_for(seq);
	if (!f) {
		p->value = 0; /* not a recorded signal: the supervisor reports it */
		return;
	}
	memset(io->signal, 0, sizeof(*io->signal));
	memcpy(io->signal, rt_feed_bytes(f),
	       f->len < sizeof(*io->signal) ? f->len : sizeof(*io->signal));
	p->value = f->result;
	p->arg = (uint64_t)f->result;
	p->data = XXH3_64bits(&io->signal->info, sizeof(io->signal->info));
}

/* Record: rt_sigtimedwait (arguments a) takes a signal of set, its
 * siginfo into the program's buffer: the signal, or -EAGAIN for none. */
static long sigwait_take(const long a[6], uint64_t set)
{
	siginfo_t info;
	memset(&info, 0, sizeof(info));
	int sig = rt_signal_take_in(set, &info);
	if (!sig)
		return -EAGAIN;
	rt_timers_handled(sig);
	if (a[1])
		memcpy((void *)a[1], &info, sizeof(info));
	return sig;
}

/* Record: rt_sigtimedwait at its event: the signal that ended its wait
 * (or the one pending when it came), or EAGAIN when it timed out. */
static void sigwait_at_event(struct rt_io *io)
{
	io->result = rt.model->chosen_timed_out ? -EAGAIN : sigwait_take(io->a, io->sigwait_set);
}

/* A wait4 at its event.  Record: a child it waits for has ended (or a
 * signal ended the wait), so it runs without waiting.  Replay: the
 * recorded result and status. */
static void reap_at_event(struct rt_io *io, struct deja_pending *p, uint64_t seq)
{
	if (io->feed) {
		const struct deja_feed *f = feed_for(seq);
		io->result = f ? f->result : -ENOSYS;
		if (f && f->result > 0 && io->a[1])
			*(int *)io->a[1] = (int)(uint32_t)f->digest;
		rt_fork_reap_fill(p, io->a, io->result);
		return;
	}
	if (deja_model_interrupted(rt.model, rt_self))
		io->result = -EINTR;
	else
		io->result = rt_io_pass(SYS_wait4, io->a);
	if (io->result > 0)
		io->result = rt_pids_shown(io->result);
	rt_fork_reap_fill(p, io->a, io->result);
}

/* select(), pselect6() and ppoll() write the time left into their
 * timeout, as Linux does (glibc's select hands the caller's own timeval):
 * a timed-out select leaves it at 0, and a loop that retries an
 * interrupted one with what is left relies on it.  The wait ran on the
 * virtual clock (the kernel saw a zero timeout, or none in a replay), so
 * what is left is its virtual deadline less the clock at its event, the
 * same in record and replay. */
static void write_time_left(const struct rt_io *io, long r, uint64_t deadline)
{
	if (r < 0 && r != -EINTR)
		return;
	uint64_t now = rt.model->vclock;
	/* Timed out (0 ready): nothing is left, whatever the clock says; a
	 * parallel recording's call waited in the kernel, which wrote 0. */
	rt_io_write_timeout(io->nr, io->a, r != 0 && deadline > now ? deadline - now : 0);
}

/* Parallel recording: a call with a timeout of its own waited in the
 * kernel, in real time (input_waits.c).  Timed out, it ends at its
 * virtual deadline, as a timed wait of the model's does: the clock had
 * moved only by its events' ticks, so an event loop polling with the
 * time to its next timer found that time still ahead and polled again
 * for ever, once settling let such a wait end before another thread's
 * timeout (baton.c, kernel_waiter_coming). */
static void timed_out_in_kernel(const struct rt_io *io)
{
	if (io->result == 0 && rt.model->vclock < io->deadline)
		rt.model->vclock = io->deadline;
	write_time_left(io, io->result, io->deadline);
}

void rt_io_at_event(struct deja_pending *p, uint64_t seq)
{
	struct rt_io *io = current;
	if (io && p->op == DEJA_OP_SIGNAL) {
		signal_at_event(io, p, seq);
		return;
	}
	if (io && p->op == DEJA_OP_REAP) {
		reap_at_event(io, p, seq);
		return;
	}
	if (!io || p->op != DEJA_OP_SYSCALL)
		return;
	if (io->numbers_fds) { /* fd_order.c: made here, in a replay too */
		io->result = rt_io_pass(io->nr, io->a);
		p->value = io->result;
		return;
	}
	if (io->feed) {
		if (io->output && !io->ordered) { /* its place, numbered at its event */
			const struct deja_feed *f = rt_io_feed_peek(seq);
			rt_output_replay_in_turn(io, f ? f->output_seq : 0, io->made_at_event);
		}
		feed(io, p, seq);
		if (p->timed)
			write_time_left(io, p->value, p->deadline);
		return;
	}
	if (io->output) {
		if (io->made_at_event) {
			rt_output_at_event(io);
			p->value = io->result;
			p->data = rt_io_digest(io->sc, io->a, io->result, true, RT_IO_ANY_ROOM);
		}
		if (io->deferred)
			rt_io_part_at_event(io, p);
		/* Numbered where it was made: at its event here, or in the
		 * serialised mode right after a write before its event. */
		if (rt.shared->parallel || io->deferred)
			io->output_seq = rt_output_order_take();
		p->output_seq = io->output_seq;
		return;
	}
	if (io->sigwait_set)
		sigwait_at_event(io);
	else if (io->deferred && !rt.model->chosen_timed_out &&
		 deja_model_interrupted(rt.model, rt_self))
		io->result = -EINTR; /* a signal ended the wait before its input came */
	else if (io->deferred)
		run_now(io);
	if (io->deferred && p->timed)
		write_time_left(io, io->result, p->deadline);
	else if (io->waited_in_kernel)
		timed_out_in_kernel(io);
	note_result(io, p);
	rt_file_times_seen(io->nr, io->a, io->result); /* before the event takes the clock's time */
	if (p->data_len == 0)
		return;
	if (io->source_len) {
		ring_put(&io->source_len, sizeof(io->source_len));
		ring_put(io->source, io->source_len);
	}
	rt_io_each_chunk(io->sc, io->a, io->result, false, room_of(io), ring_chunk, NULL);
}

/* ---- the calls ---- */

long rt_io_pass(long nr, const long a[6])
{
	return rt_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* For a thread the runtime does not manage (a process it does not follow,
 * a thread that has left the model): the call is made without the marker,
 * so that the supervisor hears of it as the escape it is. */
long rt_io_pass_unmanaged(long nr, const long a[6])
{
	return rt_syscall_unmarked(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

bool rt_io_replaying(void)
{
	return rt.shared->mode == DEJA_MODE_REPLAY;
}


static bool is_read(long nr)
{
	return nr == SYS_read || nr == SYS_pread64 || nr == SYS_readv || nr == SYS_preadv ||
	       nr == SYS_preadv2 || nr == SYS_recvfrom || nr == SYS_recvmsg;
}

/*
 * Sources by descriptor, so that a program reading a file in small pieces
 * asks the kernel for its path once, not once per read (a readlink of
 * /proc/self/fd/N costs more than the read).  An entry is dropped when its
 * descriptor is closed or replaced (rt_io_forget_fd).  `gen` changes with
 * every drop, so a reader that copied an entry while another thread
 * dropped it sees that and asks the kernel instead.
 */
#define SOURCE_CACHE_FDS 1024 /* as many as random.c's RANDOM_FDS */

struct source_entry {
	uint32_t gen;   /* odd while being filled */
	uint16_t len;   /* 0: empty */
	char path[256];
};

static struct source_entry sources[SOURCE_CACHE_FDS];

/* Descriptors known to be of a kind whose reads never wait (a regular
 * file, a directory, a block device), by number, so that a read of a file
 * asks fstat once (input_waits.c's descriptor_may_wait); forgotten with the descriptor. */
static uint64_t never_waits[SOURCE_CACHE_FDS / 64];

bool rt_io_known_never_waits(long fd)
{
	return fd >= 0 && fd < SOURCE_CACHE_FDS &&
	       (__atomic_load_n(&never_waits[fd / 64], __ATOMIC_RELAXED) & (1ull << (fd % 64)));
}

void rt_io_note_never_waits(long fd)
{
	if (fd >= 0 && fd < SOURCE_CACHE_FDS)
		__atomic_fetch_or(&never_waits[fd / 64], 1ull << (fd % 64), __ATOMIC_RELAXED);
}

void rt_io_forget_fd(long fd)
{
	if (fd < 0 || fd >= SOURCE_CACHE_FDS)
		return;
	__atomic_fetch_and(&never_waits[fd / 64], ~(1ull << (fd % 64)), __ATOMIC_RELAXED);
	__atomic_store_n(&sources[fd].len, 0, __ATOMIC_RELEASE);
	__atomic_fetch_add(&sources[fd].gen, 2, __ATOMIC_ACQ_REL);
}

static bool cached_source(struct rt_io *io, long fd)
{
	struct source_entry *e = &sources[fd];
	uint32_t gen = __atomic_load_n(&e->gen, __ATOMIC_ACQUIRE);
	uint16_t len = __atomic_load_n(&e->len, __ATOMIC_ACQUIRE);
	if ((gen & 1) || len == 0 || len > sizeof(io->source))
		return false;
	memcpy(io->source, e->path, len);
	if (__atomic_load_n(&e->gen, __ATOMIC_ACQUIRE) != gen)
		return false;
	io->source_len = len;
	return true;
}

static void cache_source(const struct rt_io *io, long fd)
{
	struct source_entry *e = &sources[fd];
	uint32_t gen = __atomic_load_n(&e->gen, __ATOMIC_ACQUIRE);
	if ((gen & 1) || io->source_len == 0 || io->source_len > sizeof(e->path) ||
	    !__atomic_compare_exchange_n(&e->gen, &gen, gen + 1, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_RELAXED))
		return;
	memcpy(e->path, io->source, io->source_len);
	__atomic_store_n(&e->len, io->source_len, __ATOMIC_RELEASE);
	__atomic_store_n(&e->gen, gen + 2, __ATOMIC_RELEASE);
}

/* The descriptor's path ("/etc/hosts", "pipe:[1234]", "/dev/pts/0"). */
static void find_source(struct rt_io *io, long fd)
{
	bool cacheable = fd >= 0 && fd < SOURCE_CACHE_FDS;
	if (cacheable && cached_source(io, fd))
		return;
	char link[40] = "/proc/self/fd/";
	rt_decimal(link + strlen(link), fd);
	long len = rt_syscall3(SYS_readlink, link, io->source, sizeof(io->source));
	io->source_len = len > 0 ? (uint16_t)len : 0;
	if (cacheable)
		cache_source(io, fd);
}

bool rt_io_fd_path_starts(long fd, const char *prefix)
{
	struct rt_io io = { 0 };
	find_source(&io, fd);
	size_t n = strlen(prefix);
	return io.source_len >= n && memcmp(io.source, prefix, n) == 0;
}


/* Whether a wait of t ns (< 0: for ever) has a deadline, and that virtual
 * deadline, counted from the clock after the thread's last event (the
 * same in a recording and its replay). */
static bool deadline_after(int64_t t, uint64_t *deadline)
{
	if (t < 0)
		return false;
	*deadline = rt_vclock_base() + (uint64_t)t;
	return true;
}

/* Whether the call is a wait for input with a timeout of its own, and its
 * virtual deadline. */
static bool input_deadline(long nr, const long a[6], uint64_t *deadline)
{
	return deadline_after(rt_io_waits_for_input(nr) ? rt_io_timeout_ns(nr, a) : -1, deadline);
}

/* A wait for input with a timeout (its own, or its socket's SO_RCVTIMEO)
 * is a timed wait in the model: in a recording, and in its replay as it
 * was when recorded, so that the replay can end it by its timeout where
 * the recording did. */
static void timed_by_its_timeout(struct deja_pending *p, long nr, const long a[6])
{
	int64_t t = rt_io_waits_for_input(nr) ? rt_io_wait_timeout_ns(nr, a) : -1;
	if (deadline_after(t, &p->deadline))
		p->timed = 1;
}

long rt_io_run_event(struct rt_io *io, long nr, uint64_t site, long value, uint64_t data,
		      uint32_t data_len, bool source)
{
	struct deja_pending *p = rt_declare(DEJA_OP_SYSCALL, NULL, (uint64_t)nr, site);
	p->may_block = rt_io_may_block(nr, io->a);
	if (io->feed)
		timed_by_its_timeout(p, nr, io->a);
	p->value = value;
	p->data = data;
	p->data_len = data_len;
	p->flags = (source ? DEJA_EVENT_SOURCE : 0) | (io->part ? DEJA_EVENT_PART : 0);
	return rt_io_run_declared(io);
}

long rt_io_run_declared(struct rt_io *io)
{
	current = io;
	long r = (long)rt_run();
	current = NULL;
	return r;
}

/* A waiting input at its event: its input is ready (or it timed out), so
 * it runs without waiting in the kernel. */
static void run_now(struct rt_io *io)
{
	if (rt.model->chosen_timed_out && rt_io_timeout_ns(io->nr, io->a) < 0) {
		io->result = -EAGAIN; /* a read's SO_RCVTIMEO ran out */
		return;
	}
	long a[6];
	memcpy(a, io->a, sizeof(a));
	struct timespec zero = { 0, 0 };
	struct timeval zero_tv = { 0, 0 };
	if (io->nr == SYS_select)
		a[4] = (long)&zero_tv;
	else if (io->nr == SYS_pselect6)
		a[4] = (long)&zero;
	if (io->nr == SYS_poll)
		a[2] = 0; /* ready, or timed out: do not wait in the kernel */
	else if (io->nr == SYS_epoll_wait || io->nr == SYS_epoll_pwait)
		a[3] = 0;
	else if (io->nr == SYS_ppoll)
		a[2] = (long)&zero;
	else if (io->nr == SYS_epoll_pwait2)
		a[3] = (long)&zero;
	io->result = rt_io_pass(io->nr, a);
}

/* Record: an input ran and gave io->result.  Its event gets the result,
 * the digest of the bytes it filled, and their size (with the source's
 * path for a read), which rt_io_at_event then copies to the data ring. */
static void note_result(struct rt_io *io, struct deja_pending *p)
{
	long r = io->result;
	uint64_t bytes = rt_io_bytes(io->sc, io->a, r, room_of(io));
	bool sourced = is_read(io->nr) || io->sourced;
	if (sourced && r >= 0)
		find_source(io, io->a[0]);
	uint64_t data_len = bytes + (io->source_len ? sizeof(io->source_len) + io->source_len : 0);
	if (data_len > UINT32_MAX)
		rt_fatal("one input syscall returned 4 GiB or more");
	p->value = r;
	p->data = rt_io_digest(io->sc, io->a, r, false, room_of(io));
	p->data_len = (uint32_t)data_len;
	p->flags = sourced ? DEJA_EVENT_SOURCE : 0;
}

/* The declared event of a call that runs at its event, once ready
 * (run_now, by rt_io_at_event): what the call gave. */
long rt_io_run_deferred(struct rt_io *io)
{
	io->deferred = true;
	current = io;
	rt_io_waiting_inputs++;
	rt_run();
	rt_io_waiting_inputs--;
	current = NULL;
	return io->result;
}

static long run_waiting(struct rt_io *io, long nr, uint64_t site)
{
	struct deja_pending *p = rt_declare(DEJA_OP_SYSCALL, NULL, (uint64_t)nr, site);
	p->may_block = 1;
	p->wait_io = (uint64_t)(uintptr_t)io;
	p->woken = rt_io_ready(io);
	timed_by_its_timeout(p, nr, io->a);
	return rt_io_run_deferred(io);
}

long rt_io_reap_waiting(const long a[6], uint64_t site)
{
	struct rt_io io = { .nr = SYS_wait4, .a = a, .feed = rt_io_replaying() };
	struct deja_pending *p = rt_declare(DEJA_OP_REAP, NULL, 0, site);
	p->may_block = !(a[2] & WNOHANG);
	if (!io.feed) { /* a replay follows the recording: it does not wait */
		p->wait_io = (uint64_t)(uintptr_t)&io;
		p->woken = rt_io_ready(&io);
	}
	return rt_io_run_deferred(&io);
}

/* One input call, recorded or fed. */
/* Parallel mode, record: an input that may wait in the kernel is declared
 * as a wait for the world first (not enabled, so the run is not settled
 * by choosing it), and the thread counts as at a point while it waits:
 * counted as running, a thread blocked in read() kept another's virtual
 * usleep() from ever coming due, and the writer it waited for never
 * wrote (the recording hung). */
void rt_io_wait_in_kernel(struct rt_io *io, long nr, uint64_t site)
{
	struct deja_pending *p = rt_declare(DEJA_OP_SYSCALL, NULL, (uint64_t)nr, site);
	p->may_block = 1;
	p->wait_io = (uint64_t)(uintptr_t)io;
	/* When its own timeout ends it, for settling (rt_io_kernel_wait_deadline);
	 * not a timed wait of the model's, which would fire it. */
	if (!input_deadline(nr, io->a, &p->deadline))
		p->deadline = DEJA_NO_DEADLINE;
	rt_model_wait_in_kernel();
}

void rt_io_wait_in_kernel_quietly(long nr, const long a[6], uint64_t site)
{
	/* Parallel mode watches no descriptor of a wait in the kernel; were
	 * one watched, this is none (-1). */
	static const long no_fd[6] = { -1, 0, 0, 0, 0, 0 };
	static const struct rt_io quiet = { .nr = -1, .a = no_fd };
	(void)a;
	rt_io_wait_in_kernel((struct rt_io *)(uintptr_t)&quiet, nr, site);
}

static long input_once(const struct deja_syscall_info *sc, long nr, const long a[6],
		       uint64_t site)
{
	struct rt_io io = { .nr = nr, .sc = sc, .a = a };
	uint64_t room;
	if (rt_io_address_room(sc, a, &room))
		io.room_plus_1 = room + 1;
	if (rt_io_replaying()) {
		if (rt_files_replay_runs(nr, a) || rt_tty_replay_runs(nr, a))
			rt_io_pass(nr, a);
		io.feed = true;
		long r = rt_io_run_event(&io, nr, site, 0, 0, 0, is_read(nr));
		/* A success is 0 for chdir, the new session's id for setsid. */
		if (r >= 0 && (rt_files_replay_follows(nr) || rt_sessions_replay_follows(nr)))
			rt_io_pass(nr, a); /* its failure is the world's, not the program's */
		return r;
	}
	if (rt_io_may_block(nr, a))
		return run_waiting(&io, nr, site);
	if (rt_fd_order_at_event(nr, a)) { /* at its event, in the descriptors' order */
		io.deferred = true;
		rt_io_run_event(&io, nr, site, 0, 0, 0, false);
		return io.result;
	}
	bool interrupted = false;
	const long *args = a;
	struct rt_io_args own;
	if (rt.shared->parallel && rt_io_call_may_block(nr, a)) {
		rt_io_wait_in_kernel(&io, nr, site);
		io.waited_in_kernel = input_deadline(nr, a, &io.deadline);
		interrupted = rt_io_parallel_wait_ready(&io, &own, &args);
	}
	io.result = interrupted ? -EINTR : rt_io_pass(nr, args);
	if (nr == SYS_rt_sigpending && io.result == 0 && a[0])
		*(uint64_t *)a[0] |= rt_signals_held_pending(); /* the kernel does not have them */
	rt_io_run_event(&io, nr, site, 0, 0, 0, false); /* filled in by note_result */
	return io.result;
}

/* Calls the kernel restarts after a handler with SA_RESTART (poll,
 * select and epoll_wait it never restarts). */
static bool restartable(long nr)
{
	return nr == SYS_read || nr == SYS_readv || nr == SYS_recvfrom || nr == SYS_recvmsg ||
	       nr == SYS_accept || nr == SYS_accept4;
}

long rt_input(const struct deja_syscall_info *sc, long nr, const long a[6], uint64_t site)
{
	if (!rt_managed())
		return rt_io_pass_unmanaged(nr, a);
	if (nr == SYS_read && rt_is_random_fd(a[0]))
		return rt_random((void *)a[1], (uint64_t)a[2], site);
	for (;;) {
		long r = input_once(sc, nr, a, site);
		rt_io_note_socket_call(nr, a, r);
		/* -EINTR: a signal interrupted its wait (deja_pending.interrupt),
		 * and its handler has run. */
		if (r != -EINTR || rt_cancel_requested() || !restartable(nr) ||
		    !rt_signals_restart())
			return r;
	}
}

int64_t rt_io_signal_event(int sig, struct rt_signal_record *record, uint64_t site)
{
	struct rt_io io = { .signal = record, .feed = rt_io_replaying() };
	struct deja_pending *p = rt_declare(DEJA_OP_SIGNAL, NULL, (uint64_t)sig, site);
	p->value = sig;
	if (!io.feed) { /* the digest covers the siginfo, as in traces before `point` */
		p->data = XXH3_64bits(&record->info, sizeof(record->info));
		p->data_len = sizeof(*record);
	}
	current = &io;
	int64_t r = rt_run();
	current = NULL;
	return r;
}

/* pause() and rt_sigsuspend(): a wait in the model that only a signal
 * ends (deja_pending.interrupt), with -EINTR, as an event; a timer's
 * signal, another thread's or one from outside (rt_io_wait_external waits
 * for it when nobody can run).  A replay ends it where the recording did. */
long rt_io_wait_signal(long nr, const long a[6], uint64_t site)
{
	struct rt_io io = { .nr = nr, .sc = deja_syscall(nr), .a = a, .feed = rt_io_replaying(),
			    .result = -EINTR };
	struct deja_pending *p = rt_declare(DEJA_OP_SYSCALL, NULL, (uint64_t)nr, site);
	p->may_block = 1;
	p->interrupt = DEJA_INTERRUPT_SIGNAL_ONLY;
	p->value = -EINTR;
	current = &io;
	long r = (long)rt_run_op();
	current = NULL;
	return r;
}

/*
 * sigwait(), sigwaitinfo(), sigtimedwait(): the signals of the set (which
 * the program blocks) are taken, not handled.  One already pending is
 * taken at once; else the thread waits in the model, letting the set in
 * for the routing of signals (its trap mask, which it publishes, opens the
 * set meanwhile: signals.c wakes it for one of them), with the call's
 * timeout as a virtual deadline.  Its event records the result and the
 * siginfo, and a replay feeds them back at the same event.
 */
long rt_io_sigwait(const long a[6], sigset_t *mask, uint64_t site)
{
	const struct deja_syscall_info *sc = deja_syscall(SYS_rt_sigtimedwait);
	if (a[3] != sizeof(uint64_t))
		return -EINVAL;
	uint64_t set, saved;
	memcpy(&set, (const void *)a[0], sizeof(set));
	set = rt_program_signal_set(set);
	const struct timespec *ts = (const struct timespec *)a[2];
	struct rt_io io = { .nr = SYS_rt_sigtimedwait, .sc = sc, .a = a, .feed = rt_io_replaying() };
	/* Whether it may block, by the call alone: a replay, which never
	 * waits, cannot tell whether the recording found its signal pending,
	 * and a switch away from it counts as a preemption or not by this. */
	bool may = !(ts && ts->tv_sec == 0 && ts->tv_nsec == 0);
	if (!io.feed) {
		io.result = sigwait_take(a, set);
		if (io.result != -EAGAIN || !may) {
			rt_declare(DEJA_OP_SYSCALL, NULL, SYS_rt_sigtimedwait, site)->may_block = may;
			rt_io_run_declared(&io);
			return io.result;
		}
		io.sigwait_set = set;
	}
	memcpy(&saved, mask, sizeof(saved));
	uint64_t open = saved & ~set;
	memcpy(mask, &open, sizeof(open));
	struct deja_pending *p = rt_declare(DEJA_OP_SYSCALL, NULL, SYS_rt_sigtimedwait, site);
	p->may_block = may;
	if (!io.feed)
		p->interrupt = DEJA_INTERRUPT_SIGNAL_ONLY;
	if (ts) {
		p->timed = 1;
		p->deadline = rt_deadline_rel(ts);
	}
	current = &io;
	rt_signals_sigwaiting(set);
	long r = (long)rt_run_op(); /* what the event gave (record: io.result) */
	rt_signals_sigwaiting(0);
	current = NULL;
	memcpy(mask, &saved, sizeof(saved));
	rt_signals_deliver(site);
	return r;
}

/* A syscall whose result is known before its event (a signal the program
 * sends its own process, which the runtime answers; pause() once it has
 * returned), as an event: a scheduling point, and a replay gives back the
 * recorded result without running it. */
long rt_io_emulated_event(long nr, const long a[6], long result, uint64_t site)
{
	struct rt_io io = { .nr = nr, .sc = deja_syscall(nr), .a = a, .feed = rt_io_replaying() };
	if (io.feed)
		return rt_io_run_event(&io, nr, site, 0, 0, 0, false);
	io.result = result;
	rt_io_run_event(&io, nr, site, result, 0, 0, false);
	return io.result;
}

/* The `len` bytes at `at`, where a call (a file's mapping) put them. */
static const struct deja_syscall_info memory_bytes = {
	.name = "memory", .klass = DEJA_SC_INPUT, .buf_arg = 1, .size_kind = DEJA_SZ_ARG, .size = 2,
};

long rt_io_memory_input(long nr, long fd, void *at, uint64_t len, long result, uint64_t site)
{
	const long a[6] = { fd, (long)at, (long)len, 0, 0, 0 };
	struct rt_io io = { .nr = nr, .sc = &memory_bytes, .a = a, .feed = rt_io_replaying(),
			    .sourced = true, .result = result };
	return rt_io_run_event(&io, nr, site, 0, 0, 0, true);
}
