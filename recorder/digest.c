/*
 * digest.c: event digests and file hashes with xxHash (see digest.h).
 */
#include "digest.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>
/* libxxhash's entry points that pick the widest vector unit the CPU has
 * (AVX2, AVX-512) at run time; the hashes are the same whichever. */
#include <xxh_x86dispatch.h>

struct digest_fields {
	uint64_t seq;
	uint64_t data;
	int64_t result;
	uint64_t arg;
	uint64_t site;
	uint32_t thread;
	uint32_t object;
	uint16_t op;
	uint16_t flags;
	uint32_t zero;
};

uint64_t deja_event_digest(uint64_t previous, const struct deja_event *ev)
{
	struct digest_fields f = {
		.seq = ev->seq,
		.data = ev->data,
		.result = ev->result,
		.arg = ev->arg,
		.site = ev->site,
		.thread = ev->thread,
		.object = ev->object,
		.op = ev->op,
		.flags = ev->flags,
		.zero = 0,
	};
	return XXH3_64bits_withSeed(&f, sizeof(f), previous);
}

/* The hash of a file read through a pipe or a special file, which cannot
 * be mapped: piece by piece. */
static int hash_by_reading(int fd, uint64_t *h)
{
	XXH3_state_t *st = XXH3_createState();
	if (!st)
		return -1;
	XXH3_64bits_reset(st);
	char buf[1 << 16];
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		XXH3_64bits_update(st, buf, (size_t)n);
	*h = XXH3_64bits_digest(st);
	XXH3_freeState(st);
	return n < 0 ? -1 : 0;
}

/* A regular file is hashed where the page cache holds it, not copied out
 * piece by piece: a recording hashes the program, the runtime, libc and the
 * loader (4 MB, a few hundred microseconds of its start-up).  False if it
 * cannot be mapped (not a regular file, empty, or mmap refused). */
static bool hash_mapped(int fd, uint64_t *h)
{
	struct stat sb;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size <= 0)
		return false;
	void *p = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	if (p == MAP_FAILED)
		return false;
	*h = XXH3_64bits(p, (size_t)sb.st_size);
	munmap(p, (size_t)sb.st_size);
	return true;
}

int deja_fd_hash(int fd, char hex[17])
{
	uint64_t h = 0;
	if (!hash_mapped(fd, &h) && hash_by_reading(fd, &h) != 0)
		return -1;
	snprintf(hex, 17, "%016llx", (unsigned long long)h);
	return 0;
}

int deja_file_hash(const char *path, char hex[17])
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = deja_fd_hash(fd, hex);
	close(fd);
	return rc;
}
