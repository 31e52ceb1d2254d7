/*
 * trace_private.h: what trace.c shares with the other files of trace/
 * (trace_processes.c): the connection and its helpers.  Nothing outside
 * trace/ includes it; SQLite stays inside trace/.
 */
#ifndef DEJA_TRACE_PRIVATE_H
#define DEJA_TRACE_PRIVATE_H

#include <sqlite3.h>
#include <stdbool.h>

#include "trace.h"

/* A trace's pages are 64 KiB: the bytes of a big input are written and
 * fed back in fewer, larger pieces (16 KiB pages made read_file slower).
 * The empty trace every recording starts from has them (template_gen.c). */
#define TRACE_PAGE_SIZE 65536

struct trace {
	sqlite3 *db;
	sqlite3_stmt *put_event;
	sqlite3_stmt *put_data;
	sqlite3_stmt *put_input;
	sqlite3_stmt *next_event;
	sqlite3_stmt *put_process_event; /* trace_processes.c, prepared on first use */
	sqlite3_stmt *put_process_data;
	sqlite3_stmt *put_process_input;
};

sqlite3_stmt *trace_prepare(struct trace *t, const char *sql);
/* Run SQL that returns no rows (TRACE_ERR_WRITE if it fails). */
enum trace_status trace_exec(struct trace *t, const char *sql);
/* Bind a string, or NULL for none. */
void trace_bind_text_or_null(sqlite3_stmt *st, int i, const char *s);
/* Bind a wait-for edge's columns (those of `waits`) from parameter first on. */
void trace_bind_wait(sqlite3_stmt *st, int first, const struct trace_wait *w);
/* Step a statement that returns no rows, and finalize it. */
enum trace_status trace_step_done(sqlite3_stmt *st);
/* Step a kept statement that returns no rows, and reset it for the next. */
enum trace_status trace_step_reset(sqlite3_stmt *st);
char *trace_dup_col(sqlite3_stmt *st, int i);
uint16_t trace_op_from_name(const unsigned char *name);
/* The columns of `events` and `process_events` a struct trace_event is
 * read from, in the order trace_read_event_row reads them. */
#define TRACE_EVENT_COLUMNS                                                             \
	"seq, thread, op, object, object_addr, arg, result, site, vtime, flags, digest, data," \
	" data_len, image, py_code, py_line, output_seq"

/* An event from a row of TRACE_EVENT_COLUMNS; 1, or -1 for an unknown op. */
int trace_read_event_row(sqlite3_stmt *st, struct trace_event *e);
/* A wait from a row of (thread, op, object, object_kind, object_addr,
 * holder, site). */
bool trace_read_wait_row(sqlite3_stmt *st, void *row);

/* Run a query and collect its rows into a malloc'd array, one `size`-byte
 * element per row, filled by `read` (false: the row is corrupt). */
typedef bool (*row_reader)(sqlite3_stmt *st, void *row);
enum trace_status trace_load_rows(struct trace *t, const char *sql, size_t size,
				  row_reader read, void **out, size_t *n);
/* The same from a statement already prepared (and bound), which it
 * finalizes. */
enum trace_status trace_collect_rows(sqlite3_stmt *st, size_t size, row_reader read,
				     void **out, size_t *n);
/* Bind an event's columns (those of `events`, in order: seq ... data)
 * from parameter `first` on. */
void trace_bind_event(sqlite3_stmt *st, int first, const struct trace_event *e);

#endif /* DEJA_TRACE_PRIVATE_H */
