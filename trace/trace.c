/*
 * trace.c: creating, opening and checking a trace, and writing a run into
 * it (see trace.h).  Reading it back is in trace_read.c, a replay's feed
 * in trace_feed.c, a forked child's tables in trace_processes.c and the
 * escapes in trace_escapes.c: with schema.sql, all of deja's SQL.
 */
#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "schema_sql.h" /* generated from schema.sql: deja_schema_sql[], deja_schema_tables[] */
#include "model.h"

#include "trace_private.h"

/* A trace being recorded is written under a rollback journal: a commit
 * waits for readers (`deja show` of it) to finish, and a reader for a
 * commit, this long at most. */
#define TRACE_BUSY_MS 10000

/* SQLite's own accounting of its memory takes a global mutex at every
 * allocation, which a recording makes for every event; deja never asks
 * for it.  Set before SQLite starts, once. */
static void configure_sqlite(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* Every connection to a trace.  Each is used by one thread at a time (the
 * replay's feed stream opens its own), so SQLite need not lock a mutex
 * around every call; reading a big trace's events made tens of thousands
 * of them. */
static int open_db(const char *path, int flags, sqlite3 **db)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, configure_sqlite);
	int rc = sqlite3_open_v2(path, db, flags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc == SQLITE_OK)
		sqlite3_busy_timeout(*db, TRACE_BUSY_MS);
	return rc;
}


static const char *const status_text[] = {
	[TRACE_OK] = "ok",
	[TRACE_ERR_OPEN] = "cannot open the file",
	[TRACE_ERR_NOT_TRACE] = "not a deja trace",
	[TRACE_ERR_VERSION] = "a trace of another deja version",
	[TRACE_ERR_CORRUPT] = "the trace is damaged or truncated",
	[TRACE_ERR_WRITE] = "cannot write the trace",
	[TRACE_ERR_NOMEM] = "out of memory",
	[TRACE_ERR_STOPPED] = "stopped",
};

const char *trace_strerror(enum trace_status s)
{
	if ((unsigned)s >= sizeof(status_text) / sizeof(status_text[0]))
		return "unknown trace error";
	return status_text[s];
}

static enum trace_status classify(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return TRACE_OK;
	case SQLITE_NOTADB:
		return TRACE_ERR_NOT_TRACE;
	case SQLITE_CORRUPT:
	case SQLITE_FORMAT:
	case SQLITE_RANGE:
		return TRACE_ERR_CORRUPT;
	case SQLITE_NOMEM:
		return TRACE_ERR_NOMEM;
	case SQLITE_CANTOPEN:
		return TRACE_ERR_OPEN;
	default:
		return TRACE_ERR_CORRUPT;
	}
}

static enum trace_status fail(sqlite3 *db, int rc, char *err, size_t errlen)
{
	if (err)
		snprintf(err, errlen, "%s", db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
	return classify(rc);
}

enum trace_status trace_exec(struct trace *t, const char *sql)
{
	int rc = sqlite3_exec(t->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? TRACE_OK : TRACE_ERR_WRITE;
}

static int64_t pragma_int(sqlite3 *db, const char *sql, int *rc)
{
	sqlite3_stmt *st;
	int64_t v = -1;
	*rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (*rc != SQLITE_OK)
		return -1;
	*rc = sqlite3_step(st);
	if (*rc == SQLITE_ROW) {
		v = sqlite3_column_int64(st, 0);
		*rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return v;
}

/* An empty file only the user can read, which must not exist yet. */
static int create_private(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

enum trace_status trace_reserve(const char *path, char *err, size_t errlen)
{
	return create_private(path, err, errlen) == 0 ? TRACE_OK : TRACE_ERR_OPEN;
}

enum trace_status trace_create(const char *path, struct trace **out, char *err,
			       size_t errlen)
{
	enum trace_status s = trace_reserve(path, err, errlen);
	return s == TRACE_OK ? trace_create_reserved(path, out, err, errlen) : s;
}

enum trace_status trace_create_reserved(const char *path, struct trace **out, char *err,
					size_t errlen)
{
	struct trace *t = calloc(1, sizeof(*t));
	if (!t)
		return TRACE_ERR_NOMEM;
	int rc = open_db(path, SQLITE_OPEN_READWRITE, &t->db);
	if (rc != SQLITE_OK) {
		enum trace_status s = fail(t->db, rc, err, errlen);
		trace_close(t);
		return s;
	}
	char pragmas[256];
	snprintf(pragmas, sizeof(pragmas),
		 "PRAGMA page_size=65536; PRAGMA journal_mode=TRUNCATE; PRAGMA synchronous=OFF;"
		 "PRAGMA application_id=%d; PRAGMA user_version=%d;",
		 TRACE_APPLICATION_ID, TRACE_VERSION);
	rc = sqlite3_exec(t->db, pragmas, NULL, NULL, NULL);
	/* One transaction: the schema is written once, not once per table. */
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(t->db, "BEGIN", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(t->db, deja_schema_sql, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(t->db, "COMMIT", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(t->db,
					"INSERT INTO events (seq, thread, op, object, object_addr,"
					" arg, result, site, vtime, flags, digest, data, data_len,"
					" image, py_code, py_line, output_seq)"
					" VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
					-1, &t->put_event, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(t->db, "INSERT INTO syscall_data (seq, bytes) VALUES (?,?)",
					-1, &t->put_data, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(t->db, "INSERT INTO inputs (seq, source, offset, length,"
					" last_seq) VALUES (?,?,?,?,?)", -1, &t->put_input, NULL);
	if (rc != SQLITE_OK) {
		enum trace_status s = fail(t->db, rc, err, errlen);
		trace_close(t);
		return s == TRACE_OK ? TRACE_ERR_WRITE : s;
	}
	*out = t;
	return TRACE_OK;
}

static enum trace_status check_identity(sqlite3 *db, char *err, size_t errlen)
{
	int rc;
	int64_t app = pragma_int(db, "PRAGMA application_id", &rc);
	if (rc != SQLITE_OK)
		return fail(db, rc, err, errlen);
	int64_t version = pragma_int(db, "PRAGMA user_version", &rc);
	if (rc != SQLITE_OK)
		return fail(db, rc, err, errlen);
	if (app != TRACE_APPLICATION_ID) {
		snprintf(err, errlen, "an SQLite file, but not a deja trace");
		return TRACE_ERR_NOT_TRACE;
	}
	if (version != TRACE_VERSION) {
		snprintf(err, errlen, "trace version %lld, this deja reads version %d",
			 (long long)version, TRACE_VERSION);
		return TRACE_ERR_VERSION;
	}
	return TRACE_OK;
}

/* What trace_open checks of a trace's integrity. */
enum integrity_check {
	CHECK_ALL,
	/* Not the tables a replay reads whole, the events and the bytes
	 * input syscalls read: reading them fails on damage, and checking a
	 * big trace's first would cost more than the run.  Nor the inputs,
	 * one row per read, which neither a replay nor record's summary
	 * reads (show, shrink and the inputs listing open with CHECK_ALL). */
	CHECK_ALL_BUT_BULK,
	CHECK_NONE,
};

static bool is_bulk_table(const char *name)
{
	static const char *const bulk[] = { "events", "process_events", "syscall_data",
					    "process_data", "inputs", "process_inputs" };
	for (size_t i = 0; i < sizeof(bulk) / sizeof(bulk[0]); i++)
		if (strcmp(name, bulk[i]) == 0)
			return true;
	return false;
}

static bool table_checked(sqlite3 *db, const char *table, char *err, size_t errlen)
{
	char *sql = sqlite3_mprintf("PRAGMA quick_check(\"%w\")", table);
	sqlite3_stmt *st = NULL;
	int rc = sql ? sqlite3_prepare_v2(db, sql, -1, &st, NULL) : SQLITE_NOMEM;
	sqlite3_free(sql);
	rc = rc == SQLITE_OK ? sqlite3_step(st) : rc;
	const unsigned char *verdict = rc == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
	bool ok = verdict && strcmp((const char *)verdict, "ok") == 0;
	if (!ok) {
		snprintf(err, errlen, "integrity check failed: %s",
			 verdict ? (const char *)verdict : sqlite3_errmsg(db));
		for (char *c = err; *c; c++) /* one line: SQLite reports page by page */
			if (*c == '\n')
				*c = ' ';
	}
	sqlite3_finalize(st);
	return ok;
}

/* A file shorter than its pages: cut off (the pages of a write under way
 * are in the -wal file, which a sealed trace has not). */
static bool truncated(sqlite3 *db, const char *path)
{
	char wal[PATH_MAX];
	struct stat sb;
	if (snprintf(wal, sizeof(wal), "%s-wal", path) >= (int)sizeof(wal) || stat(wal, &sb) == 0 ||
	    stat(path, &sb) != 0)
		return false;
	int rc;
	int64_t pages = pragma_int(db, "PRAGMA page_count", &rc);
	int64_t page_size = rc == SQLITE_OK ? pragma_int(db, "PRAGMA page_size", &rc) : 0;
	return rc == SQLITE_OK && (int64_t)sb.st_size < pages * page_size;
}

/* Catches truncation and damage before any command relies on it. */
static enum trace_status check_integrity(sqlite3 *db, const char *path, enum integrity_check check,
				       char *err, size_t errlen)
{
	if (check == CHECK_NONE)
		return TRACE_OK;
	if (truncated(db, path)) {
		snprintf(err, errlen, "integrity check failed: the file is shorter than its pages");
		return TRACE_ERR_CORRUPT;
	}
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE type = 'table'",
				    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return fail(db, rc, err, errlen);
	enum { TABLES = sizeof(deja_schema_tables) / sizeof(deja_schema_tables[0]) };
	bool ok = true, present[TABLES] = { false };
	while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		for (size_t i = 0; name && i < TABLES; i++)
			present[i] |= strcmp(name, deja_schema_tables[i]) == 0;
		ok = !name || (check == CHECK_ALL_BUT_BULK && is_bulk_table(name)) ||
		     table_checked(db, name, err, errlen);
	}
	if (ok && rc != SQLITE_DONE) {
		snprintf(err, errlen, "integrity check failed: %s", sqlite3_errmsg(db));
		ok = false;
	}
	sqlite3_finalize(st);
	/* A table gone (dropped by hand): the commands would show the trace
	 * without what it held (a deadlock without its wait-for graph). */
	for (size_t i = 0; ok && i < TABLES; i++) {
		if (!present[i]) {
			snprintf(err, errlen, "the trace has no table %s", deja_schema_tables[i]);
			ok = false;
		}
	}
	return ok ? TRACE_OK : TRACE_ERR_CORRUPT;
}

/* A trace whose recording deja was killed mid-commit has a rollback
 * journal beside it (a "hot" one: no writer holds it).  A read-only
 * connection cannot put the last commit back, so a read-write one does
 * it first (SQLite rolls back on its first read; it leaves the journal
 * of a recording still under way alone). */
static enum trace_status finish_rollback(const char *path, char *err, size_t errlen)
{
	char journal[PATH_MAX];
	struct stat sb;
	if (snprintf(journal, sizeof(journal), "%s-journal", path) >= (int)sizeof(journal) ||
	    stat(journal, &sb) != 0 || sb.st_size == 0)
		return TRACE_OK;
	sqlite3 *db;
	int rc = open_db(path, SQLITE_OPEN_READWRITE, &db);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		snprintf(err, errlen, "a deja that wrote this trace was stopped mid-write, and"
			 " its last write cannot be undone here (%s): open it where it can be"
			 " written", sqlite3_errmsg(db));
	sqlite3_close(db);
	return rc == SQLITE_OK ? TRACE_OK : TRACE_ERR_CORRUPT;
}

/* A trace is a regular file, and never empty: SQLite takes an empty
 * file for an empty database ("an SQLite file, but not a deja trace") and
 * a directory for a disk that failed ("disk I/O error"). */
static enum trace_status check_file_kind(const char *path, char *err, size_t errlen)
{
	struct stat sb;
	if (stat(path, &sb) != 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		return TRACE_ERR_OPEN;
	}
	if (S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "a directory");
		return TRACE_ERR_NOT_TRACE;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "not a regular file");
		return TRACE_ERR_NOT_TRACE;
	}
	if (sb.st_size == 0) {
		snprintf(err, errlen, "an empty file");
		return TRACE_ERR_NOT_TRACE;
	}
	return TRACE_OK;
}

static enum trace_status open_trace(const char *path, bool writable, enum integrity_check check,
				    struct trace **out, char *err, size_t errlen)
{
	if (access(path, R_OK) != 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		return TRACE_ERR_OPEN;
	}
	enum trace_status kind = check_file_kind(path, err, errlen);
	if (kind != TRACE_OK)
		return kind;
	enum trace_status rolled = finish_rollback(path, err, errlen);
	if (rolled != TRACE_OK)
		return rolled;
	struct trace *t = calloc(1, sizeof(*t));
	if (!t)
		return TRACE_ERR_NOMEM;
	int rc = open_db(path, writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY, &t->db);
	enum trace_status s = rc == SQLITE_OK ? check_identity(t->db, err, errlen)
					      : fail(t->db, rc, err, errlen);
	if (s == TRACE_OK)
		s = check_integrity(t->db, path, check, err, errlen);
	if (s == TRACE_OK) {
		rc = sqlite3_prepare_v2(t->db,
					"SELECT " TRACE_EVENT_COLUMNS " FROM events ORDER BY seq",
					-1, &t->next_event, NULL);
		if (rc != SQLITE_OK)
			s = fail(t->db, rc, err, errlen);
	}
	if (s != TRACE_OK) {
		trace_close(t);
		return s;
	}
	*out = t;
	return TRACE_OK;
}

enum trace_status trace_open(const char *path, bool writable, struct trace **out,
			     char *err, size_t errlen)
{
	return open_trace(path, writable, CHECK_ALL, out, err, errlen);
}

enum trace_status trace_open_but_bulk(const char *path, struct trace **out, char *err,
				       size_t errlen)
{
	return open_trace(path, false, CHECK_ALL_BUT_BULK, out, err, errlen);
}

enum trace_status trace_reopen(const char *path, struct trace **out, char *err, size_t errlen)
{
	enum trace_status s = open_trace(path, false, CHECK_NONE, out, err, errlen);
	/* Its reader reads each page once: a cache of a few pages stays in
	 * the CPU's own, where SQLite's 2 MB (31 of the trace's 64 KiB pages)
	 * did not (read_file's replay: 1.7 ms faster). */
	if (s == TRACE_OK && trace_exec(*out, "PRAGMA cache_size=8") != TRACE_OK) {
		snprintf(err, errlen, "cannot set the trace's page cache: %s",
			 sqlite3_errmsg((*out)->db));
		trace_close(*out);
		*out = NULL;
		return TRACE_ERR_CORRUPT;
	}
	return s;
}

void trace_close(struct trace *t)
{
	if (!t)
		return;
	sqlite3_finalize(t->put_event);
	sqlite3_finalize(t->put_data);
	sqlite3_finalize(t->put_input);
	sqlite3_finalize(t->next_event);
	sqlite3_finalize(t->put_process_event);
	sqlite3_finalize(t->put_process_data);
	sqlite3_finalize(t->put_process_input);
	sqlite3_close(t->db);
	free(t);
}

enum trace_status trace_seal(struct trace *t)
{
	return trace_exec(t, "PRAGMA journal_mode=DELETE");
}

enum trace_status trace_begin(struct trace *t)
{
	return trace_exec(t, "BEGIN");
}

enum trace_status trace_commit(struct trace *t)
{
	return trace_exec(t, "COMMIT");
}

/* ---- writing ---- */

enum trace_status trace_step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? TRACE_OK : TRACE_ERR_WRITE;
}

enum trace_status trace_step_reset(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? TRACE_OK : TRACE_ERR_WRITE;
}

sqlite3_stmt *trace_prepare(struct trace *t, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(t->db, sql, -1, &st, NULL) != SQLITE_OK)
		return NULL;
	return st;
}

void trace_bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* A list of strings (argv, environ), one row each with its index. */
static enum trace_status put_strings(struct trace *t, const char *sql, char *const *list, int n)
{
	sqlite3_stmt *st = trace_prepare(t, sql);
	if (!st)
		return TRACE_ERR_WRITE;
	enum trace_status s = TRACE_OK;
	for (int i = 0; s == TRACE_OK && i < n; i++) {
		sqlite3_bind_int(st, 1, i);
		sqlite3_bind_text(st, 2, list[i], -1, SQLITE_STATIC); /* stepped before list[i] goes */
		s = trace_step_reset(st);
	}
	sqlite3_finalize(st);
	return s;
}

enum trace_status trace_put_run(struct trace *t, const struct trace_run *r)
{
	sqlite3_stmt *st = trace_prepare(t,
		"INSERT INTO run (id, deja_version, cwd, exe_path, exe_hash, strategy, seed,"
		" run_index, max_steps, started_at, outcome, realtime_start, monotonic_start,"
		" entropy_seed, time) VALUES (1,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	if (!st)
		return TRACE_ERR_WRITE;
	sqlite3_bind_text(st, 1, r->deja_version, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, r->cwd, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, r->exe_path, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, r->exe_hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, r->strategy, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)r->seed);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)r->run_index);
	sqlite3_bind_int64(st, 8, (sqlite3_int64)r->max_steps);
	sqlite3_bind_text(st, 9, r->started_at, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 10, r->outcome ? r->outcome : "incomplete", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 11, r->realtime_start);
	sqlite3_bind_int64(st, 12, r->monotonic_start);
	sqlite3_bind_int64(st, 13, (sqlite3_int64)r->entropy_seed);
	sqlite3_bind_text(st, 14, r->time ? r->time : "virtual", -1, SQLITE_TRANSIENT);
	enum trace_status s = trace_step_done(st);
	if (s == TRACE_OK)
		s = put_strings(t, "INSERT INTO argv (idx, arg) VALUES (?,?)", r->argv, r->argc);
	if (s == TRACE_OK)
		s = put_strings(t, "INSERT INTO environ (idx, var) VALUES (?,?)", r->envp, r->envc);
	return s;
}

enum trace_status trace_put_outcome(struct trace *t, const struct trace_run *r)
{
	sqlite3_stmt *st = trace_prepare(t,
		"UPDATE run SET outcome=?, exit_code=?, signal=?, message=?, outcome_thread=?,"
		" events=?, preemptions=?, switches=?, interrupted=?, final_digest=?, forks=?,"
		" fault_site=?, pid=?, ppid=?, stdio_kinds=? WHERE id=1");
	if (!st)
		return TRACE_ERR_WRITE;
	sqlite3_bind_text(st, 1, r->outcome, -1, SQLITE_TRANSIENT);
	if (r->exit_code >= 0)
		sqlite3_bind_int64(st, 2, r->exit_code);
	else
		sqlite3_bind_null(st, 2);
	if (r->signal > 0)
		sqlite3_bind_int64(st, 3, r->signal);
	else
		sqlite3_bind_null(st, 3);
	trace_bind_text_or_null(st, 4, r->message);
	if (r->outcome_thread >= 0)
		sqlite3_bind_int64(st, 5, r->outcome_thread);
	else
		sqlite3_bind_null(st, 5);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)r->events);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)r->preemptions);
	sqlite3_bind_int64(st, 8, (sqlite3_int64)r->switches);
	sqlite3_bind_int(st, 9, r->interrupted);
	sqlite3_bind_int64(st, 10, (sqlite3_int64)r->final_digest);
	sqlite3_bind_int64(st, 11, (sqlite3_int64)r->forks);
	if (r->fault_site)
		sqlite3_bind_int64(st, 12, (sqlite3_int64)r->fault_site);
	else
		sqlite3_bind_null(st, 12);
	for (int i = 0; i < 2; i++) {
		int64_t id = i == 0 ? r->pid : r->ppid;
		if (id > 0)
			sqlite3_bind_int64(st, 13 + i, id);
		else
			sqlite3_bind_null(st, 13 + i);
	}
	sqlite3_bind_int64(st, 15, r->stdio_kinds);
	return trace_step_done(st);
}

void trace_bind_event(sqlite3_stmt *st, int first, const struct trace_event *e)
{
	const struct deja_event *ev = &e->ev;
	sqlite3_bind_int64(st, first, (sqlite3_int64)ev->seq);
	sqlite3_bind_int64(st, first + 1, ev->thread);
	sqlite3_bind_text(st, first + 2, deja_op_name(ev->op), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, first + 3, ev->object);
	sqlite3_bind_int64(st, first + 4, (sqlite3_int64)ev->object_addr);
	sqlite3_bind_int64(st, first + 5, (sqlite3_int64)ev->arg);
	sqlite3_bind_int64(st, first + 6, ev->result);
	sqlite3_bind_int64(st, first + 7, (sqlite3_int64)ev->site);
	sqlite3_bind_int64(st, first + 8, (sqlite3_int64)ev->vtime);
	sqlite3_bind_int64(st, first + 9, ev->flags);
	sqlite3_bind_int64(st, first + 10, (sqlite3_int64)e->digest);
	sqlite3_bind_int64(st, first + 11, (sqlite3_int64)ev->data);
	sqlite3_bind_int64(st, first + 12, ev->data_len);
	sqlite3_bind_int64(st, first + 13, ev->image);
	sqlite3_bind_int64(st, first + 14, (sqlite3_int64)ev->py_code);
	sqlite3_bind_int64(st, first + 15, ev->py_line);
	sqlite3_bind_int64(st, first + 16, ev->output_seq);
}

enum trace_status trace_put_event(struct trace *t, const struct trace_event *e)
{
	sqlite3_stmt *st = t->put_event;
	trace_bind_event(st, 1, e);
	return trace_step_reset(st);
}

enum trace_status trace_put_thread(struct trace *t, const struct trace_thread *th)
{
	sqlite3_stmt *st = trace_prepare(t,
		"INSERT INTO threads (id, os_tid, start_routine, state, events, ticks, longest_ticks,"
		" longest_dark_ns, stopped_tick, stopped_ip, stopped_regs) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
	if (!st)
		return TRACE_ERR_WRITE;
	sqlite3_bind_int64(st, 1, th->id);
	sqlite3_bind_int64(st, 2, th->os_tid);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)th->start_routine);
	sqlite3_bind_text(st, 4, th->finished ? "finished" : "live", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)th->events);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)th->ticks);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)th->longest_ticks);
	sqlite3_bind_int64(st, 8, (sqlite3_int64)th->longest_dark_ns);
	if (th->stopped_tick != DEJA_NO_TICK)
		sqlite3_bind_int64(st, 9, (sqlite3_int64)th->stopped_tick);
	else
		sqlite3_bind_null(st, 9);
	if (th->stopped_ip) {
		sqlite3_bind_int64(st, 10, (sqlite3_int64)th->stopped_ip);
		sqlite3_bind_int64(st, 11, (sqlite3_int64)th->stopped_regs);
	} else {
		sqlite3_bind_null(st, 10);
		sqlite3_bind_null(st, 11);
	}
	return trace_step_done(st);
}

void trace_bind_wait(sqlite3_stmt *st, int first, const struct trace_wait *w)
{
	sqlite3_bind_int64(st, first, w->thread);
	trace_bind_text_or_null(st, first + 1, w->op);
	sqlite3_bind_int64(st, first + 2, w->object);
	trace_bind_text_or_null(st, first + 3, w->object_kind);
	sqlite3_bind_int64(st, first + 4, (sqlite3_int64)w->object_addr);
	if (w->holder >= 0)
		sqlite3_bind_int64(st, first + 5, w->holder);
	else
		sqlite3_bind_null(st, first + 5);
	sqlite3_bind_int64(st, first + 6, (sqlite3_int64)w->site);
	sqlite3_bind_int64(st, first + 7, w->image);
}

enum trace_status trace_put_wait(struct trace *t, const struct trace_wait *w)
{
	sqlite3_stmt *st = trace_prepare(t,
		"INSERT INTO waits (thread, op, object, object_kind, object_addr, holder, site, image)"
		" VALUES (?,?,?,?,?,?,?,?)");
	if (!st)
		return TRACE_ERR_WRITE;
	trace_bind_wait(st, 1, w);
	return trace_step_done(st);
}

enum trace_status trace_put_module(struct trace *t, uint32_t process, const struct deja_module *m,
				  const char *hash)
{
	sqlite3_stmt *st = trace_prepare(t,
		"INSERT INTO modules (process, image, path, base, lo, hi, hash) VALUES (?,?,?,?,?,?,?)");
	if (!st)
		return TRACE_ERR_WRITE;
	sqlite3_bind_int64(st, 1, process);
	sqlite3_bind_int64(st, 2, m->image);
	sqlite3_bind_text(st, 3, m->path, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)m->base);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)m->lo);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)m->hi);
	trace_bind_text_or_null(st, 7, hash);
	return trace_step_done(st);
}

enum trace_status trace_put_site(struct trace *t, const struct trace_site *s)
{
	sqlite3_stmt *st = trace_prepare(t,
		"INSERT OR REPLACE INTO sites (process, image, address, function, file, line, module)"
		" VALUES (?,?,?,?,?,?,?)");
	if (!st)
		return TRACE_ERR_WRITE;
	sqlite3_bind_int64(st, 1, s->process);
	sqlite3_bind_int64(st, 2, s->image);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)s->address);
	trace_bind_text_or_null(st, 4, s->function);
	trace_bind_text_or_null(st, 5, s->file);
	if (s->line > 0)
		sqlite3_bind_int64(st, 6, s->line);
	else
		sqlite3_bind_null(st, 6);
	trace_bind_text_or_null(st, 7, s->module);
	return trace_step_done(st);
}

enum trace_status trace_put_python_code(struct trace *t, const struct trace_python_code *c)
{
	sqlite3_stmt *st = trace_prepare(t,
		"INSERT OR REPLACE INTO python_code (process, image, code, file, function)"
		" VALUES (?,?,?,?,?)");
	if (!st)
		return TRACE_ERR_WRITE;
	sqlite3_bind_int64(st, 1, c->process);
	sqlite3_bind_int64(st, 2, c->image);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)c->code);
	sqlite3_bind_text(st, 4, c->file ? c->file : "?", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, c->function ? c->function : "?", -1, SQLITE_TRANSIENT);
	return trace_step_done(st);
}

enum trace_status trace_put_history(struct trace *t, const char *command, const char *result)
{
	return trace_put_history_at(t, NULL, command, result);
}

enum trace_status trace_put_history_at(struct trace *t, const char *at, const char *command,
				       const char *result)
{
	sqlite3_stmt *st = trace_prepare(t,
		"INSERT INTO history (at, command, result) VALUES"
		" (COALESCE(?, strftime('%Y-%m-%dT%H:%M:%SZ','now')), ?, ?)");
	if (!st)
		return TRACE_ERR_WRITE;
	trace_bind_text_or_null(st, 1, at);
	sqlite3_bind_text(st, 2, command, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, result, -1, SQLITE_TRANSIENT);
	return trace_step_done(st);
}

/* A finding the trace holds already (the same pair of events, found by a
 * second `deja bisect` of it) is not stored again: `deja show` listed the
 * critical pair once per bisect. */
enum trace_status trace_put_finding(struct trace *t, const struct trace_finding *f)
{
	sqlite3_stmt *st = trace_prepare(t,
		"INSERT INTO findings (kind, first_thread, first_index, first_seq, second_thread,"
		" second_index, second_seq, summary, process)"
		" SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9 WHERE NOT EXISTS (SELECT 1 FROM findings"
		" WHERE kind = ?1 AND first_thread = ?2 AND first_index = ?3 AND second_thread = ?5"
		" AND second_index = ?6 AND process = ?9)");
	if (!st)
		return TRACE_ERR_WRITE;
	sqlite3_bind_text(st, 1, f->kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, f->first_thread);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)f->first_index);
	if (f->first_seq >= 0)
		sqlite3_bind_int64(st, 4, f->first_seq);
	sqlite3_bind_int64(st, 5, f->second_thread);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)f->second_index);
	if (f->second_seq >= 0)
		sqlite3_bind_int64(st, 7, f->second_seq);
	sqlite3_bind_text(st, 8, f->summary, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 9, f->process);
	return trace_step_done(st);
}

enum trace_status trace_put_syscall_data(struct trace *t, uint64_t seq, const void *bytes,
					 uint64_t len)
{
	sqlite3_stmt *st = t->put_data;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)seq);
	sqlite3_bind_blob64(st, 2, bytes, len, SQLITE_STATIC);
	return trace_step_reset(st);
}

enum trace_status trace_put_input(struct trace *t, uint64_t seq, uint64_t last_seq,
				  const char *source, uint64_t offset, uint64_t len)
{
	sqlite3_stmt *st = t->put_input;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)seq);
	sqlite3_bind_text(st, 2, source, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)offset);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)len);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)last_seq);
	return trace_step_reset(st);
}
