/*
 * ring.c: reading one channel's event and data rings (see ring.h).
 */
#include "ring.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "grow.h"

/* Copy len bytes from the data ring (they may wrap around) and free them. */
static void ring_take(struct deja_shared *sh, uint8_t *to, uint64_t len)
{
	uint64_t at = sh->data_read & (DEJA_DATA_RING_BYTES - 1);
	uint64_t first = DEJA_DATA_RING_BYTES - at < len ? DEJA_DATA_RING_BYTES - at : len;
	memcpy(to, &sh->data[at], first);
	memcpy(to + first, &sh->data[0], len - first);
	__atomic_store_n(&sh->data_read, sh->data_read + len, __ATOMIC_RELEASE);
}

void ring_spill(struct ring_reader *r)
{
	struct deja_shared *sh = r->sh;
	uint64_t len = __atomic_load_n(&sh->data_write, __ATOMIC_ACQUIRE) - sh->data_read;
	if (len < DEJA_DATA_RING_BYTES)
		return;
	if (!grow_array(&r->spill, &r->spill_cap, r->spill_len + len, 1, DEJA_DATA_RING_BYTES))
		return; /* the runtime keeps waiting; deja's own memory is out */
	ring_take(sh, r->spill + r->spill_len, len);
	r->spill_len += len;
}

/* Take an event's bytes: first any spilled ahead of it, then the ring. */
static const uint8_t *take_data(struct ring_reader *r, uint32_t len)
{
	if (len == 0)
		return NULL;
	if (len > r->data_cap) {
		uint8_t *grown = realloc(r->data, len);
		if (!grown)
			return NULL;
		r->data = grown;
		r->data_cap = len;
	}
	uint64_t spilled = r->spill_len < len ? r->spill_len : len;
	if (spilled) {
		memcpy(r->data, r->spill, spilled);
		memmove(r->spill, r->spill + spilled, r->spill_len - spilled);
		r->spill_len -= spilled;
	}
	ring_take(r->sh, r->data + spilled, len - spilled);
	return r->data;
}

/* An event's bytes where they lie in the data ring, when nothing spilled
 * is ahead of them and they do not wrap around (NULL otherwise): the sink
 * reads them there, and they are freed after, which saves copying every
 * byte a program reads once more on the supervisor's side. */
static const uint8_t *data_in_place(const struct ring_reader *r, uint32_t len)
{
	uint64_t at = r->sh->data_read & (DEJA_DATA_RING_BYTES - 1);
	if (len == 0 || r->spill_len || at + len > DEJA_DATA_RING_BYTES)
		return NULL;
	return &r->sh->data[at];
}

/* The runtime's clock for its coverage report (deja_shared.coarse_now_ns),
 * kept up to date by the supervisor, which drains each ring about every
 * millisecond. */
static void publish_coarse_clock(struct deja_shared *sh)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	__atomic_store_n(&sh->coarse_now_ns, (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec,
			 __ATOMIC_RELAXED);
}

bool ring_drain(struct ring_reader *rd, ring_sink sink, void *ctx, uint64_t *count, bool stopped)
{
	publish_coarse_clock(rd->sh);
	struct deja_shared *sh = rd->sh;
	uint64_t r = sh->read_index;
	uint64_t w = __atomic_load_n(&sh->write_index, __ATOMIC_ACQUIRE);
	if (stopped) { /* after a divergence, events are only discarded */
		rd->spill_len = 0;
		__atomic_store_n(&sh->data_read, __atomic_load_n(&sh->data_write, __ATOMIC_ACQUIRE),
				 __ATOMIC_RELEASE);
		__atomic_store_n(&sh->read_index, w, __ATOMIC_RELEASE);
		return false;
	}
	bool go_on = true;
	while (r < w && go_on) {
		const struct deja_event *ev = &sh->ring[r & (DEJA_RING_EVENTS - 1)];
		const uint8_t *in_place = data_in_place(rd, ev->data_len);
		if (in_place) {
			go_on = sink(ctx, ev, in_place);
			__atomic_store_n(&sh->data_read, sh->data_read + ev->data_len, __ATOMIC_RELEASE);
		} else {
			go_on = sink(ctx, ev, take_data(rd, ev->data_len));
		}
		r++;
		(*count)++;
		if ((r & 1023) == 0)
			__atomic_store_n(&sh->read_index, r, __ATOMIC_RELEASE);
	}
	__atomic_store_n(&sh->read_index, r, __ATOMIC_RELEASE);
	return go_on;
}

bool ring_empty(const struct ring_reader *r)
{
	return __atomic_load_n(&r->sh->write_index, __ATOMIC_ACQUIRE) == r->sh->read_index;
}

void ring_reader_free(struct ring_reader *r)
{
	free(r->data);
	free(r->spill);
	r->data = r->spill = NULL;
	r->data_cap = r->spill_cap = r->spill_len = 0;
}
