/*
 * trace_escapes.c: the syscalls that escaped the runtime, in the trace
 * (see trace.h and schema.sql: escapes).
 */
#include "trace_private.h"

#include <stdlib.h>

enum trace_status trace_put_escape(struct trace *t, const struct trace_escape *e)
{
	sqlite3_stmt *st = trace_prepare(t,
		"INSERT INTO escapes (pid, tid, process, kind, syscall, nr, class, count, first_ip,"
		" first_us) VALUES (?,?,?,?,?,?,?,?,?,?)");
	if (!st)
		return TRACE_ERR_WRITE;
	sqlite3_bind_int64(st, 1, e->pid);
	sqlite3_bind_int64(st, 2, e->tid);
	if (e->process >= 0)
		sqlite3_bind_int64(st, 3, e->process);
	else
		sqlite3_bind_null(st, 3);
	trace_bind_text_or_null(st, 4, e->kind);
	trace_bind_text_or_null(st, 5, e->syscall);
	sqlite3_bind_int64(st, 6, e->nr);
	trace_bind_text_or_null(st, 7, e->klass);
	sqlite3_bind_int64(st, 8, (sqlite3_int64)e->count);
	sqlite3_bind_int64(st, 9, (sqlite3_int64)e->first_ip);
	sqlite3_bind_int64(st, 10, (sqlite3_int64)e->first_us);
	return trace_step_done(st);
}

static bool read_escape(sqlite3_stmt *st, void *row)
{
	struct trace_escape *e = row;
	e->pid = sqlite3_column_int64(st, 0);
	e->tid = sqlite3_column_int64(st, 1);
	e->process = sqlite3_column_type(st, 2) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 2);
	e->kind = trace_dup_col(st, 3);
	e->syscall = trace_dup_col(st, 4);
	e->nr = sqlite3_column_int64(st, 5);
	e->klass = trace_dup_col(st, 6);
	e->count = (uint64_t)sqlite3_column_int64(st, 7);
	e->first_ip = (uint64_t)sqlite3_column_int64(st, 8);
	e->first_us = (uint64_t)sqlite3_column_int64(st, 9);
	if (e->kind && e->klass)
		return true;
	free(e->kind);
	free(e->syscall);
	free(e->klass);
	return false;
}

enum trace_status trace_get_escapes(struct trace *t, struct trace_escape **out, size_t *n)
{
	return trace_load_rows(t,
		"SELECT pid, tid, process, kind, syscall, nr, class, count, first_ip, first_us"
		" FROM escapes ORDER BY kind <> 'escape', kind, process IS NULL, process, pid, id",
		sizeof(**out), read_escape, (void **)out, n);
}

void trace_escapes_free(struct trace_escape *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(e[i].kind);
		free(e[i].syscall);
		free(e[i].klass);
	}
	free(e);
}
