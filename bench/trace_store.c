/*
 * bench/trace_store.c FILE TRACE: the least a recording of read_file can
 * cost: read FILE in 4 KiB pieces, as read_file does, and keep each piece
 * in a new trace at TRACE through deja's own trace layer (trace/trace.c:
 * a rollback journal, 64 KiB pages, a commit every 8,192 pieces, sealed into one file at
 * the end), with no program to run beside it, no events and no runtime.
 * bench/run times it next to read_file, so the record ratio's floor is
 * measured in the same run.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "trace.h"

#define PIECES_PER_COMMIT 8192

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s FILE TRACE\n", argv[0]);
		return 2;
	}
	int fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		perror(argv[1]);
		return 2;
	}
	struct trace *t;
	char err[256];
	if (trace_create(argv[2], &t, err, sizeof(err)) != TRACE_OK) {
		fprintf(stderr, "%s: %s\n", argv[2], err);
		return 2;
	}
	static unsigned char buf[4096];
	uint64_t seq = 0;
	ssize_t n;
	int failed = trace_begin(t) != TRACE_OK;
	while (!failed && (n = read(fd, buf, sizeof(buf))) > 0) {
		failed = trace_put_syscall_data(t, seq++, buf, (uint64_t)n) != TRACE_OK;
		if (!failed && seq % PIECES_PER_COMMIT == 0)
			failed = trace_commit(t) != TRACE_OK || trace_begin(t) != TRACE_OK;
	}
	failed = failed || trace_commit(t) != TRACE_OK || trace_seal(t) != TRACE_OK;
	trace_close(t);
	close(fd);
	if (failed)
		fprintf(stderr, "%s: storing the pieces failed\n", argv[2]);
	return failed;
}
