/*
 * test_describe.c: the Python line an event is described with
 * (describe_python, describe_event): the code object's names are found
 * by process, image and code, the file is cut to its base name unless
 * the full path is asked for, and an event without a line says nothing;
 * and the hint a parallel replay's difference gets (a raw futex, an
 * event CPython made, another path of the same thread).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "describe.h"

/* Ordered as trace_get_python_codes gives them: process, image, code. */
static struct trace_python_code codes[] = {
	{ .process = 0, .image = 0, .code = 0x1000, .file = "/srv/app/race.py",
	  .function = "withdraw" },
	{ .process = 0, .image = 0, .code = 0x2000, .file = "race.py", .function = "enough" },
	{ .process = 0, .image = 1, .code = 0x1000, .file = "/srv/app/other.py",
	  .function = "Worker.run" },
	{ .process = 2, .image = 0, .code = 0x1000, .file = "/srv/app/child.py",
	  .function = "<module>" },
};

static const struct site_table table = { .python = codes,
					 .npython = sizeof(codes) / sizeof(codes[0]) };

static void names_the_line(void **state)
{
	(void)state;
	struct deja_event ev = { .thread = 1, .py_code = 0x1000, .py_line = 9 };
	char buf[128];
	assert_true(describe_python(&table, 0, &ev, false, buf, sizeof(buf)));
	assert_string_equal(buf, "race.py:9 in withdraw");
	assert_true(describe_python(&table, 0, &ev, true, buf, sizeof(buf)));
	assert_string_equal(buf, "/srv/app/race.py:9 in withdraw");
	ev.py_code = 0x2000;
	ev.py_line = 5;
	assert_true(describe_python(&table, 0, &ev, false, buf, sizeof(buf)));
	assert_string_equal(buf, "race.py:5 in enough");
}

static void by_process_and_image(void **state)
{
	(void)state;
	struct deja_event ev = { .py_code = 0x1000, .py_line = 3, .image = 1 };
	char buf[128];
	assert_true(describe_python(&table, 0, &ev, false, buf, sizeof(buf)));
	assert_string_equal(buf, "other.py:3 in Worker.run");
	ev.image = 0;
	assert_true(describe_python(&table, 2, &ev, false, buf, sizeof(buf)));
	assert_string_equal(buf, "child.py:3 in <module>");
	/* A code object its process never named (met before a fork). */
	assert_true(describe_python(&table, 1, &ev, false, buf, sizeof(buf)));
	assert_string_equal(buf, "?:3");
	assert_null(python_code_find(&table, 0, 0, 0x3000));
	assert_null(python_code_find(NULL, 0, 0, 0x1000));
}

static void no_line_no_words(void **state)
{
	(void)state;
	struct deja_event ev = { .thread = 2, .op = DEJA_OP_YIELD, .py_code = 0x1000 };
	char buf[128] = "x";
	assert_false(describe_python(&table, 0, &ev, false, buf, sizeof(buf)));
	assert_string_equal(buf, "");
	describe_event(&table, 0, &ev, buf, sizeof(buf));
	assert_string_equal(buf, "thread 2 yield() at -");
	ev.py_line = 10;
	describe_event(&table, 0, &ev, buf, sizeof(buf));
	assert_string_equal(buf, "thread 2 yield() at - [race.py:10 in withdraw]");
}

/* A parallel replay that differs at a raw futex operation (GLib's, Rust's
 * std::sync, the JVM's locks) says what that likely means; one where a
 * thread's own next event differs says it took another path; one where
 * another thread's event came says nothing. */
static void futex_differences_say_why(void **state)
{
	(void)state;
	struct deja_event wait = { .op = DEJA_OP_FUTEX_WAIT }, lock = { .op = DEJA_OP_MUTEX_LOCK },
			  exit_ev = { .op = DEJA_OP_THREAD_EXIT },
			  other = { .op = DEJA_OP_THREAD_EXIT, .thread = 1 };
	assert_non_null(strstr(describe_memory_lock_hint(NULL, 0, &wait, &exit_ev),
			       "serialised strategy"));
	assert_non_null(strstr(describe_memory_lock_hint(NULL, 0, &exit_ev, &wait), "raw futex"));
	assert_non_null(strstr(describe_memory_lock_hint(NULL, 0, &lock, &exit_ev), "another path"));
	assert_string_equal(describe_memory_lock_hint(NULL, 0, &lock, &other), "");
}

/* Sites as trace_get_sites orders them: process, image, address. */
static struct trace_site sites[] = {
	{ .process = 0, .image = 0, .address = 0x7000, .function = "main", .module = "app" },
	{ .process = 0, .image = 0, .address = 0x4f9317, .module = "python3.11" },
	{ .process = 0, .image = 0, .address = 0x634395, .module = "/usr/bin/python3.11" },
	{ .process = 1, .image = 0, .address = 0x5000, .module = "libpython3.11.so.1.0" },
};

/* A parallel replay of CPython that differs at one of its GIL's mutexes
 * (a sweep's clock-reading threads did, with nothing said why) says that
 * the GIL is handed over through memory too; a C program's mutex does
 * not. */
static void cpython_differences_say_why(void **state)
{
	(void)state;
	const struct site_table tab = { .sites = sites, .n = sizeof(sites) / sizeof(sites[0]) };
	struct deja_event gil = { .op = DEJA_OP_MUTEX_LOCK, .site = 0x4f9317 },
			  drop = { .op = DEJA_OP_MUTEX_LOCK, .site = 0x634395, .thread = 1 },
			  app = { .op = DEJA_OP_MUTEX_LOCK, .site = 0x7000 },
			  app1 = { .op = DEJA_OP_MUTEX_LOCK, .site = 0x7000, .thread = 1 },
			  child = { .op = DEJA_OP_MUTEX_LOCK, .site = 0x5000 },
			  gil1 = { .op = DEJA_OP_MUTEX_LOCK, .site = 0x4f9317, .thread = 1 };
	assert_non_null(strstr(describe_memory_lock_hint(&tab, 0, &gil, &drop), "GIL"));
	assert_non_null(strstr(describe_memory_lock_hint(&tab, 0, &app, &drop), "serialised"));
	assert_non_null(strstr(describe_memory_lock_hint(&tab, 1, &child, &child), "CPython"));
	assert_string_equal(describe_memory_lock_hint(&tab, 0, &app, &app1), "");
	assert_string_equal(describe_memory_lock_hint(&tab, 1, &gil, &gil1), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_the_line),
		cmocka_unit_test(cpython_differences_say_why),
		cmocka_unit_test(by_process_and_image),
		cmocka_unit_test(no_line_no_words),
		cmocka_unit_test(futex_differences_say_why),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
