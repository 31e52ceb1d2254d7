/*
 * test_tree_scripts.c: a run's processes found again in another run by
 * their identity (fork indexes from the top down), whatever numbers the
 * other run gave them; each process's switches; the busiest process; and
 * the scripts a trial runs with, the focus's replaced by the candidate.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "scratch_dir.h"
#include "tree_scripts.h"

/* One event of a process: thread t, preempting when asked. */
static void put_event(struct trace *t, uint32_t process, uint64_t seq, uint32_t thread,
		      bool preempt)
{
	struct trace_event e = { .ev = { .seq = seq, .thread = thread, .op = DEJA_OP_YIELD,
					 .flags = (uint16_t)((seq ? DEJA_EVENT_SWITCH : 0) |
							     (preempt ? DEJA_EVENT_PREEMPT : 0)) } };
	if (process == 0)
		assert_int_equal(trace_put_event(t, &e), TRACE_OK);
	else
		assert_int_equal(trace_put_process_event(t, process, &e), TRACE_OK);
}

/* A run: the top process forks #0 and #1; #1 forks #0 of its own, which
 * has two threads and a preemption.  `swapped` numbers the top's two
 * children the other way round, as a run where #1 asked first would. */
static void write_run(const char *path, bool swapped)
{
	struct trace *t;
	char err[256];
	assert_int_equal(trace_create(path, &t, err, sizeof(err)), TRACE_OK);
	char *argv[] = { "sh", NULL };
	struct trace_run run = { .deja_version = "test", .cwd = "/", .exe_path = "/bin/sh",
				 .exe_hash = "0", .strategy = "random", .started_at = "now",
				 .argv = argv, .argc = 1 };
	assert_int_equal(trace_put_run(t, &run), TRACE_OK);
	assert_int_equal(trace_begin(t), TRACE_OK);
	uint32_t first = swapped ? 2 : 1, second = swapped ? 1 : 2;
	struct trace_process p[] = {
		{ .id = 0, .parent = -1, .fork_index = -1, .outcome = "exit" },
		{ .id = first, .parent = 0, .fork_index = 0, .outcome = "exit" },
		{ .id = second, .parent = 0, .fork_index = 1, .outcome = "exit" },
		{ .id = 3, .parent = second, .fork_index = 0, .outcome = "exit" },
	};
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(trace_put_process(t, &p[i]), TRACE_OK);
	put_event(t, 0, 0, 0, false);
	put_event(t, 3, 0, 0, false);
	put_event(t, 3, 1, 1, true);
	put_event(t, 3, 2, 0, false);
	assert_int_equal(trace_commit(t), TRACE_OK);
	run.outcome = "exit";
	assert_int_equal(trace_put_outcome(t, &run), TRACE_OK);
	trace_close(t);
}

static struct trace *open_run(const char *name, bool swapped)
{
	const char *path = scratch_path(name);
	write_run(path, swapped);
	struct trace *t;
	char err[256];
	assert_int_equal(trace_open(path, false, &t, err, sizeof(err)), TRACE_OK);
	return t;
}

static void a_process_is_found_by_its_identity(void **state)
{
	(void)state;
	struct trace *a = open_run("a.deja", false), *b = open_run("b.deja", true);
	uint32_t busiest;
	assert_int_equal(tree_busiest_process(a, &busiest), 0);
	assert_int_equal(busiest, 3); /* the only one with a preemption */
	struct tree_scripts ts;
	assert_int_equal(tree_scripts_load(a, 2, &ts), 0);
	assert_int_equal(ts.depth, 1);
	assert_int_equal(ts.path[0], 1); /* the top's fork #1 */
	uint32_t found;
	assert_int_equal(tree_scripts_find(&ts, b, &found), 0);
	assert_int_equal(found, 1); /* numbered 1 in the other run */
	tree_scripts_free(&ts);
	assert_int_equal(tree_scripts_load(a, 3, &ts), 0);
	assert_int_equal(ts.depth, 2);
	assert_int_equal(ts.path[0], 1);
	assert_int_equal(ts.path[1], 0);
	assert_int_equal(tree_scripts_find(&ts, b, &found), 0);
	assert_int_equal(found, 3);
	assert_int_equal(ts.nchildren, 3);
	tree_scripts_free(&ts);
	assert_int_equal(tree_scripts_load(a, 7, &ts), -2); /* no process 7 */
	trace_close(a);
	trace_close(b);
}

static void a_trial_varies_the_focus_alone(void **state)
{
	(void)state;
	struct trace *a = open_run("c.deja", false);
	struct tree_scripts ts;
	assert_int_equal(tree_scripts_load(a, 3, &ts), 0);
	const struct process_script *rec = NULL;
	for (size_t i = 0; i < ts.nchildren; i++)
		if (ts.children[i].process == 3)
			rec = &ts.children[i];
	assert_non_null(rec);
	assert_int_equal(rec->parent, 2);
	assert_int_equal(rec->fork_index, 0);
	assert_int_equal(rec->len, 2); /* its two switches: to thread 1 and back */
	struct deja_script_entry cand = { .thread = 0, .after = 1, .to = 1 };
	const struct deja_script_entry *top;
	uint64_t ntop;
	struct process_script *children;
	size_t n;
	assert_int_equal(tree_scripts_for(&ts, &cand, 1, &top, &ntop, &children, &n), 0);
	assert_ptr_equal(top, ts.top); /* the top process as recorded */
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++) {
		bool focus = children[i].process == 3;
		assert_true(focus ? children[i].script == &cand && children[i].len == 1
				  : children[i].script == ts.children[i].script);
	}
	free(children);
	tree_scripts_free(&ts);
	trace_close(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_process_is_found_by_its_identity),
		cmocka_unit_test(a_trial_varies_the_focus_alone),
	};
	return cmocka_run_group_tests(tests, scratch_dir_make, scratch_dir_remove);
}
