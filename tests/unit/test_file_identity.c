/*
 * test_file_identity.c: a file's identity (recorder/file_identity.c): an
 * ELF file with a build ID is named by it and its size, not by its whole
 * contents; a copy has the same identity; a longer file another; a file
 * without a build ID is named by its contents; a missing file has none.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "digest.h"
#include "file_identity.h"

/* A copy of the file at from in a new temporary file (its path in to),
 * with `extra` bytes appended. */
static void copy_file(const char *from, char *to, const char *extra)
{
	int in = open(from, O_RDONLY);
	int out = mkstemp(to);
	assert_true(in >= 0 && out >= 0);
	char buf[1 << 16];
	ssize_t n;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		assert_int_equal(write(out, buf, (size_t)n), n);
	for (const char *c = extra; *c; c++)
		assert_int_equal(write(out, c, 1), 1);
	close(in);
	close(out);
}

static void elf_named_by_build_id(void **state)
{
	(void)state;
	/* This test program: gcc links it with a build ID. */
	char self[17], copy_id[17], longer_id[17], contents[17];
	assert_int_equal(deja_file_identity("/proc/self/exe", self), 0);
	assert_int_equal(deja_file_hash("/proc/self/exe", contents), 0);
	assert_string_not_equal(self, contents);

	char copy[] = "/tmp/deja-test-identity-XXXXXX";
	copy_file("/proc/self/exe", copy, "");
	assert_int_equal(deja_file_identity(copy, copy_id), 0);
	assert_string_equal(self, copy_id);

	char longer[] = "/tmp/deja-test-identity-XXXXXX";
	copy_file("/proc/self/exe", longer, "x");
	assert_int_equal(deja_file_identity(longer, longer_id), 0);
	assert_string_not_equal(self, longer_id);
	unlink(copy);
	unlink(longer);
}

static void other_files_named_by_contents(void **state)
{
	(void)state;
	char path[] = "/tmp/deja-test-identity-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "#!/bin/sh\n", 10), 10);
	char id[17], hash[17], changed[17];
	assert_int_equal(deja_file_identity(path, id), 0);
	assert_int_equal(deja_file_hash(path, hash), 0);
	assert_string_equal(id, hash);
	assert_int_equal(pwrite(fd, "#!/bin/ksh", 10, 0), 10);
	assert_int_equal(deja_file_identity(path, changed), 0);
	assert_string_not_equal(id, changed);
	close(fd);
	unlink(path);
	assert_int_equal(deja_file_identity(path, id), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(elf_named_by_build_id),
		cmocka_unit_test(other_files_named_by_contents),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
