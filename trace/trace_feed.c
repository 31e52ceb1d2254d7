/*
 * trace_feed.c: what a replay feeds back, read from the trace (see
 * trace.h): the feed's index, laid out from the events alone (their
 * results, digests and data lengths), and the bytes of its entries,
 * streamed in one scan and checked row by row against the index.
 */
#include "trace_private.h"

#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "model.h"

enum trace_status trace_get_feed_index(struct trace *t, struct deja_feed **feed, uint64_t *count,
				       uint64_t *total, uint64_t *longest)
{
	*feed = NULL;
	*count = *total = *longest = 0;
	sqlite3_stmt *st = trace_prepare(t,
		"SELECT seq, " FEED_RESULT("") ", data_len, CASE op WHEN 'syscall' THEN arg ELSE -1 END,"
		" data, flags FROM events WHERE op IN " FEED_OPS " ORDER BY seq");
	if (!st)
		return TRACE_ERR_CORRUPT;
	uint64_t cap = 0;
	enum trace_status status = TRACE_OK;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!grow_array(feed, &cap, *count + 1, sizeof(**feed), 64)) {
			status = TRACE_ERR_NOMEM;
			break;
		}
		struct deja_feed *f = &(*feed)[(*count)++];
		f->seq = (uint64_t)sqlite3_column_int64(st, 0);
		f->result = sqlite3_column_int64(st, 1);
		f->len = (uint64_t)sqlite3_column_int64(st, 2);
		f->nr = sqlite3_column_int64(st, 3);
		f->digest = (uint64_t)sqlite3_column_int64(st, 4);
		f->flags = (uint64_t)sqlite3_column_int64(st, 5) & DEJA_EVENT_PART;
		f->offset = *total;
		*total += f->len;
		if (f->len > *longest)
			*longest = f->len;
	}
	if (status == TRACE_OK && rc != SQLITE_DONE)
		status = TRACE_ERR_CORRUPT;
	sqlite3_finalize(st);
	if (status != TRACE_OK) {
		free(*feed);
		*feed = NULL;
		*count = 0;
	}
	return status;
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

enum trace_status trace_each_feed_bytes(struct trace *t, const struct deja_feed *feed,
					uint64_t count, trace_bytes_fn fn, void *ctx)
{
	/* Read through a mapping, not a copy per page: these are the bulk of
	 * a big trace, and the replay waits for them.  One scan of the
	 * table, matched with the entries here, costs less than a join. */
	if (trace_exec(t, "PRAGMA mmap_size=4294967296") != TRACE_OK)
		return TRACE_ERR_CORRUPT;
	sqlite3_stmt *st = trace_prepare(t, "SELECT seq, bytes FROM syscall_data ORDER BY seq");
	if (!st)
		return TRACE_ERR_CORRUPT;
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
		if (wanted && n && !fn(ctx, b, n)) {
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

enum trace_status trace_read_feed(sqlite3_stmt *st, struct deja_feed **feed, uint64_t *count,
				  uint8_t **bytes, uint64_t *len)
{
	*feed = NULL;
	*bytes = NULL;
	*count = *len = 0;
	uint64_t cap = 0, bcap = 0;
	enum trace_status status = TRACE_OK;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && status == TRACE_OK) {
		uint64_t n = (uint64_t)sqlite3_column_bytes(st, 2);
		const void *b = sqlite3_column_blob(st, 2);
		if (!grow_array(feed, &cap, *count + 1, sizeof(**feed), 64) ||
		    !grow_array(bytes, &bcap, *len + n, 1, 4096)) {
			status = TRACE_ERR_NOMEM;
			break;
		}
		struct deja_feed *f = &(*feed)[(*count)++];
		f->seq = (uint64_t)sqlite3_column_int64(st, 0);
		f->result = sqlite3_column_int64(st, 1);
		f->nr = sqlite3_column_int64(st, 3);
		f->digest = (uint64_t)sqlite3_column_int64(st, 4);
		f->flags = (uint64_t)sqlite3_column_int64(st, 5) & DEJA_EVENT_PART;
		f->offset = *len;
		f->len = n;
		if (n)
			memcpy(*bytes + *len, b, n);
		*len += n;
	}
	if (status == TRACE_OK && rc != SQLITE_DONE)
		status = TRACE_ERR_CORRUPT;
	sqlite3_finalize(st);
	return status;
}
