/*
 * monotonic.h: the supervisor's clock for how long things take
 * (CLOCK_MONOTONIC in nanoseconds): the interrupt watch's dark time, a
 * forked child's hello grace, a child's real-time offset.
 */
#ifndef DEJA_MONOTONIC_H
#define DEJA_MONOTONIC_H

#include <stdint.h>
#include <time.h>

static inline int64_t monotonic_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

#endif /* DEJA_MONOTONIC_H */
