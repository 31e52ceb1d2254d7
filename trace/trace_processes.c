/*
 * trace_processes.c: the processes of a run's tree in the trace (see
 * trace.h and schema.sql: processes, process_events, process_data,
 * process_inputs, process_waits).  The top process's events stay in
 * `events`, which every other command reads; each forked child's stream is
 * here, keyed by its process number.
 */
#include "trace_private.h"

#include <stdlib.h>
#include <string.h>

#include "model.h"

static void bind_int_or_null(sqlite3_stmt *st, int i, int64_t v, bool present)
{
	if (present)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

enum trace_status trace_put_process(struct trace *t, const struct trace_process *p)
{
	sqlite3_stmt *st = trace_prepare(t,
		"INSERT OR REPLACE INTO processes (id, parent, fork_index, pid, ppid, outcome,"
		" exit_code, signal, message, events, final_digest, fault_thread, fault_site,"
		" fault_image, python_codes_dropped) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	if (!st)
		return TRACE_ERR_WRITE;
	sqlite3_bind_int64(st, 1, p->id);
	bind_int_or_null(st, 2, p->parent, p->parent >= 0);
	bind_int_or_null(st, 3, p->fork_index, p->fork_index >= 0);
	sqlite3_bind_int64(st, 4, p->pid);
	sqlite3_bind_int64(st, 5, p->ppid);
	trace_bind_text_or_null(st, 6, p->outcome ? p->outcome : "incomplete");
	bind_int_or_null(st, 7, p->exit_code, p->exit_code >= 0);
	bind_int_or_null(st, 8, p->signal, p->exit_code < 0);
	trace_bind_text_or_null(st, 9, p->message);
	sqlite3_bind_int64(st, 10, (sqlite3_int64)p->events);
	sqlite3_bind_int64(st, 11, (sqlite3_int64)p->final_digest);
	bind_int_or_null(st, 12, p->fault_thread, p->fault_site != 0);
	bind_int_or_null(st, 13, (int64_t)p->fault_site, p->fault_site != 0);
	bind_int_or_null(st, 14, p->fault_image, p->fault_site != 0);
	sqlite3_bind_int64(st, 15, p->python_codes_dropped);
	return trace_step_done(st);
}

enum trace_status trace_put_process_event(struct trace *t, uint32_t process,
					  const struct trace_event *e)
{
	if (!t->put_process_event)
		t->put_process_event = trace_prepare(t,
			"INSERT INTO process_events (process, seq, thread, op, object, object_addr,"
			" arg, result, site, vtime, flags, digest, data, data_len, image, py_code,"
			" py_line, output_seq) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	sqlite3_stmt *st = t->put_process_event;
	if (!st)
		return TRACE_ERR_WRITE;
	sqlite3_bind_int64(st, 1, process);
	trace_bind_event(st, 2, e); /* the columns of events, in their order */
	return trace_step_reset(st);
}

enum trace_status trace_put_process_data(struct trace *t, uint32_t process, uint64_t seq,
					 const void *bytes, uint64_t len)
{
	if (!t->put_process_data)
		t->put_process_data = trace_prepare(t,
			"INSERT INTO process_data (process, seq, bytes) VALUES (?,?,?)");
	sqlite3_stmt *st = t->put_process_data;
	if (!st)
		return TRACE_ERR_WRITE;
	sqlite3_bind_int64(st, 1, process);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)seq);
	sqlite3_bind_blob64(st, 3, bytes, len, SQLITE_STATIC);
	return trace_step_reset(st);
}

enum trace_status trace_put_process_input(struct trace *t, uint32_t process, uint64_t seq,
					  uint64_t last_seq, const char *source, uint64_t offset,
					  uint64_t len)
{
	if (!t->put_process_input)
		t->put_process_input = trace_prepare(t,
			"INSERT INTO process_inputs (process, seq, source, offset, length, last_seq)"
			" VALUES (?,?,?,?,?,?)");
	sqlite3_stmt *st = t->put_process_input;
	if (!st)
		return TRACE_ERR_WRITE;
	sqlite3_bind_int64(st, 1, process);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)seq);
	sqlite3_bind_text(st, 3, source, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)offset);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)len);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)last_seq);
	return trace_step_reset(st);
}

static int64_t col_or(sqlite3_stmt *st, int i, int64_t dflt)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? dflt : sqlite3_column_int64(st, i);
}

static bool read_process(sqlite3_stmt *st, void *row)
{
	struct trace_process *p = row;
	p->id = (uint32_t)sqlite3_column_int64(st, 0);
	p->parent = col_or(st, 1, -1);
	p->fork_index = col_or(st, 2, -1);
	p->pid = col_or(st, 3, 0);
	p->ppid = col_or(st, 4, 0);
	p->outcome = trace_dup_col(st, 5);
	p->exit_code = col_or(st, 6, -1);
	p->signal = col_or(st, 7, 0);
	p->message = trace_dup_col(st, 8);
	p->events = (uint64_t)sqlite3_column_int64(st, 9);
	p->final_digest = (uint64_t)col_or(st, 10, 0);
	p->fault_thread = col_or(st, 11, -1);
	p->fault_site = (uint64_t)col_or(st, 12, 0);
	p->fault_image = (uint32_t)col_or(st, 13, 0);
	p->python_codes_dropped = (uint32_t)col_or(st, 14, 0);
	return true;
}

/* A recording numbers its processes 0 (the top one) to n - 1, each
 * forked by one numbered before it: readers index them so. */
static bool numbered_in_order(const struct trace_process *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i].id != i || p[i].parent < -1 || p[i].parent >= (int64_t)i)
			return false;
	return true;
}

enum trace_status trace_get_processes(struct trace *t, struct trace_process **out, size_t *n)
{
	enum trace_status st = trace_load_rows(t,
		"SELECT id, parent, fork_index, pid, ppid, outcome, exit_code, signal, message,"
		" events, final_digest, fault_thread, fault_site, fault_image,"
		" python_codes_dropped FROM processes ORDER BY id",
		sizeof(**out), read_process, (void **)out, n);
	if (st == TRACE_OK && !numbered_in_order(*out, *n)) {
		trace_processes_free(*out, *n);
		*out = NULL;
		*n = 0;
		st = TRACE_ERR_CORRUPT;
	}
	return st;
}

void trace_processes_free(struct trace_process *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(p[i].outcome);
		free(p[i].message);
	}
	free(p);
}

static bool read_event(sqlite3_stmt *st, void *row)
{
	return trace_read_event_row(st, row) == 1;
}

/* The rows of one process that `sql` (its one parameter: the process)
 * selects, each read by `read` into an array of `size`-byte rows. */
static enum trace_status load_process_rows(struct trace *t, const char *sql, uint32_t process,
					   size_t size, row_reader read, void **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = trace_prepare(t, sql);
	if (!st)
		return TRACE_ERR_CORRUPT;
	sqlite3_bind_int64(st, 1, process);
	return trace_collect_rows(st, size, read, out, n);
}

enum trace_status trace_get_process_events(struct trace *t, uint32_t process,
					   struct trace_event **out, size_t *n)
{
	return load_process_rows(t,
		"SELECT " TRACE_EVENT_COLUMNS " FROM process_events WHERE process = ? ORDER BY seq",
		process, sizeof(**out), read_event, (void **)out, n);
}

enum trace_status trace_stream_open(struct trace *t, uint32_t process, struct trace_stream *s)
{
	*s = (struct trace_stream){ .t = t };
	if (process == 0) {
		trace_rewind_events(t);
		return TRACE_OK;
	}
	return trace_get_process_events(t, process, &s->list, &s->n);
}

int trace_stream_next(struct trace_stream *s, struct trace_event *e)
{
	if (!s->list)
		return trace_next_event(s->t, e);
	if (s->next == s->n)
		return 0;
	*e = s->list[s->next++];
	return 1;
}

void trace_stream_close(struct trace_stream *s)
{
	free(s->list);
	s->list = NULL;
}

enum trace_status trace_get_process_counts(struct trace *t, uint32_t process,
					   struct trace_counts *c)
{
	*c = (struct trace_counts){ 0 };
	sqlite3_stmt *st = trace_prepare(t, process == TRACE_ALL_CHILDREN
		? "SELECT count(*), total((flags & 1) != 0), total((flags & 2) != 0)"
		  " FROM process_events"
		: "SELECT count(*), total((flags & 1) != 0), total((flags & 2) != 0)"
		  " FROM process_events WHERE process = ?");
	if (!st)
		return TRACE_ERR_CORRUPT;
	if (process != TRACE_ALL_CHILDREN)
		sqlite3_bind_int64(st, 1, process);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		c->events = (uint64_t)sqlite3_column_int64(st, 0);
		c->preemptions = (uint64_t)sqlite3_column_int64(st, 1);
		c->switches = (uint64_t)sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? TRACE_OK : TRACE_ERR_CORRUPT;
}

enum trace_status trace_get_reap_status(struct trace *t, uint32_t parent, uint32_t fork_index,
					bool *found, int *status)
{
	*found = false;
	sqlite3_stmt *st = trace_prepare(t, parent == 0
		? "SELECT data FROM events WHERE op = 'reap' AND arg = ?2 AND result > 0"
		: "SELECT data FROM process_events WHERE process = ?1 AND op = 'reap'"
		  " AND arg = ?2 AND result > 0");
	if (!st)
		return TRACE_ERR_CORRUPT;
	if (parent != 0)
		sqlite3_bind_int64(st, 1, parent);
	sqlite3_bind_int64(st, 2, (int64_t)fork_index + 1); /* a reap's arg: fork index + 1 */
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*found = true;
		*status = (int)sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? TRACE_OK : TRACE_ERR_CORRUPT;
}

enum trace_status trace_put_process_wait(struct trace *t, uint32_t process,
					 const struct trace_wait *w)
{
	sqlite3_stmt *st = trace_prepare(t,
		"INSERT OR REPLACE INTO process_waits (process, thread, op, object, object_kind,"
		" object_addr, holder, site, image) VALUES (?,?,?,?,?,?,?,?,?)");
	if (!st)
		return TRACE_ERR_WRITE;
	sqlite3_bind_int64(st, 1, process);
	trace_bind_wait(st, 2, w); /* the columns of waits, in their order */
	return trace_step_done(st);
}

enum trace_status trace_get_process_waits(struct trace *t, uint32_t process,
					  struct trace_wait **out, size_t *n)
{
	return load_process_rows(t,
		"SELECT thread, op, object, object_kind, object_addr, holder, site, image"
		" FROM process_waits WHERE process = ? ORDER BY thread",
		process, sizeof(**out), trace_read_wait_row, (void **)out, n);
}
