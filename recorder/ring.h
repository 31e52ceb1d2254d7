/*
 * ring.h: reading one channel's event and data rings (supervisor side).
 *
 * Every process of the target's tree has a channel (struct deja_shared):
 * the top process's made by session.c at launch, a forked child's by
 * processes.c when it asks.  A ring_reader takes the events out of one
 * channel's ring in order, each with the bytes it put in the data ring,
 * and moves a full data ring's bytes aside when an input larger than the
 * ring is written ahead of its event.
 */
#ifndef DEJA_RING_H
#define DEJA_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol.h"

/* Gets each event in order, with the bytes it put in the data ring
 * (ev->data_len of them); returns false to stop the run (divergence). */
typedef bool (*ring_sink)(void *ctx, const struct deja_event *ev, const uint8_t *data);

struct ring_reader {
	struct deja_shared *sh;
	uint8_t *data;      /* one event's bytes, taken out of the data ring */
	size_t data_cap;
	/* Bytes moved out of a full data ring before their event arrived. */
	uint8_t *spill;
	size_t spill_len, spill_cap;
};

/* Hand every complete event in the ring to the sink, counting them in
 * *count.  With stopped set the events are only discarded.  Returns false
 * when the sink asked to stop (or stopped was set). */
bool ring_drain(struct ring_reader *r, ring_sink sink, void *ctx, uint64_t *count, bool stopped);
/* The data ring is full and no event has come for its bytes: move them
 * out, so the runtime can write the rest of a large input. */
void ring_spill(struct ring_reader *r);
/* Nothing left to read in the event ring. */
bool ring_empty(const struct ring_reader *r);
void ring_reader_free(struct ring_reader *r);

#endif /* DEJA_RING_H */
