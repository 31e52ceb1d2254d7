/*
 * test_digest.c: the running event digest: every field a replay must
 * reproduce changes it, addresses do not, and each digest depends on the
 * whole stream before it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

#include "digest.h"

static struct deja_event base(void)
{
	struct deja_event ev = { .seq = 7, .thread = 2, .op = DEJA_OP_MUTEX_LOCK,
				 .object = 3, .result = 0, .arg = 0, .site = 0x401234,
				 .object_addr = 0x7fff0000, .vtime = 5000, .flags = 0 };
	return ev;
}

static void each_replayed_field_changes_the_digest(void **state)
{
	(void)state;
	struct deja_event e = base();
	uint64_t d = deja_event_digest(0, &e);
	struct deja_event v;
	v = e; v.seq++; assert_int_not_equal(deja_event_digest(0, &v), d);
	v = e; v.thread++; assert_int_not_equal(deja_event_digest(0, &v), d);
	v = e; v.op++; assert_int_not_equal(deja_event_digest(0, &v), d);
	v = e; v.object++; assert_int_not_equal(deja_event_digest(0, &v), d);
	v = e; v.result = 16; assert_int_not_equal(deja_event_digest(0, &v), d);
	v = e; v.arg = 1; assert_int_not_equal(deja_event_digest(0, &v), d);
	v = e; v.site++; assert_int_not_equal(deja_event_digest(0, &v), d);
	v = e; v.flags = DEJA_EVENT_PREEMPT; assert_int_not_equal(deja_event_digest(0, &v), d);
	/* Raw addresses and virtual time are not part of it. */
	v = e; v.object_addr = 0x1234; assert_int_equal(deja_event_digest(0, &v), d);
	v = e; v.vtime = 1; assert_int_equal(deja_event_digest(0, &v), d);
}

static void the_chain_depends_on_history(void **state)
{
	(void)state;
	struct deja_event a = base(), b = base();
	b.seq = 8;
	uint64_t ab = deja_event_digest(deja_event_digest(0, &a), &b);
	struct deja_event a2 = a;
	a2.result = 1;
	uint64_t a2b = deja_event_digest(deja_event_digest(0, &a2), &b);
	assert_int_not_equal(ab, a2b); /* an early difference shows at every later event */
	assert_int_equal(ab, deja_event_digest(deja_event_digest(0, &a), &b));
}

static void file_hash_tells_binaries_apart(void **state)
{
	(void)state;
	char path[] = "/tmp/deja-test-hash-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "abc", 3), 3);
	char h1[17], h2[17];
	assert_int_equal(deja_file_hash(path, h1), 0);
	assert_int_equal(write(fd, "d", 1), 1);
	assert_int_equal(deja_file_hash(path, h2), 0);
	assert_string_not_equal(h1, h2);
	close(fd);
	unlink(path);
	assert_int_equal(deja_file_hash(path, h1), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_replayed_field_changes_the_digest),
		cmocka_unit_test(the_chain_depends_on_history),
		cmocka_unit_test(file_hash_tells_binaries_apart),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
