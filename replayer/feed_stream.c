/*
 * feed_stream.c: the supervisor's side of the feed ring (see
 * feed_stream.h; the runtime's side is runtime/feed_ring.c).
 *
 * One thread, with a connection of its own to the trace, reads the feed's
 * entries in order, each straight into the ring (trace_read_feed_bytes).
 * It publishes how far it has filled, in whole entries, once 64 KiB more
 * are in, and waits when the ring has no room for the next entry.  A read
 * error is reported to the runtime (feed_failed) and to the replay, which
 * fails as for any damaged trace.
 */
#define _GNU_SOURCE
#include "feed_stream.h"

#include <linux/futex.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "trace.h"

/* Feeds up to this size go into the channel whole. */
#define FEED_INLINE_MAX (1u << 20)
/* The ring's least size.  Each page of it costs the making (about 3 us a
 * page here: 3 ms for 4 MiB, which the program waited for once it started
 * while the trace was read) and the freeing; a smaller ring costs more
 * wakes, a pair per quarter of it (1 MiB and 512 KiB were no faster). */
#define FEED_RING_MIN (2u << 20)
/* Bytes put in before they are published: a publish may wake the program,
 * and a wake per 4 KiB read cost more than the copying. */
#define FEED_PUBLISH_EVERY (64u << 10)
/* A full ring refills once the program has taken this much of it. */
#define FEED_REFILL_AFTER(ring_size) ((ring_size) / 4)

struct feed_stream {
	pthread_t thread;
	char *path;
	struct deja_shared *sh;
	uint8_t *ring;
	uint64_t ring_size;
	uint64_t filled;
	uint64_t published;
	uint8_t *wrap;             /* an entry that wraps round the ring's end: half a ring */
	int stop;                  /* atomic: the replay is over */
	enum trace_status status;
	char err[256];
};

static uint64_t round_up(uint64_t n, uint64_t unit)
{
	return (n + unit - 1) / unit * unit;
}

uint64_t feed_stream_ring_size(uint64_t total, uint64_t longest)
{
	if (total <= FEED_INLINE_MAX)
		return 0;
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	/* Room for the entry a thread takes and the one after it (signals
	 * look one ahead), so the program never waits on itself. */
	uint64_t size = 2 * longest > FEED_RING_MIN ? 2 * longest : FEED_RING_MIN;
	return round_up(total < size ? total : size, page);
}

static void futex_wake(uint32_t *word)
{
	syscall(SYS_futex, word, FUTEX_WAKE, 1, NULL, NULL, 0);
}

static void futex_wait(uint32_t *word, uint32_t seen)
{
	struct timespec limit = { 0, 50 * 1000 * 1000 };
	syscall(SYS_futex, word, FUTEX_WAIT, seen, &limit, NULL, 0);
}

/* Say how far the ring is filled, and wake the program if it waits for
 * that much (or, `anyway`, for any: the stream is about to wait itself).
 * Its word is cleared first, so that a wait gets one wake, not one per
 * publish until the program has run. */
static void publish(struct feed_stream *fs, bool anyway)
{
	struct deja_shared *sh = fs->sh;
	fs->published = fs->filled;
	__atomic_store_n(&sh->feed_filled, fs->filled, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&sh->feed_fill_gen, 1, __ATOMIC_SEQ_CST);
	uint64_t wants = __atomic_load_n(&sh->feed_runtime_wants, __ATOMIC_SEQ_CST);
	if (wants && (anyway || fs->filled >= wants) &&
	    __atomic_compare_exchange_n(&sh->feed_runtime_wants, &wants, 0, false,
					__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		futex_wake(&sh->feed_fill_gen);
}

/* Wait until the ring has room for the next len bytes (at most half the
 * ring: feed_stream_ring_size); false when the replay is over.  A ring
 * without room waits until the program has taken a quarter of it, or
 * enough for len if that is more: waking at each read the program makes
 * cost a futex call per read on both sides.  The program, which wakes the
 * stream when it waits itself, has taken all but the entry before the
 * one it waits for, so the room comes. */
static bool make_room(struct feed_stream *fs, uint64_t len)
{
	struct deja_shared *sh = fs->sh;
	for (;;) {
		uint32_t gen = __atomic_load_n(&sh->feed_consume_gen, __ATOMIC_ACQUIRE);
		uint64_t used = fs->filled - __atomic_load_n(&sh->feed_consumed, __ATOMIC_ACQUIRE);
		if (fs->ring_size - used >= len)
			return true;
		if (__atomic_load_n(&fs->stop, __ATOMIC_ACQUIRE))
			return false;
		publish(fs, true); /* what the program waits for, if it does */
		uint64_t wants = fs->filled - fs->ring_size + FEED_REFILL_AFTER(fs->ring_size);
		if (wants < fs->filled + len - fs->ring_size)
			wants = fs->filled + len - fs->ring_size;
		__atomic_store_n(&sh->feed_filler_wants, wants, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&sh->feed_consumed, __ATOMIC_SEQ_CST) < wants)
			futex_wait(&sh->feed_consume_gen, gen);
		__atomic_store_n(&sh->feed_filler_wants, 0, __ATOMIC_RELAXED);
	}
}

/* Where the next entry's len bytes go: the ring, or, for one that wraps
 * round its end, a buffer of the stream's own that `put` copies in two
 * pieces (a few times per ring's worth). */
static uint8_t *dest(void *ctx, uint64_t len)
{
	struct feed_stream *fs = ctx;
	if (!make_room(fs, len))
		return NULL;
	uint64_t at = fs->filled % fs->ring_size;
	return len <= fs->ring_size - at ? fs->ring + at : fs->wrap;
}

/* The next entry's len bytes are where dest said: publish them, at least
 * every 64 KiB. */
static bool put(void *ctx, uint64_t len)
{
	struct feed_stream *fs = ctx;
	uint64_t at = fs->filled % fs->ring_size;
	if (len > fs->ring_size - at) {
		uint64_t first = fs->ring_size - at;
		memcpy(fs->ring + at, fs->wrap, first);
		memcpy(fs->ring, fs->wrap + first, len - first);
	}
	fs->filled += len;
	if (fs->filled - fs->published >= FEED_PUBLISH_EVERY)
		publish(fs, false);
	return true;
}

/* The entries in the channel: the stream sets their bytes_xxh3. */
static struct deja_feed *feed_entries(struct deja_shared *sh)
{
	return (struct deja_feed *)((char *)sh + sh->feed_offset);
}

static void *stream(void *arg)
{
	struct feed_stream *fs = arg;
	struct trace *t = NULL;
	/* The ring's first pages at once, not a fault at a time. */
	madvise(fs->ring, fs->ring_size, MADV_POPULATE_WRITE);
	fs->status = trace_reopen(fs->path, &t, fs->err, sizeof(fs->err));
	if (fs->status == TRACE_OK)
		fs->status = trace_read_feed_bytes(t, feed_entries(fs->sh), fs->sh->feed_count,
						   dest, put, fs);
	trace_close(t);
	publish(fs, true);
	if (fs->status == TRACE_OK && fs->filled != fs->sh->feed_total) {
		snprintf(fs->err, sizeof(fs->err), "the trace's recorded inputs are shorter than"
			 " their index");
		fs->status = TRACE_ERR_CORRUPT;
	}
	if (fs->status != TRACE_OK && fs->status != TRACE_ERR_STOPPED) {
		__atomic_store_n(&fs->sh->feed_failed, 1, __ATOMIC_SEQ_CST);
		publish(fs, true);
		futex_wake(&fs->sh->feed_fill_gen); /* whether or not it said it waits */
	}
	return NULL;
}

static void stream_free(struct feed_stream *fs)
{
	if (!fs)
		return;
	free(fs->path);
	free(fs->wrap);
	free(fs);
}

struct feed_stream *feed_stream_start(const char *path, struct deja_shared *sh, char *err,
				      size_t errlen)
{
	struct feed_stream *fs = calloc(1, sizeof(*fs));
	if (fs) {
		fs->path = strdup(path);
		/* No entry is longer than half the ring (its pages are made
		 * only if one wraps). */
		fs->wrap = malloc(sh->feed_ring_size / 2);
	}
	if (!fs || !fs->path || !fs->wrap) {
		snprintf(err, errlen, "out of memory");
		stream_free(fs);
		return NULL;
	}
	fs->sh = sh;
	fs->ring = (uint8_t *)sh + sh->feed_bytes_offset;
	fs->ring_size = sh->feed_ring_size;
	int rc = pthread_create(&fs->thread, NULL, stream, fs);
	if (rc != 0) {
		snprintf(err, errlen, "cannot start the thread that feeds the replay: %s",
			 strerror(rc));
		stream_free(fs);
		return NULL;
	}
	return fs;
}

bool feed_stream_end(struct feed_stream *fs, char *err, size_t errlen)
{
	if (!fs)
		return true;
	__atomic_store_n(&fs->stop, 1, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&fs->sh->feed_consume_gen, 1, __ATOMIC_SEQ_CST);
	futex_wake(&fs->sh->feed_consume_gen);
	pthread_join(fs->thread, NULL);
	bool ok = fs->status == TRACE_OK || fs->status == TRACE_ERR_STOPPED;
	if (!ok)
		snprintf(err, errlen, "the trace's recorded inputs cannot be read: %s",
			 fs->err[0] ? fs->err : trace_strerror(fs->status));
	stream_free(fs);
	return ok;
}
