/*
 * test_own_code.c: which code locations `deja bisect` counts as the
 * program's own (cli/own_code.h): the program's Python files and its
 * executable, not the standard library, installed packages, deja's hook,
 * frozen modules or shared libraries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "own_code.h"

static void python_files(void **state)
{
	(void)state;
	assert_true(own_python_file("/home/ann/shop/shop.py"));
	assert_true(own_python_file("/tmp/x/py_shop_race.py"));
	assert_true(own_python_file("shop.py"));
	assert_false(own_python_file("/usr/lib/python3.11/threading.py"));
	assert_false(own_python_file("/usr/lib/python3.11/concurrent/futures/thread.py"));
	assert_false(own_python_file("/opt/py/lib64/python3.12/queue.py"));
	assert_false(own_python_file("/home/ann/venv/lib/python3.11/site-packages/req/api.py"));
	assert_false(own_python_file("/usr/lib/python3/dist-packages/apt/cache.py"));
	assert_false(own_python_file("/work/deja/build/lib/deja/python/sitecustomize.py"));
	assert_false(own_python_file("<frozen importlib._bootstrap>"));
	assert_false(own_python_file(""));
	assert_false(own_python_file(NULL));
}

static void native_modules(void **state)
{
	(void)state;
	assert_true(own_module("atomicity", "/work/build/bin/atomicity"));
	assert_true(own_module("/work/build/bin/atomicity", "/work/build/bin/atomicity"));
	assert_false(own_module("libc.so.6", "/work/build/bin/atomicity"));
	assert_false(own_module("libstdc++.so.6", "/work/build/bin/atomicity"));
	assert_false(own_module(NULL, "/work/build/bin/atomicity"));
	assert_false(own_module("atomicity", NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(python_files),
		cmocka_unit_test(native_modules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
