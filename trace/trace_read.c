/*
 * trace_read.c: reading a trace back (see trace.h): the run, its events
 * in order, and the tables the tools show (threads, waits, modules, call
 * sites, inputs, history, findings).
 */
#include "trace_private.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "model.h"

char *trace_dup_col(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? strdup((const char *)s) : NULL;
}

/* A list of strings read by `sql` (one text column, in order), into a
 * NULL-terminated array; false when out of memory. */
static bool read_strings(struct trace *t, const char *sql, char ***list, int *n)
{
	*n = 0;
	*list = calloc(8, sizeof(char *));
	sqlite3_stmt *st = trace_prepare(t, sql);
	if (!st || !*list) {
		sqlite3_finalize(st);
		return false;
	}
	size_t cap = 8;
	bool ok = true;
	while (ok && sqlite3_step(st) == SQLITE_ROW) {
		ok = grow_array(list, &cap, (size_t)*n + 2, sizeof(char *), 8); /* and its NULL */
		if (!ok)
			break;
		(*list)[(*n)++] = trace_dup_col(st, 0);
		(*list)[*n] = NULL;
	}
	sqlite3_finalize(st);
	return ok;
}

static enum trace_status read_argv(struct trace *t, struct trace_run *r)
{
	if (!read_strings(t, "SELECT arg FROM argv ORDER BY idx", &r->argv, &r->argc) ||
	    r->argc == 0)
		return TRACE_ERR_CORRUPT;
	return read_strings(t, "SELECT var FROM environ ORDER BY idx", &r->envp, &r->envc)
		       ? TRACE_OK
		       : TRACE_ERR_CORRUPT;
}

/* deja itself was killed before it wrote the outcome: count what it did
 * commit. */
static void count_incomplete(struct trace *t, struct trace_run *r)
{
	sqlite3_stmt *st = trace_prepare(t, "SELECT count(*), total(flags & 1),"
				      " total((flags & 2) != 0) FROM events");
	if (st && sqlite3_step(st) == SQLITE_ROW) {
		r->events = (uint64_t)sqlite3_column_int64(st, 0);
		r->preemptions = (uint64_t)sqlite3_column_int64(st, 1);
		r->switches = (uint64_t)sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
}

static int64_t col_int_or(sqlite3_stmt *st, int i, int64_t dflt)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? dflt : sqlite3_column_int64(st, i);
}

enum trace_status trace_get_run(struct trace *t, struct trace_run *r)
{
	memset(r, 0, sizeof(*r));
	sqlite3_stmt *st = trace_prepare(t,
		"SELECT deja_version, cwd, exe_path, exe_hash, strategy, seed, run_index, max_steps,"
		" started_at, outcome, exit_code, signal, message, outcome_thread, events,"
		" preemptions, switches, interrupted, final_digest, realtime_start, monotonic_start,"
		" entropy_seed, forks, fault_site, pid, ppid, time, stdio_kinds,"
		" (SELECT image FROM events ORDER BY seq DESC LIMIT 1) FROM run WHERE id=1");
	if (!st)
		return TRACE_ERR_CORRUPT;
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		/* The run's row goes in with the first batch of events: none,
		 * and no event, is a recording killed before that batch was
		 * committed; events without a run, a damaged trace. */
		if (rc != SQLITE_DONE)
			return TRACE_ERR_CORRUPT;
		int64_t events = 1;
		sqlite3_stmt *any = trace_prepare(t, "SELECT EXISTS (SELECT 1 FROM events)");
		if (any && sqlite3_step(any) == SQLITE_ROW)
			events = sqlite3_column_int64(any, 0);
		sqlite3_finalize(any);
		return events ? TRACE_ERR_CORRUPT : TRACE_ERR_NO_RUN;
	}
	r->deja_version = trace_dup_col(st, 0);
	r->cwd = trace_dup_col(st, 1);
	r->exe_path = trace_dup_col(st, 2);
	r->exe_hash = trace_dup_col(st, 3);
	r->strategy = trace_dup_col(st, 4);
	r->seed = (uint64_t)sqlite3_column_int64(st, 5);
	r->run_index = (uint64_t)sqlite3_column_int64(st, 6);
	r->max_steps = (uint64_t)sqlite3_column_int64(st, 7);
	r->started_at = trace_dup_col(st, 8);
	r->outcome = trace_dup_col(st, 9);
	r->exit_code = col_int_or(st, 10, -1);
	r->signal = col_int_or(st, 11, 0);
	r->message = trace_dup_col(st, 12);
	r->outcome_thread = col_int_or(st, 13, -1);
	r->events = (uint64_t)sqlite3_column_int64(st, 14);
	r->preemptions = (uint64_t)sqlite3_column_int64(st, 15);
	r->switches = (uint64_t)sqlite3_column_int64(st, 16);
	r->interrupted = sqlite3_column_int(st, 17);
	r->final_digest = (uint64_t)sqlite3_column_int64(st, 18);
	r->realtime_start = sqlite3_column_int64(st, 19);
	r->monotonic_start = sqlite3_column_int64(st, 20);
	r->entropy_seed = (uint64_t)sqlite3_column_int64(st, 21);
	r->forks = (uint64_t)sqlite3_column_int64(st, 22);
	r->fault_site = (uint64_t)col_int_or(st, 23, 0);
	r->pid = col_int_or(st, 24, 0);
	r->ppid = col_int_or(st, 25, 0);
	r->time = trace_dup_col(st, 26);
	r->stdio_kinds = (uint32_t)col_int_or(st, 27, 0);
	r->image = (uint32_t)col_int_or(st, 28, 0);
	sqlite3_finalize(st);
	if (!r->cwd || !r->exe_path || !r->exe_hash || !r->strategy || !r->outcome || !r->time)
		return TRACE_ERR_CORRUPT;
	if (strcmp(r->outcome, "incomplete") == 0)
		count_incomplete(t, r);
	return read_argv(t, r);
}

void trace_run_free(struct trace_run *r)
{
	free(r->deja_version);
	free(r->cwd);
	free(r->exe_path);
	free(r->exe_hash);
	free(r->strategy);
	free(r->started_at);
	free(r->outcome);
	free(r->message);
	free(r->time);
	for (int i = 0; r->argv && i < r->argc; i++)
		free(r->argv[i]);
	free(r->argv);
	for (int i = 0; r->envp && i < r->envc; i++)
		free(r->envp[i]);
	free(r->envp);
	memset(r, 0, sizeof(*r));
}

/* The operations by name, sorted, for trace_op_from_name: a trace's
 * events are read by the ten thousand, and a replay waits for them. */
static uint16_t ops_by_name[DEJA_OP_COUNT];
static pthread_once_t ops_sorted = PTHREAD_ONCE_INIT;

static int compare_op_names(const void *a, const void *b)
{
	return strcmp(deja_op_name(*(const uint16_t *)a), deja_op_name(*(const uint16_t *)b));
}

static void sort_ops(void)
{
	for (uint16_t op = 0; op < DEJA_OP_COUNT; op++)
		ops_by_name[op] = op;
	qsort(ops_by_name, DEJA_OP_COUNT, sizeof(ops_by_name[0]), compare_op_names);
}

/* The operation the last name was, per thread: events come in runs of
 * one operation (read_file's replay reads 16,386 syscalls in a row), and
 * one comparison costs less than the search's six. */
static __thread uint16_t last_op = DEJA_OP_COUNT;

uint16_t trace_op_from_name(const unsigned char *name)
{
	if (!name)
		return DEJA_OP_COUNT;
	if (last_op < DEJA_OP_COUNT && strcmp((const char *)name, deja_op_name(last_op)) == 0)
		return last_op;
	pthread_once(&ops_sorted, sort_ops);
	size_t lo = 0, hi = DEJA_OP_COUNT;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp((const char *)name, deja_op_name(ops_by_name[mid]));
		if (c == 0)
			return last_op = ops_by_name[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return DEJA_OP_COUNT;
}

int trace_next_event(struct trace *t, struct trace_event *e)
{
	sqlite3_stmt *st = t->next_event;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return -1;
	return trace_read_event_row(st, e);
}

int trace_read_event_row(sqlite3_stmt *st, struct trace_event *e)
{
	struct deja_event *ev = &e->ev;
	memset(ev, 0, sizeof(*ev));
	ev->seq = (uint64_t)sqlite3_column_int64(st, 0);
	ev->thread = (uint32_t)sqlite3_column_int64(st, 1);
	ev->op = trace_op_from_name(sqlite3_column_text(st, 2));
	ev->object = (uint32_t)sqlite3_column_int64(st, 3);
	ev->object_addr = (uint64_t)sqlite3_column_int64(st, 4);
	ev->arg = (uint64_t)sqlite3_column_int64(st, 5);
	ev->result = sqlite3_column_int64(st, 6);
	ev->site = (uint64_t)sqlite3_column_int64(st, 7);
	ev->vtime = (uint64_t)sqlite3_column_int64(st, 8);
	ev->flags = (uint16_t)sqlite3_column_int64(st, 9);
	e->digest = (uint64_t)sqlite3_column_int64(st, 10);
	ev->data = (uint64_t)sqlite3_column_int64(st, 11);
	ev->data_len = (uint32_t)sqlite3_column_int64(st, 12);
	ev->image = (uint32_t)sqlite3_column_int64(st, 13);
	ev->py_code = (uint64_t)sqlite3_column_int64(st, 14);
	ev->py_line = (uint32_t)sqlite3_column_int64(st, 15);
	ev->output_seq = (uint32_t)sqlite3_column_int64(st, 16);
	return ev->op == DEJA_OP_COUNT ? -1 : 1;
}

int trace_last_python_event(struct trace *t, uint32_t process, uint32_t thread,
			    struct trace_event *e)
{
	sqlite3_stmt *st = trace_prepare(t, process == 0
		? "SELECT " TRACE_EVENT_COLUMNS " FROM events"
		  " WHERE thread = ?1 AND py_line != 0 ORDER BY seq DESC LIMIT 1"
		: "SELECT " TRACE_EVENT_COLUMNS " FROM process_events"
		  " WHERE process = ?2 AND thread = ?1 AND py_line != 0 ORDER BY seq DESC LIMIT 1");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, thread);
	if (process != 0)
		sqlite3_bind_int64(st, 2, process);
	int rc = sqlite3_step(st);
	int r = rc == SQLITE_ROW ? trace_read_event_row(st, e) : rc == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(st);
	return r;
}

void trace_rewind_events(struct trace *t)
{
	sqlite3_reset(t->next_event);
}

enum trace_status trace_collect_rows(sqlite3_stmt *st, size_t size, row_reader read,
				     void **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	size_t cap = 0;
	enum trace_status status = TRACE_OK;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!grow_array(out, &cap, *n + 1, size, 16)) {
			status = TRACE_ERR_NOMEM;
			break;
		}
		if (!read(st, (char *)*out + (*n)++ * size)) {
			status = TRACE_ERR_CORRUPT;
			break;
		}
	}
	if (status == TRACE_OK && rc != SQLITE_DONE)
		status = TRACE_ERR_CORRUPT;
	sqlite3_finalize(st);
	if (status != TRACE_OK) { /* the caller gets rows or nothing */
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return status;
}

enum trace_status trace_load_rows(struct trace *t, const char *sql, size_t size,
				   row_reader read, void **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = trace_prepare(t, sql);
	if (!st)
		return TRACE_ERR_CORRUPT;
	return trace_collect_rows(st, size, read, out, n);
}

static bool read_thread(sqlite3_stmt *st, void *row)
{
	struct trace_thread *th = row;
	th->id = (uint32_t)sqlite3_column_int64(st, 0);
	th->os_tid = (int32_t)sqlite3_column_int64(st, 1);
	th->start_routine = (uint64_t)sqlite3_column_int64(st, 2);
	const unsigned char *state = sqlite3_column_text(st, 3);
	th->finished = state && strcmp((const char *)state, "finished") == 0;
	th->events = (uint64_t)sqlite3_column_int64(st, 4);
	th->ticks = (uint64_t)sqlite3_column_int64(st, 5);
	th->longest_ticks = (uint64_t)sqlite3_column_int64(st, 6);
	th->longest_dark_ns = (uint64_t)sqlite3_column_int64(st, 7);
	th->stopped_tick = (uint64_t)col_int_or(st, 8, (int64_t)DEJA_NO_TICK);
	th->stopped_ip = (uint64_t)col_int_or(st, 9, 0);
	th->stopped_regs = (uint64_t)col_int_or(st, 10, 0);
	return true;
}

enum trace_status trace_get_threads(struct trace *t, struct trace_thread **out, size_t *n)
{
	return trace_load_rows(t, "SELECT id, os_tid, start_routine, state, events, ticks,"
			    " longest_ticks, longest_dark_ns, stopped_tick, stopped_ip, stopped_regs FROM threads"
			    " ORDER BY id", sizeof(**out), read_thread, (void **)out, n);
}

bool trace_read_wait_row(sqlite3_stmt *st, void *row)
{
	struct trace_wait *w = row;
	w->thread = (uint32_t)sqlite3_column_int64(st, 0);
	w->op = trace_dup_col(st, 1);
	w->object = (uint32_t)sqlite3_column_int64(st, 2);
	w->object_kind = trace_dup_col(st, 3);
	w->object_addr = (uint64_t)sqlite3_column_int64(st, 4);
	w->holder = col_int_or(st, 5, -1);
	w->site = (uint64_t)sqlite3_column_int64(st, 6);
	w->image = (uint32_t)sqlite3_column_int64(st, 7);
	return true;
}

enum trace_status trace_get_waits(struct trace *t, struct trace_wait **out, size_t *n)
{
	return trace_load_rows(t, "SELECT thread, op, object, object_kind, object_addr, holder,"
			    " site, image FROM waits ORDER BY thread", sizeof(**out), trace_read_wait_row,
			 (void **)out, n);
}

void trace_waits_free(struct trace_wait *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((char *)w[i].op);
		free((char *)w[i].object_kind);
	}
	free(w);
}

static bool read_module_file(sqlite3_stmt *st, void *row)
{
	struct trace_module_file *m = row;
	m->path = trace_dup_col(st, 0);
	m->hash = trace_dup_col(st, 1);
	return m->path && m->hash;
}

enum trace_status trace_get_module_files(struct trace *t, struct trace_module_file **out,
					 size_t *n)
{
	return trace_load_rows(t, "SELECT DISTINCT path, hash FROM modules WHERE hash IS NOT NULL",
			       sizeof(**out), read_module_file, (void **)out, n);
}

void trace_module_files_free(struct trace_module_file *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(m[i].path);
		free(m[i].hash);
	}
	free(m);
}

static bool read_module(sqlite3_stmt *st, void *row)
{
	struct deja_module *m = row;
	const unsigned char *path = sqlite3_column_text(st, 0);
	if (!path)
		return false;
	snprintf(m->path, sizeof(m->path), "%s", (const char *)path);
	m->base = (uint64_t)sqlite3_column_int64(st, 1);
	m->lo = (uint64_t)sqlite3_column_int64(st, 2);
	m->hi = (uint64_t)sqlite3_column_int64(st, 3);
	m->image = (uint32_t)sqlite3_column_int64(st, 4);
	return true;
}

enum trace_status trace_get_modules(struct trace *t, uint32_t process, uint32_t image,
				    struct deja_module **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = trace_prepare(t, "SELECT path, base, lo, hi, image FROM modules"
					 " WHERE process = ? AND image = ? ORDER BY id");
	if (!st)
		return TRACE_ERR_CORRUPT;
	sqlite3_bind_int64(st, 1, process);
	sqlite3_bind_int64(st, 2, image);
	return trace_collect_rows(st, sizeof(**out), read_module, (void **)out, n);
}

static bool read_site(sqlite3_stmt *st, void *row)
{
	struct trace_site *s = row;
	s->process = (uint32_t)sqlite3_column_int64(st, 0);
	s->image = (uint32_t)sqlite3_column_int64(st, 1);
	s->address = (uint64_t)sqlite3_column_int64(st, 2);
	s->function = trace_dup_col(st, 3);
	s->file = trace_dup_col(st, 4);
	s->line = col_int_or(st, 5, 0);
	s->module = trace_dup_col(st, 6);
	return true;
}

enum trace_status trace_get_sites(struct trace *t, struct trace_site **out, size_t *n)
{
	return trace_load_rows(t, "SELECT process, image, address, function, file, line, module"
			    " FROM sites ORDER BY process, image, address", sizeof(**out), read_site,
			    (void **)out, n);
}

void trace_sites_free(struct trace_site *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(s[i].function);
		free(s[i].file);
		free(s[i].module);
	}
	free(s);
}

static bool read_python_code(sqlite3_stmt *st, void *row)
{
	struct trace_python_code *c = row;
	c->process = (uint32_t)sqlite3_column_int64(st, 0);
	c->image = (uint32_t)sqlite3_column_int64(st, 1);
	c->code = (uint64_t)sqlite3_column_int64(st, 2);
	c->file = trace_dup_col(st, 3);
	c->function = trace_dup_col(st, 4);
	return true;
}

enum trace_status trace_get_python_codes(struct trace *t, struct trace_python_code **out,
					  size_t *n)
{
	return trace_load_rows(t, "SELECT process, image, code, file, function FROM python_code"
			    " ORDER BY process, image, code", sizeof(**out), read_python_code,
			    (void **)out, n);
}

void trace_python_codes_free(struct trace_python_code *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(c[i].file);
		free(c[i].function);
	}
	free(c);
}

static bool read_site_key(sqlite3_stmt *st, void *row)
{
	struct trace_site_key *k = row;
	k->process = (uint32_t)sqlite3_column_int64(st, 0);
	k->image = (uint32_t)sqlite3_column_int64(st, 1);
	k->address = (uint64_t)sqlite3_column_int64(st, 2);
	return true;
}

enum trace_status trace_get_site_addresses(struct trace *t, bool start_routines,
					   struct trace_site_key **out, size_t *n)
{
	/* A thread's start routine is in the image it started in; a fault is
	 * in the top process's last image. */
	return trace_load_rows(t, start_routines
		? "SELECT 0, COALESCE((SELECT image FROM events e WHERE e.thread = threads.id"
		  " ORDER BY seq LIMIT 1), 0), start_routine FROM threads WHERE start_routine != 0"
		  " UNION SELECT 0, COALESCE((SELECT image FROM events ORDER BY seq DESC LIMIT 1), 0),"
		  " fault_site FROM run WHERE fault_site IS NOT NULL"
		  " UNION SELECT id, fault_image, fault_site FROM processes"
		  " WHERE id != 0 AND fault_site IS NOT NULL ORDER BY 1, 2"
		: "SELECT 0, image, site FROM waits WHERE site != 0"
		  " UNION SELECT process, image, site FROM process_waits WHERE site != 0"
		  " ORDER BY 1, 2",
		sizeof(**out), read_site_key, (void **)out, n);
}

static bool read_syscall_count(sqlite3_stmt *st, void *row)
{
	struct trace_syscall_count *c = row;
	c->nr = (uint64_t)sqlite3_column_int64(st, 0);
	c->count = (uint64_t)sqlite3_column_int64(st, 1);
	return true;
}

enum trace_status trace_get_unsupported(struct trace *t, struct trace_syscall_count **out,
					size_t *n)
{
	return trace_load_rows(t, "SELECT arg, count(*) FROM events WHERE op = 'syscall_unsupported'"
			    " GROUP BY arg ORDER BY arg", sizeof(**out), read_syscall_count,
			 (void **)out, n);
}

static bool read_input(sqlite3_stmt *st, void *row)
{
	struct trace_input *in = row;
	in->process = (uint32_t)sqlite3_column_int64(st, 0);
	in->source = trace_dup_col(st, 1);
	in->bytes = (uint64_t)sqlite3_column_int64(st, 2);
	in->lines = (uint64_t)sqlite3_column_int64(st, 3);
	return true;
}

/* Newlines in the bytes of a run of reads (inputs row i), as SQL: counted
 * in bytes, since a text's length stops at its first NUL (binary input
 * has them). */
#define LINES_IN_BYTES \
	"SUM(length(d.bytes) - length(CAST(replace(CAST(d.bytes AS TEXT), char(10), '') AS BLOB)))"
#define LINES_IN_RUN(data, same_process) \
	"(SELECT " LINES_IN_BYTES " FROM " data " d WHERE " same_process \
	" d.seq BETWEEN i.seq AND i.last_seq)"

enum trace_status trace_get_inputs(struct trace *t, struct trace_input **out, size_t *n)
{
	return trace_load_rows(t, "SELECT 0, i.source, SUM(i.length), SUM("
			    LINES_IN_RUN("syscall_data", "") "), MIN(i.seq) AS first FROM inputs i"
			    " GROUP BY i.source"
			    " UNION ALL SELECT i.process, i.source, SUM(i.length), SUM("
			    LINES_IN_RUN("process_data", "d.process = i.process AND")
			    "), MIN(i.seq) FROM process_inputs i GROUP BY i.process, i.source"
			    " ORDER BY 1, first",
			 sizeof(**out), read_input, (void **)out, n);
}

void trace_inputs_free(struct trace_input *in, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(in[i].source);
	free(in);
}

static bool read_history(sqlite3_stmt *st, void *row)
{
	struct trace_history *h = row;
	h->at = trace_dup_col(st, 0);
	h->command = trace_dup_col(st, 1);
	h->result = trace_dup_col(st, 2);
	return true;
}

enum trace_status trace_get_history(struct trace *t, struct trace_history **out, size_t *n)
{
	return trace_load_rows(t, "SELECT at, command, result FROM history ORDER BY at, id",
			 sizeof(**out), read_history, (void **)out, n);
}

void trace_history_free(struct trace_history *h, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(h[i].at);
		free(h[i].command);
		free(h[i].result);
	}
	free(h);
}

static bool read_finding(sqlite3_stmt *st, void *row)
{
	struct trace_finding *f = row;
	f->kind = trace_dup_col(st, 0);
	f->first_thread = (uint32_t)sqlite3_column_int64(st, 1);
	f->first_index = (uint64_t)sqlite3_column_int64(st, 2);
	f->first_seq = sqlite3_column_type(st, 3) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 3);
	f->second_thread = (uint32_t)sqlite3_column_int64(st, 4);
	f->second_index = (uint64_t)sqlite3_column_int64(st, 5);
	f->second_seq = sqlite3_column_type(st, 6) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 6);
	f->summary = trace_dup_col(st, 7);
	f->process = (uint32_t)sqlite3_column_int64(st, 8);
	return true;
}

enum trace_status trace_get_findings(struct trace *t, struct trace_finding **out, size_t *n)
{
	return trace_load_rows(t, "SELECT kind, first_thread, first_index, first_seq, second_thread,"
			    " second_index, second_seq, summary, process FROM findings ORDER BY id",
			 sizeof(**out), read_finding, (void **)out, n);
}

void trace_findings_free(struct trace_finding *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(f[i].kind);
		free(f[i].summary);
	}
	free(f);
}
