/*
 * run_stdin.c: the stdin every run of a hunt reads.
 *
 * deja hunt runs the program again and again, each run with deja's own
 * stdin.  From a pipe (`seq 4 | deja hunt -- prog`) the first run read it
 * all and every later run found it at its end, so the hunt explored a
 * program with no input and reported that no run failed; a file shared
 * one read offset the same way.  So deja keeps what its stdin holds, once,
 * in a file beside the trace, and every run opens that file afresh
 * (session_config.input_from; a served run opens it in the fork server's
 * child).  A terminal or another device stays every run's stdin as it is.
 */
#define _GNU_SOURCE
#include "cli.h"

#include "protocol.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static int copy_all(int from, int to)
{
	char buf[65536];
	for (;;) {
		ssize_t n = read(from, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n == 0 ? 0 : -1;
		for (ssize_t done = 0; done < n;) {
			ssize_t w = write(to, buf + done, (size_t)(n - done));
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				return -1;
			done += w;
		}
	}
}

int cli_keep_stdin(const char *beside, char **path)
{
	*path = NULL;
	struct stat st;
	if (fstat(0, &st) != 0 || !(S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) ||
				    S_ISREG(st.st_mode)))
		return 0; /* closed, a terminal, /dev/null: every run's as it is */
	/* Absolute: a run may start in another directory (a fork server's). */
	char *cwd = beside[0] == '/' ? NULL : getcwd(NULL, 0);
	int made = asprintf(path, "%s%s%s.stdin", cwd ? cwd : "", cwd ? "/" : "", beside);
	free(cwd);
	if (made < 0) {
		*path = NULL;
		return -1;
	}
	int fd = open(*path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || copy_all(0, fd) != 0) {
		fprintf(stderr, "deja: cannot keep stdin in %s\n", *path);
		if (fd >= 0) {
			close(fd);
			unlink(*path);
		}
		free(*path);
		*path = NULL;
		return -1;
	}
	close(fd);
	return 0;
}

bool cli_stdin_missing(uint32_t stdio_kinds, const char *fed)
{
	mode_t kind = DEJA_STDIO_KIND(stdio_kinds, 0);
	return !fed && (S_ISREG(kind) || S_ISFIFO(kind));
}
