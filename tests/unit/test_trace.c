/*
 * test_trace.c: the trace file: a full round trip through every table,
 * the file's identity checks, and files that are not (good) traces.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "scratch_dir.h"
#include "trace.h"

static void write_sample(const char *path, uint64_t nevents)
{
	struct trace *t;
	char err[256];
	assert_int_equal(trace_create(path, &t, err, sizeof(err)), TRACE_OK);
	char *argv[] = { "prog", "--flag", "a b", NULL };
	struct trace_run run = {
		.deja_version = "test", .cwd = "/w", .exe_path = "/w/prog",
		.exe_hash = "0123456789abcdef", .strategy = "random:50", .started_at = "now",
		.argv = argv, .argc = 3, .seed = 99, .run_index = 4, .max_steps = 1000,
	};
	assert_int_equal(trace_put_run(t, &run), TRACE_OK);
	assert_int_equal(trace_begin(t), TRACE_OK);
	for (uint64_t i = 0; i < nevents; i++) {
		struct trace_event e = { .ev = { .seq = i, .thread = (uint32_t)(i % 3),
						 .op = DEJA_OP_MUTEX_UNLOCK, .object = 1,
						 .result = -(int64_t)i, .site = 0x400000 + i,
						 .flags = (uint16_t)(i & 1),
						 .image = i >= nevents / 2, /* an exec halfway */
						 /* a Python line on odd events */
						 .py_code = i & 1 ? 0x7fffe0001000ull + i : 0,
						 .py_line = (uint32_t)(i & 1) * (uint32_t)(i % 50) },
					 .digest = 0xfedcba9876543210ull ^ i };
		assert_int_equal(trace_put_event(t, &e), TRACE_OK);
	}
	assert_int_equal(trace_commit(t), TRACE_OK);
	run.outcome = "deadlock";
	run.exit_code = -1;
	run.message = "no thread can run";
	run.outcome_thread = 2;
	run.events = nevents;
	run.preemptions = 5;
	trace_put_outcome(t, &run);
	/* Threads with their coverage; thread 1 stood at a tick at the end. */
	struct trace_thread th0 = { .id = 0, .os_tid = 100, .events = 7, .ticks = 0,
				    .longest_dark_ns = 250000000, .stopped_tick = DEJA_NO_TICK };
	struct trace_thread th1 = { .id = 1, .os_tid = 101, .start_routine = 0x401000,
				    .finished = true, .events = 3, .ticks = 2002,
				    .longest_ticks = 1372, .stopped_tick = 1500 };
	assert_int_equal(trace_put_thread(t, &th0), TRACE_OK);
	assert_int_equal(trace_put_thread(t, &th1), TRACE_OK);
	struct trace_wait w = { .thread = 1, .op = "mutex_lock", .object = 1,
				.object_kind = "mutex", .holder = 2, .site = 0x400010, .image = 1 };
	assert_int_equal(trace_put_wait(t, &w), TRACE_OK);
	/* One address in three images: the top process's two, and a child's. */
	struct trace_site s[] = {
		{ .process = 1, .image = 0, .address = 0x400010, .function = "child_work" },
		{ .process = 0, .image = 1, .address = 0x400010, .function = "worker",
		  .file = "w.c", .line = 12 },
		{ .process = 0, .image = 0, .address = 0x400010, .function = "shell_work" },
	};
	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		assert_int_equal(trace_put_site(t, &s[i]), TRACE_OK);
	struct deja_module m[] = {
		{ .base = 0x400000, .lo = 0x400000, .hi = 0x500000, .image = 0, .path = "/bin/sh" },
		{ .base = 0x400000, .lo = 0x400000, .hi = 0x480000, .image = 1, .path = "/w/prog" },
	};
	assert_int_equal(trace_put_module(t, 0, &m[0], "00000000000000aa"), TRACE_OK);
	assert_int_equal(trace_put_module(t, 0, &m[1], "00000000000000bb"), TRACE_OK);
	assert_int_equal(trace_put_module(t, 1, &m[1], "00000000000000bb"), TRACE_OK);
	/* Python code names: one code key in two images, and in a child. */
	struct trace_python_code py[] = {
		{ .process = 1, .image = 0, .code = 0x7fffe0001001ull, .file = "/w/child.py",
		  .function = "child" },
		{ .process = 0, .image = 1, .code = 0x7fffe0001001ull, .file = "/w/b.py",
		  .function = "B.run" },
		{ .process = 0, .image = 0, .code = 0x7fffe0001001ull, .file = "/w/a.py",
		  .function = "<module>" },
	};
	for (size_t i = 0; i < sizeof(py) / sizeof(py[0]); i++)
		assert_int_equal(trace_put_python_code(t, &py[i]), TRACE_OK);
	trace_close(t);
}

static void round_trip_keeps_everything(void **state)
{
	(void)state;
	const char *path = scratch_path("round.deja");
	write_sample(path, 20000);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	struct trace *t;
	char err[256];
	assert_int_equal(trace_open(path, false, &t, err, sizeof(err)), TRACE_OK);
	struct trace_run run;
	assert_int_equal(trace_get_run(t, &run), TRACE_OK);
	assert_int_equal(run.argc, 3);
	assert_string_equal(run.argv[2], "a b");
	assert_string_equal(run.strategy, "random:50");
	assert_int_equal(run.seed, 99);
	assert_int_equal(run.run_index, 4);
	assert_string_equal(run.outcome, "deadlock");
	assert_int_equal(run.exit_code, -1);
	assert_int_equal(run.outcome_thread, 2);
	assert_int_equal(run.preemptions, 5);
	assert_int_equal(run.image, 1); /* the last event's */
	trace_run_free(&run);

	struct trace_event e;
	uint64_t n = 0;
	while (trace_next_event(t, &e) == 1) {
		assert_int_equal(e.ev.seq, n);
		assert_int_equal(e.ev.thread, n % 3);
		assert_int_equal(e.ev.op, DEJA_OP_MUTEX_UNLOCK);
		assert_int_equal(e.ev.result, -(int64_t)n);
		assert_int_equal(e.digest, 0xfedcba9876543210ull ^ n);
		assert_int_equal(e.ev.image, n >= 10000);
		assert_int_equal(e.ev.py_code, n & 1 ? 0x7fffe0001000ull + n : 0);
		assert_int_equal(e.ev.py_line, (n & 1) * (n % 50));
		n++;
	}
	assert_int_equal(n, 20000);

	struct trace_python_code *py;
	size_t npy;
	assert_int_equal(trace_get_python_codes(t, &py, &npy), TRACE_OK);
	assert_int_equal(npy, 3); /* by process, image, code */
	assert_string_equal(py[0].file, "/w/a.py");
	assert_string_equal(py[0].function, "<module>");
	assert_int_equal(py[1].image, 1);
	assert_string_equal(py[1].function, "B.run");
	assert_int_equal(py[2].process, 1);
	assert_int_equal(py[2].code, 0x7fffe0001001ull);
	trace_python_codes_free(py, npy);

	struct trace_thread *th;
	size_t nth;
	assert_int_equal(trace_get_threads(t, &th, &nth), TRACE_OK);
	assert_int_equal(nth, 2);
	assert_int_equal(th[0].events, 7);
	assert_int_equal(th[0].ticks, 0);
	assert_int_equal(th[0].longest_dark_ns, 250000000);
	assert_true(th[0].stopped_tick == DEJA_NO_TICK);
	assert_true(th[1].finished);
	assert_int_equal(th[1].ticks, 2002);
	assert_int_equal(th[1].longest_ticks, 1372);
	assert_int_equal(th[1].stopped_tick, 1500);
	free(th);

	struct trace_wait *w;
	size_t nw;
	assert_int_equal(trace_get_waits(t, &w, &nw), TRACE_OK);
	assert_int_equal(nw, 1);
	assert_int_equal(w[0].holder, 2);
	assert_string_equal(w[0].op, "mutex_lock");
	assert_int_equal(w[0].image, 1);
	trace_waits_free(w, nw);
	struct trace_site *s;
	size_t ns;
	assert_int_equal(trace_get_sites(t, &s, &ns), TRACE_OK);
	assert_int_equal(ns, 3); /* by process, then image */
	assert_string_equal(s[0].function, "shell_work");
	assert_string_equal(s[1].function, "worker");
	assert_int_equal(s[1].line, 12);
	assert_int_equal(s[1].image, 1);
	assert_string_equal(s[2].function, "child_work");
	assert_int_equal(s[2].process, 1);
	trace_sites_free(s, ns);
	struct deja_module *m;
	size_t nm;
	assert_int_equal(trace_get_modules(t, 0, 1, &m, &nm), TRACE_OK);
	assert_int_equal(nm, 1);
	assert_string_equal(m[0].path, "/w/prog");
	assert_int_equal(m[0].hi, 0x480000);
	assert_int_equal(m[0].image, 1);
	free(m);
	/* The wait's site, with its image (the events' are the recorder's
	 * to gather: test_site_set). */
	struct trace_site_key *k;
	size_t nk;
	assert_int_equal(trace_get_site_addresses(t, false, &k, &nk), TRACE_OK);
	assert_int_equal(nk, 1);
	assert_int_equal(k[0].image, 1);
	free(k);
	struct trace_module_file *f;
	size_t nf;
	assert_int_equal(trace_get_module_files(t, &f, &nf), TRACE_OK);
	assert_int_equal(nf, 2); /* /w/prog once, though two processes loaded it */
	trace_module_files_free(f, nf);
	trace_close(t);
}

static void create_refuses_an_existing_file(void **state)
{
	(void)state;
	const char *path = scratch_path("exists.deja");
	int fd = open(path, O_CREAT | O_WRONLY, 0600);
	close(fd);
	struct trace *t;
	char err[256];
	assert_int_equal(trace_create(path, &t, err, sizeof(err)), TRACE_ERR_OPEN);
}

/* A recording claims its trace's file before it starts the program and
 * creates the trace in it meanwhile: the claim refuses what exists, and
 * the trace made in the claimed file opens as any other. */
static void reserved_file_takes_the_trace(void **state)
{
	(void)state;
	const char *path = scratch_path("reserved.deja");
	char err[256];
	assert_int_equal(trace_reserve(path, err, sizeof(err)), TRACE_OK);
	assert_int_equal(trace_reserve(path, err, sizeof(err)), TRACE_ERR_OPEN);
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	struct trace *t;
	assert_int_equal(trace_create_reserved(path, &t, err, sizeof(err)), TRACE_OK);
	assert_int_equal(trace_seal(t), TRACE_OK);
	trace_close(t);
	assert_int_equal(trace_open(path, false, &t, err, sizeof(err)), TRACE_OK);
	trace_close(t);
}

static enum trace_status open_status(const char *path)
{
	struct trace *t = NULL;
	char err[256] = "";
	enum trace_status s = trace_open(path, false, &t, err, sizeof(err));
	if (s == TRACE_OK)
		trace_close(t);
	else
		assert_true(err[0] != '\0'); /* always a message */
	return s;
}

static void write_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	fclose(f);
}

static void bad_files_are_named_as_such(void **state)
{
	(void)state;
	assert_int_equal(open_status(scratch_path("missing.deja")), TRACE_ERR_OPEN);
	const char *text = scratch_path("text.deja");
	write_file(text, "hello, this is not a database\n", 30);
	assert_int_equal(open_status(text), TRACE_ERR_NOT_TRACE);
	const char *empty = scratch_path("empty.deja");
	write_file(empty, "", 0);
	assert_int_not_equal(open_status(empty), TRACE_OK);
	/* An SQLite database that is not a trace. */
	const char *foreign = scratch_path("foreign.db");
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "sqlite3 %s 'CREATE TABLE x(y);'", foreign);
	if (system(cmd) == 0)
		assert_int_equal(open_status(foreign), TRACE_ERR_NOT_TRACE);
	/* A trace of another version. */
	const char *old = scratch_path("old.deja");
	write_sample(old, 10);
	snprintf(cmd, sizeof(cmd), "sqlite3 %s 'PRAGMA user_version=99;'", old);
	if (system(cmd) == 0)
		assert_int_equal(open_status(old), TRACE_ERR_VERSION);
}

static void truncation_is_detected(void **state)
{
	(void)state;
	const char *path = scratch_path("trunc.deja");
	write_sample(path, 50000);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(truncate(path, st.st_size / 2), 0);
	enum trace_status s = open_status(path);
	assert_true(s == TRACE_ERR_CORRUPT || s == TRACE_ERR_NOT_TRACE);
}

/* The notebook: history rows come back in time order whatever order they
 * were written in (shrink copies an older trace's rows after its own run's
 * row), and a finding keeps its events, a missing seq as -1. */
static void notebook_round_trip(void **state)
{
	(void)state;
	char *path = scratch_path("notebook.deja");
	write_sample(path, 4);
	struct trace *t;
	char err[256];
	assert_int_equal(trace_open(path, true, &t, err, sizeof(err)), TRACE_OK);
	assert_int_equal(trace_put_history(t, "deja bisect x", "pair"), TRACE_OK);
	assert_int_equal(trace_put_history_at(t, "2000-01-01T00:00:00Z", "record (old)", "signal"),
			 TRACE_OK);
	struct trace_finding f = { .kind = "critical_pair", .first_thread = 1, .first_index = 3,
				   .first_seq = 7, .second_thread = 0, .second_index = 4,
				   .second_seq = -1, .summary = "a before b", .process = 2 };
	assert_int_equal(trace_put_finding(t, &f), TRACE_OK);
	trace_close(t);
	assert_int_equal(trace_open(path, false, &t, err, sizeof(err)), TRACE_OK);
	struct trace_history *h;
	size_t nh;
	assert_int_equal(trace_get_history(t, &h, &nh), TRACE_OK);
	assert_int_equal(nh, 2);
	assert_string_equal(h[0].command, "record (old)");
	assert_string_equal(h[0].at, "2000-01-01T00:00:00Z");
	assert_string_equal(h[1].command, "deja bisect x");
	assert_string_equal(h[1].result, "pair");
	trace_history_free(h, nh);
	struct trace_finding *got;
	size_t nf;
	assert_int_equal(trace_get_findings(t, &got, &nf), TRACE_OK);
	assert_int_equal(nf, 1);
	assert_string_equal(got[0].kind, "critical_pair");
	assert_int_equal(got[0].process, 2);
	assert_int_equal(got[0].first_thread, 1);
	assert_int_equal(got[0].first_index, 3);
	assert_int_equal(got[0].first_seq, 7);
	assert_int_equal(got[0].second_thread, 0);
	assert_int_equal(got[0].second_index, 4);
	assert_int_equal(got[0].second_seq, -1);
	assert_string_equal(got[0].summary, "a before b");
	trace_findings_free(got, nf);
	trace_close(t);
}

/* Processes: the table, a child's own event stream and its feed, kept
 * apart from the top process's events and from another child's. */
static void processes_round_trip(void **state)
{
	(void)state;
	char *path = scratch_path("processes.deja");
	write_sample(path, 4);
	struct trace *t;
	char err[256];
	assert_int_equal(trace_open(path, true, &t, err, sizeof(err)), TRACE_OK);
	assert_int_equal(trace_begin(t), TRACE_OK);
	struct trace_process top = { .id = 0, .parent = -1, .fork_index = -1, .pid = 100,
				     .ppid = 1, .outcome = "exit", .exit_code = 0, .events = 4 };
	struct trace_process child = { .id = 1, .parent = 0, .fork_index = 2, .pid = 101,
				       .ppid = 100, .outcome = "signal", .exit_code = -1,
				       .signal = 11, .message = "boom", .events = 3,
				       .python_codes_dropped = 7 };
	assert_int_equal(trace_put_process(t, &top), TRACE_OK);
	assert_int_equal(trace_put_process(t, &child), TRACE_OK);
	for (uint32_t process = 1; process <= 2; process++) {
		for (uint64_t i = 0; i < 3; i++) {
			struct trace_event e = {
				.ev = { .seq = i, .thread = process, .op = i == 1 ? DEJA_OP_SYSCALL
									       : DEJA_OP_FORK,
					.arg = i, .result = (int64_t)(10 * process + i),
					/* process 2's event says one byte more than
					 * its row has: a damaged trace */
					.data_len = i == 1 ? 1 + process : 0,
					.py_code = 0x1000 * process, .py_line = (uint32_t)i },
				.digest = 1000 * process + i };
			assert_int_equal(trace_put_process_event(t, process, &e), TRACE_OK);
		}
		char bytes[2] = { 'a', (char)('0' + process) };
		assert_int_equal(trace_put_process_data(t, process, 1, bytes, 2), TRACE_OK);
	}
	assert_int_equal(trace_commit(t), TRACE_OK);
	trace_close(t);
	assert_int_equal(trace_open(path, false, &t, err, sizeof(err)), TRACE_OK);
	struct trace_process *p;
	size_t n;
	assert_int_equal(trace_get_processes(t, &p, &n), TRACE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(p[0].parent, -1);
	assert_int_equal(p[0].fork_index, -1);
	assert_int_equal(p[1].parent, 0);
	assert_int_equal(p[1].fork_index, 2);
	assert_int_equal(p[1].pid, 101);
	assert_int_equal(p[1].exit_code, -1);
	assert_int_equal(p[1].signal, 11);
	assert_string_equal(p[1].outcome, "signal");
	assert_string_equal(p[1].message, "boom");
	assert_int_equal(p[0].python_codes_dropped, 0);
	assert_int_equal(p[1].python_codes_dropped, 7);
	trace_processes_free(p, n);
	struct trace_event *ev;
	assert_int_equal(trace_get_process_events(t, 2, &ev, &n), TRACE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(ev[2].ev.op, DEJA_OP_FORK);
	assert_int_equal(ev[2].ev.result, 22);
	assert_int_equal(ev[2].digest, 2002);
	assert_int_equal(ev[2].ev.py_code, 0x2000);
	assert_int_equal(ev[2].ev.py_line, 2);
	free(ev);
	struct deja_feed *feed;
	uint64_t count, len;
	uint8_t *bytes;
	assert_int_equal(trace_get_process_events(t, 1, &ev, &n), TRACE_OK);
	assert_int_equal(trace_get_feed(t, 1, ev, n, &feed, &count, &bytes, &len), TRACE_OK);
	free(ev);
	assert_int_equal(count, 1);
	assert_int_equal(feed[0].seq, 1);
	assert_int_equal(feed[0].result, 11);
	assert_int_equal(len, 2);
	assert_memory_equal(bytes, "a1", 2);
	assert_int_equal(feed[0].nr, 1); /* a syscall's entry names it (its arg) */
	free(feed);
	free(bytes);
	assert_int_equal(trace_get_process_events(t, 2, &ev, &n), TRACE_OK);
	assert_int_equal(trace_get_feed(t, 2, ev, n, &feed, &count, &bytes, &len),
			 TRACE_ERR_CORRUPT);
	assert_null(feed);
	assert_null(bytes);
	free(ev);
	/* The top process's events are its own. */
	struct trace_event e;
	uint64_t top_events = 0;
	while (trace_next_event(t, &e) == 1)
		top_events++;
	assert_int_equal(top_events, 4);
	trace_close(t);
}

/* A child's wait-for graph: its own rows, kept apart from the top
 * process's waits and from another child's. */
static void process_waits_round_trip(void **state)
{
	(void)state;
	char *path = scratch_path("process_waits.deja");
	write_sample(path, 2);
	struct trace *t;
	char err[256];
	assert_int_equal(trace_open(path, true, &t, err, sizeof(err)), TRACE_OK);
	assert_int_equal(trace_begin(t), TRACE_OK);
	const struct trace_wait join = { .thread = 0, .op = "join", .object_kind = "thread",
					 .holder = 1, .site = 0x1234 };
	const struct trace_wait lock = { .thread = 1, .op = "mutex_lock", .object = 7,
					 .object_kind = "mutex", .object_addr = 0x4040,
					 .holder = 0, .site = 0x5678 };
	const struct trace_wait sem = { .thread = 3, .op = "sem_wait", .object = 2,
					.object_kind = "sem", .holder = -1, .site = 0x9abc };
	assert_int_equal(trace_put_process_wait(t, 1, &lock), TRACE_OK);
	assert_int_equal(trace_put_process_wait(t, 1, &join), TRACE_OK);
	assert_int_equal(trace_put_process_wait(t, 2, &sem), TRACE_OK);
	assert_int_equal(trace_commit(t), TRACE_OK);
	trace_close(t);
	assert_int_equal(trace_open(path, false, &t, err, sizeof(err)), TRACE_OK);
	struct trace_wait *w;
	size_t n;
	assert_int_equal(trace_get_process_waits(t, 1, &w, &n), TRACE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(w[0].thread, 0); /* by thread */
	assert_string_equal(w[0].op, "join");
	assert_string_equal(w[0].object_kind, "thread");
	assert_int_equal(w[0].holder, 1);
	assert_int_equal(w[1].object, 7);
	assert_int_equal(w[1].object_addr, 0x4040);
	assert_int_equal(w[1].site, 0x5678);
	trace_waits_free(w, n);
	assert_int_equal(trace_get_process_waits(t, 2, &w, &n), TRACE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(w[0].holder, -1);
	trace_waits_free(w, n);
	assert_int_equal(trace_get_process_waits(t, 3, &w, &n), TRACE_OK);
	assert_int_equal(n, 0);
	trace_waits_free(w, n);
	assert_int_equal(trace_get_waits(t, &w, &n), TRACE_OK);
	assert_int_equal(n, 1); /* the top process's own, from write_sample */
	assert_int_equal(w[0].object, 1);
	trace_waits_free(w, n);
	trace_close(t);
}

/* Escapes: every column back, a process deja did not follow as NULL,
 * and the escape rows before the expected kinds. */
static void escapes_round_trip(void **state)
{
	(void)state;
	char *path = scratch_path("escapes.deja");
	write_sample(path, 2);
	struct trace *t;
	char err[256];
	assert_int_equal(trace_open(path, true, &t, err, sizeof(err)), TRACE_OK);
	assert_int_equal(trace_begin(t), TRACE_OK);
	struct trace_escape loader = { .pid = 100, .tid = 100, .process = 0, .kind = "loader",
				       .syscall = "openat", .nr = 257, .klass = "emulate",
				       .count = 3, .first_ip = 0x7ffff7fea000, .first_us = 9 };
	struct trace_escape unfollowed = { .pid = 105, .tid = 106, .process = -1,
					   .kind = "escape", .syscall = NULL, .nr = 999,
					   .klass = "unknown", .count = 1, .first_ip = 0x401000,
					   .first_us = 1234 };
	assert_int_equal(trace_put_escape(t, &loader), TRACE_OK);
	assert_int_equal(trace_put_escape(t, &unfollowed), TRACE_OK);
	assert_int_equal(trace_commit(t), TRACE_OK);
	trace_close(t);
	assert_int_equal(trace_open(path, false, &t, err, sizeof(err)), TRACE_OK);
	struct trace_escape *e;
	size_t n;
	assert_int_equal(trace_get_escapes(t, &e, &n), TRACE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(e[0].kind, "escape");
	assert_int_equal(e[0].process, -1);
	assert_null(e[0].syscall);
	assert_int_equal(e[0].nr, 999);
	assert_int_equal(e[0].tid, 106);
	assert_int_equal(e[0].first_us, 1234);
	assert_string_equal(e[1].kind, "loader");
	assert_string_equal(e[1].syscall, "openat");
	assert_string_equal(e[1].klass, "emulate");
	assert_int_equal(e[1].process, 0);
	assert_int_equal(e[1].count, 3);
	assert_int_equal(e[1].first_ip, 0x7ffff7fea000);
	trace_escapes_free(e, n);
	trace_close(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip_keeps_everything),
		cmocka_unit_test(notebook_round_trip),
		cmocka_unit_test(processes_round_trip),
		cmocka_unit_test(process_waits_round_trip),
		cmocka_unit_test(escapes_round_trip),
		cmocka_unit_test(create_refuses_an_existing_file),
		cmocka_unit_test(reserved_file_takes_the_trace),
		cmocka_unit_test(bad_files_are_named_as_such),
		cmocka_unit_test(truncation_is_detected),
	};
	return cmocka_run_group_tests(tests, scratch_dir_make, scratch_dir_remove);
}
