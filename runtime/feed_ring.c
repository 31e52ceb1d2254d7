/*
 * feed_ring.c: the bytes a replay feeds back, as they stream in.
 *
 * A replay gives each input syscall the bytes its recording got (io.c).
 * For a big recording (a 64 MiB file read in 4 KiB pieces) copying them
 * all into the channel before the program starts would cost more than the
 * program's whole run, so the supervisor streams them into a ring at the
 * channel's end while the program runs (replayer/feed_stream.c), and the
 * runtime takes each entry from there, waiting only when it has caught up
 * with the supervisor.  Small feeds, and forked children's, come whole in
 * the channel (feed_ring_size 0), and these functions then just point into
 * it.  The protocol is in protocol.h, at feed_ring_size.
 *
 * The ring is mapped twice in a row, so an entry that wraps round its end
 * is still one run of bytes: no piece of the runtime has to copy in two
 * parts.  The supervisor makes the ring at least twice the longest entry,
 * so the entry a thread needs and the one after it (a signal's record,
 * looked at ahead) always fit.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>

#include "runtime.h"

long rt_feed_ring_map(long fd, long at, uint64_t size, uint64_t ring_offset, uint64_t ring_size)
{
	if (!ring_size)
		return at;
	long mirror = at + (long)size;
	long p = rt_syscall(SYS_mmap, mirror, (long)ring_size, PROT_READ, MAP_SHARED | MAP_FIXED,
			    fd, (long)ring_offset);
	return p == mirror ? at : (p < 0 ? p : -ENOMEM);
}

/* Wake the supervisor's stream if it waits for the program to have taken
 * bytes up to `consumed` or less.  Its word is cleared first: a wake per
 * release until the stream had run cost a futex call per read. */
static void wake_filler(struct deja_shared *sh, uint64_t consumed)
{
	uint64_t wants = __atomic_load_n(&sh->feed_filler_wants, __ATOMIC_SEQ_CST);
	if (wants && consumed >= wants &&
	    __atomic_compare_exchange_n(&sh->feed_filler_wants, &wants, 0, false,
					__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		rt_syscall3(SYS_futex, &sh->feed_consume_gen, FUTEX_WAKE, 1);
}

/* How far the program has read, not said yet (rt_feed_release). */
static uint64_t unsaid;
/* Said at least this often, as the supervisor publishes: a release per
 * read, with its atomic operations, made the stream's every look at the
 * ring's room fetch a line the program had just written. */
#define FEED_RELEASE_EVERY (64u << 10)

static void say_consumed(struct deja_shared *sh)
{
	if (unsaid <= __atomic_load_n(&sh->feed_consumed, __ATOMIC_RELAXED))
		return;
	__atomic_store_n(&sh->feed_consumed, unsaid, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&sh->feed_consume_gen, 1, __ATOMIC_SEQ_CST);
	wake_filler(sh, unsaid);
}

/* Wait for the supervisor to have filled the ring up to `end`. */
static void wait_filled(struct deja_shared *sh, uint64_t end)
{
	say_consumed(sh); /* room for what it has to put in first */
	for (;;) {
		uint32_t gen = __atomic_load_n(&sh->feed_fill_gen, __ATOMIC_ACQUIRE);
		if (__atomic_load_n(&sh->feed_filled, __ATOMIC_ACQUIRE) >= end)
			return;
		if (__atomic_load_n(&sh->feed_failed, __ATOMIC_ACQUIRE))
			rt_fatal("replay: the supervisor could not read the recorded inputs");
		/* Woken once a quarter of the ring more is in (or all of the
		 * feed), not at each piece the supervisor publishes: a program
		 * that reads faster than the trace is read would otherwise wait
		 * and be woken every 64 KiB. */
		uint64_t wants = end + sh->feed_ring_size / 4;
		if (wants > sh->feed_total)
			wants = sh->feed_total;
		__atomic_store_n(&sh->feed_runtime_wants, wants, __ATOMIC_SEQ_CST);
		/* The supervisor may wait for this thread to take more than it
		 * will before it has these bytes: there is room now.  The gen
		 * word moves, so that a stream about to wait does not. */
		if (__atomic_load_n(&sh->feed_filler_wants, __ATOMIC_SEQ_CST)) {
			__atomic_add_fetch(&sh->feed_consume_gen, 1, __ATOMIC_SEQ_CST);
			wake_filler(sh, UINT64_MAX);
		}
		if (__atomic_load_n(&sh->feed_filled, __ATOMIC_SEQ_CST) < end) {
			/* Bounded, so that a supervisor gone away is noticed by the
			 * supervisor's own kill rather than a wake that never comes. */
			struct timespec limit = { 0, 100 * 1000 * 1000 };
			rt_syscall4(SYS_futex, &sh->feed_fill_gen, FUTEX_WAIT, gen, &limit);
		}
		__atomic_store_n(&sh->feed_runtime_wants, 0, __ATOMIC_SEQ_CST);
	}
}

const uint8_t *rt_feed_bytes(const struct deja_feed *f)
{
	struct deja_shared *sh = rt.shared;
	const uint8_t *area = (const uint8_t *)sh + sh->feed_bytes_offset;
	if (!sh->feed_ring_size)
		return area + f->offset;
	if (!f->len)
		return area;
	wait_filled(sh, f->offset + f->len);
	return area + f->offset % sh->feed_ring_size;
}

void rt_feed_release(uint64_t offset)
{
	struct deja_shared *sh = rt.shared;
	if (!sh->feed_ring_size || offset <= unsaid)
		return;
	unsaid = offset;
	/* At once when the stream waits for room. */
	if (unsaid - __atomic_load_n(&sh->feed_consumed, __ATOMIC_RELAXED) >= FEED_RELEASE_EVERY ||
	    __atomic_load_n(&sh->feed_filler_wants, __ATOMIC_ACQUIRE))
		say_consumed(sh);
}

void rt_feed_after_fork(void)
{
	unsaid = 0; /* the child's channel has a feed of its own */
}
