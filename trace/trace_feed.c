/*
 * trace_feed.c: what a replay feeds back, read from the trace (see
 * trace.h): the feed's index, laid out from the events a replay has
 * loaded anyway (their results, digests and data lengths), and the bytes
 * of its entries, streamed in one scan, checked row by row against the
 * index and hashed into it.
 */
#include "trace_private.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>
#include <xxh_x86dispatch.h>

#include "grow.h"
#include "model.h"

/* Whether a recorded event has an entry in the feed: what a replay gives
 * back instead of running it (a syscall's result and bytes, a signal's
 * delivery, a reap's status, a shared semaphore's value, a thread's
 * kernel id). */
bool trace_op_feeds(enum deja_op op)
{
	switch (op) {
	case DEJA_OP_SYSCALL:
	case DEJA_OP_SIGNAL:
	case DEJA_OP_REAP:
	case DEJA_OP_SEM_SHARED:
	case DEJA_OP_SYNC_SHARED:
	case DEJA_OP_THREAD_START:
		return true;
	default:
		return false;
	}
}

enum trace_status trace_feed_index(const struct trace_event *events, uint64_t n,
				   struct deja_feed **feed, uint64_t *count, uint64_t *total,
				   uint64_t *longest)
{
	*feed = NULL;
	*count = *total = *longest = 0;
	uint64_t cap = 0;
	for (uint64_t i = 0; i < n; i++) {
		const struct deja_event *ev = &events[i].ev;
		if (!trace_op_feeds(ev->op))
			continue;
		if (!grow_array(feed, &cap, *count + 1, sizeof(**feed), 64)) {
			free(*feed);
			*feed = NULL;
			*count = 0;
			return TRACE_ERR_NOMEM;
		}
		(*feed)[(*count)++] = (struct deja_feed){
			.seq = ev->seq,
			/* A thread_start's entry gives the thread's recorded
			 * kernel id, which the replay shows it (a thread
			 * number may have served several threads). */
			.result = ev->op == DEJA_OP_THREAD_START ? (int64_t)ev->object_addr
								  : ev->result,
			.offset = *total,
			.len = ev->data_len,
			.nr = ev->op == DEJA_OP_SYSCALL ? (int64_t)ev->arg : -1,
			.digest = ev->data,
			.flags = ev->flags & DEJA_EVENT_PART,
			.output_seq = ev->output_seq,
		};
		*total += ev->data_len;
		if (ev->data_len > *longest)
			*longest = ev->data_len;
	}
	return TRACE_OK;
}

/* One syscall_data row against the feed's entries (both in seq order):
 * false if it is not what the entries say. */
static bool row_matches(const struct deja_feed *feed, uint64_t count, uint64_t *next,
			uint64_t seq, uint64_t len, bool *wanted)
{
	while (*next < count && feed[*next].seq < seq) {
		if (feed[*next].len) /* its row is missing */
			return false;
		(*next)++;
	}
	*wanted = *next < count && feed[*next].seq == seq;
	if (!*wanted)
		return true; /* the bytes of an event without an entry */
	return feed[(*next)++].len == len;
}

enum trace_status trace_each_feed_bytes(struct trace *t, uint32_t process,
					struct deja_feed *feed, uint64_t count,
					trace_bytes_fn fn, void *ctx)
{
	/* One scan of the table, matched with the entries here, costs less
	 * than a join.  Read a page at a time, not through a mapping: for
	 * read_file's 64 MiB, faulting the trace's pages in and unmapping
	 * them took twice as long as reading them. */
	sqlite3_stmt *st = trace_prepare(t, process == 0
		? "SELECT seq, bytes FROM syscall_data ORDER BY seq"
		: "SELECT seq, bytes FROM process_data WHERE process = ? ORDER BY seq");
	if (!st)
		return TRACE_ERR_CORRUPT;
	if (process != 0)
		sqlite3_bind_int64(st, 1, process);
	enum trace_status status = TRACE_OK;
	uint64_t next = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		uint64_t seq = (uint64_t)sqlite3_column_int64(st, 0);
		const void *b = sqlite3_column_blob(st, 1);
		uint64_t n = (uint64_t)sqlite3_column_bytes(st, 1);
		bool wanted;
		if (!row_matches(feed, count, &next, seq, n, &wanted)) {
			status = TRACE_ERR_CORRUPT;
			break;
		}
		if (!wanted || !n)
			continue;
		/* Here, where the row's bytes are at hand, rather than in the
		 * program, which would hash them again once fed (the event's
		 * data).  With the widest vector unit the CPU has: libxxhash's
		 * plain XXH3_64bits is built for SSE2, and took four times as
		 * long over read_file's 64 MiB. */
		feed[next - 1].bytes_xxh3 = XXH3_64bits_dispatch(b, n);
		if (!fn(ctx, b, n)) {
			status = TRACE_ERR_STOPPED;
			break;
		}
	}
	if (status == TRACE_OK && rc != SQLITE_DONE)
		status = TRACE_ERR_CORRUPT;
	while (status == TRACE_OK && next < count)
		if (feed[next++].len)
			status = TRACE_ERR_CORRUPT;
	sqlite3_finalize(st);
	return status;
}

enum trace_status trace_read_feed_bytes(struct trace *t, struct deja_feed *feed, uint64_t count,
					trace_dest_fn dest, trace_done_fn done, void *ctx)
{
	/* Each row found by its rowid, the event's seq, and its bytes read
	 * from SQLite's page straight to where they go: a scan's
	 * sqlite3_column_blob copies them out of the page first (read_file's
	 * 64 MiB: 6.7 ms against 7.5, best of 11). */
	sqlite3_blob *b = NULL;
	enum trace_status status = TRACE_OK;
	for (uint64_t i = 0; i < count && status == TRACE_OK; i++) {
		uint64_t n = feed[i].len;
		if (!n)
			continue;
		sqlite3_int64 seq = (sqlite3_int64)feed[i].seq;
		int rc = b ? sqlite3_blob_reopen(b, seq)
			   : sqlite3_blob_open(t->db, "main", "syscall_data", "bytes", seq, 0, &b);
		if (rc != SQLITE_OK || n > INT_MAX || (uint64_t)sqlite3_blob_bytes(b) != n) {
			status = TRACE_ERR_CORRUPT; /* its row is missing, or another length */
			break;
		}
		uint8_t *to = dest(ctx, n);
		if (!to) {
			status = TRACE_ERR_STOPPED;
		} else if (sqlite3_blob_read(b, to, (int)n, 0) != SQLITE_OK) {
			status = TRACE_ERR_CORRUPT;
		} else {
			/* As trace_each_feed_bytes does, from the copy, in the
			 * CPU's cache now. */
			feed[i].bytes_xxh3 = XXH3_64bits_dispatch(to, n);
			if (!done(ctx, n))
				status = TRACE_ERR_STOPPED;
		}
	}
	sqlite3_blob_close(b);
	return status;
}

struct bytes_sink {
	uint8_t *at;
};

static bool copy_bytes(void *ctx, const void *bytes, uint64_t len)
{
	struct bytes_sink *b = ctx;
	memcpy(b->at, bytes, len);
	b->at += len;
	return true;
}

enum trace_status trace_get_feed_bytes(struct trace *t, uint32_t process,
				       struct deja_feed *feed, uint64_t count, uint64_t total,
				       uint8_t **bytes)
{
	*bytes = total ? malloc(total) : NULL;
	if (total && !*bytes)
		return TRACE_ERR_NOMEM;
	struct bytes_sink sink = { *bytes };
	enum trace_status st = trace_each_feed_bytes(t, process, feed, count, copy_bytes, &sink);
	if (st == TRACE_OK && sink.at != *bytes + total)
		st = TRACE_ERR_CORRUPT;
	if (st != TRACE_OK) {
		free(*bytes);
		*bytes = NULL;
	}
	return st;
}

enum trace_status trace_get_feed(struct trace *t, uint32_t process,
				 const struct trace_event *events, uint64_t n,
				 struct deja_feed **feed, uint64_t *count, uint8_t **bytes,
				 uint64_t *len)
{
	uint64_t longest;
	*bytes = NULL;
	enum trace_status st = trace_feed_index(events, n, feed, count, len, &longest);
	if (st == TRACE_OK)
		st = trace_get_feed_bytes(t, process, *feed, *count, *len, bytes);
	if (st != TRACE_OK) {
		free(*feed);
		*feed = NULL;
		*count = *len = 0;
	}
	return st;
}
