/*
 * random.c: the target's randomness.
 *
 * getrandom() and reads of /dev/urandom and /dev/random give bytes drawn
 * from the model's entropy stream, seeded with a value deja records (real
 * randomness, taken when the run was recorded).  Each draw is an event, so
 * replay draws the same bytes at the same point, in either mode.  Which
 * descriptors are open on the random devices is tracked at open and close.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <string.h>

#include "model.h"

#define RANDOM_FDS 1024

static uint64_t random_fds[RANDOM_FDS / 64];

long rt_random(void *buf, uint64_t len, uint64_t site)
{
	struct deja_pending *p = rt_declare(DEJA_OP_RANDOM, NULL, len, site);
	p->value = (int64_t)(uintptr_t)buf;
	return (long)rt_run();
}

static bool is_random_device(const char *path)
{
	return path && (strcmp(path, "/dev/urandom") == 0 || strcmp(path, "/dev/random") == 0);
}

void rt_note_open(const char *path, long fd)
{
	if (fd < 0 || fd >= RANDOM_FDS)
		return;
	uint64_t bit = 1ull << (fd % 64);
	if (is_random_device(path))
		__atomic_fetch_or(&random_fds[fd / 64], bit, __ATOMIC_RELAXED);
	else
		__atomic_fetch_and(&random_fds[fd / 64], ~bit, __ATOMIC_RELAXED);
}

void rt_note_close(long fd)
{
	rt_io_forget_fd(fd);
	rt_files_stdio_replaced(fd);
	rt_io_forget_receive_timeout(fd);
	rt_timers_forget_fd(fd);
	rt_pids_forget_fd(fd);
	rt_file_locks_closed(fd);
	rt_world_fd_closed(fd);
	if (fd >= 0 && fd < RANDOM_FDS)
		__atomic_fetch_and(&random_fds[fd / 64], ~(1ull << (fd % 64)), __ATOMIC_RELAXED);
}

void rt_note_close_range(unsigned long first, unsigned long last)
{
	/* Both tables deja keeps by descriptor (this one and io.c's sources)
	 * hold the first RANDOM_FDS descriptors. */
	for (unsigned long fd = first; fd <= last && fd < RANDOM_FDS; fd++)
		rt_note_close((long)fd);
}

bool rt_is_random_fd(long fd)
{
	return fd >= 0 && fd < RANDOM_FDS &&
	       (__atomic_load_n(&random_fds[fd / 64], __ATOMIC_RELAXED) >> (fd % 64)) & 1;
}
