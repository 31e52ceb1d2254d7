/*
 * scratch_dir.h: a directory of its own for a unit test's files, made
 * before its tests run and removed after (CMocka group setup and
 * teardown): cmocka_run_group_tests(tests, scratch_dir_make,
 * scratch_dir_remove), and scratch_path("name") for a file in it.
 */
#ifndef DEJA_SCRATCH_DIR_H
#define DEJA_SCRATCH_DIR_H

#include <stdio.h>
#include <stdlib.h>

static char scratch_dir[] = "/tmp/deja-unit-XXXXXX";

static int scratch_dir_make(void **state)
{
	(void)state;
	return mkdtemp(scratch_dir) ? 0 : -1;
}

static int scratch_dir_remove(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", scratch_dir);
	return system(cmd);
}

/* NAME in the directory (one static buffer: use it before the next call). */
static char *scratch_path(const char *name)
{
	static char p[256];
	snprintf(p, sizeof(p), "%s/%s", scratch_dir, name);
	return p;
}

#endif /* DEJA_SCRATCH_DIR_H */
