/*
 * file_times.c: the times a stat gives move the virtual clock up to them.
 *
 * The kernel stamps a file with the real time; the program's clock is
 * virtual and runs behind the real one, so without this a file the program
 * had just written was stamped in its future (see rt_clock_not_before).
 * Every stat-like call that succeeded hands its latest time to the clock,
 * at its event, before the event takes the clock's time.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <sys/stat.h>
#include <sys/syscall.h>

static int64_t ns_of(struct timespec t)
{
	return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int64_t later(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

static int64_t latest_stat(const struct stat *st)
{
	return later(ns_of(st->st_mtim), later(ns_of(st->st_ctim), ns_of(st->st_atim)));
}

static int64_t statx_ns(struct statx_timestamp t)
{
	return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Only the times the kernel says it filled in. */
static int64_t latest_statx(const struct statx *sx)
{
	int64_t t = 0;
	if (sx->stx_mask & STATX_MTIME)
		t = later(t, statx_ns(sx->stx_mtime));
	if (sx->stx_mask & STATX_CTIME)
		t = later(t, statx_ns(sx->stx_ctime));
	if (sx->stx_mask & STATX_ATIME)
		t = later(t, statx_ns(sx->stx_atime));
	if (sx->stx_mask & STATX_BTIME)
		t = later(t, statx_ns(sx->stx_btime));
	return t;
}

void rt_file_times_seen(long nr, const long a[6], long result)
{
	if (result != 0)
		return;
	switch (nr) {
	case SYS_stat:
	case SYS_fstat:
	case SYS_lstat:
		rt_clock_not_before(latest_stat((const struct stat *)a[1]));
		return;
	case SYS_newfstatat:
		rt_clock_not_before(latest_stat((const struct stat *)a[2]));
		return;
	case SYS_statx:
		rt_clock_not_before(latest_statx((const struct statx *)a[4]));
		return;
	default:
		return;
	}
}
