/*
 * held_events.c: a run's events held in memory (see held_events.h).
 */
#include "held_events.h"

#include <stdlib.h>
#include <string.h>

#include "grow.h"

bool held_events_add(struct held_events *h, uint32_t process, const struct deja_event *ev,
		     const uint8_t *data)
{
	uint32_t len = data ? ev->data_len : 0;
	if (!grow_array(&h->ev, &h->cap, h->n + 1, sizeof(*h->ev), 1024) ||
	    !grow_array(&h->process, &h->process_cap, h->n + 1, sizeof(*h->process), 1024) ||
	    !grow_array(&h->bytes, &h->bytes_cap, h->nbytes + len, 1, 4096))
		return false;
	h->process[h->n] = process;
	h->ev[h->n] = *ev;
	h->ev[h->n].data_len = len;
	h->n++;
	if (len)
		memcpy(h->bytes + h->nbytes, data, len);
	h->nbytes += len;
	return true;
}

void held_events_free(struct held_events *h)
{
	free(h->ev);
	free(h->process);
	free(h->bytes);
	*h = (struct held_events){ 0 };
}
