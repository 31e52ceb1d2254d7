/*
 * held_events.h: a run's events kept in memory, with the bytes each
 * carries, while it is not known yet whether the run is kept (a hunt's
 * run, record.c): most pass, and then no trace is ever created for them.
 */
#ifndef DEJA_HELD_EVENTS_H
#define DEJA_HELD_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol.h"

/* A run that grows past this many events is written out as it goes,
 * like any other. */
#define HELD_EVENTS_MAX (1u << 20)

struct held_events {
	struct deja_event *ev;
	uint32_t *process; /* each event's process number */
	size_t n, cap, process_cap;
	uint8_t *bytes; /* every event's data_len bytes, in order */
	size_t nbytes, bytes_cap;
};

/* Keep ev of process `process`, with its data_len bytes (none when data
 * is NULL); false when memory runs out. */
bool held_events_add(struct held_events *h, uint32_t process, const struct deja_event *ev,
		     const uint8_t *data);
/* Free what is held, and empty it. */
void held_events_free(struct held_events *h);

#endif /* DEJA_HELD_EVENTS_H */
