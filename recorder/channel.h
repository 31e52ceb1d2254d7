/*
 * channel.h: making one process's shared channel (supervisor side).
 *
 * A channel is a memfd holding struct deja_shared followed by the areas a
 * run hands the runtime: in a replay the follow schedule, each event's
 * next tick or interrupt stop, the interrupts' instructions, the recorded inputs (feed) and, for a real-time
 * recording, each event's clock; for a script strategy its switches.
 * session.c makes the top process's at launch (a replay's in two steps:
 * an empty one the program's process starts with, laid out once the
 * trace is read), processes.c a forked child's when it asks for one.
 */
#ifndef DEJA_CHANNEL_H
#define DEJA_CHANNEL_H

#include <stddef.h>
#include <stdint.h>

#include "protocol.h"

struct channel_spec {
	const uint32_t *schedule; /* replay: thread of each event */
	const uint64_t *ticks;    /* replay: per event, its thread's next tick stop (NULL: none) */
	uint64_t schedule_len;
	const struct deja_interrupt_stop *interrupts; /* replay: where ticks' interrupt stops are */
	uint64_t ninterrupts;
	const struct deja_feed *feed; /* replay: what the recorded input syscalls gave */
	uint64_t feed_count;
	const uint8_t *feed_bytes;
	uint64_t feed_bytes_len;
	/* Not 0: feed_bytes is NULL and the bytes stream in while the program
	 * runs, through a ring of this many bytes (a multiple of the page size)
	 * at the channel's end (feed_stream.c); feed_bytes_len is their total. */
	uint64_t feed_ring_size;
	const uint64_t *vtimes;   /* replay of real time: each event's clock */
	uint64_t vtimes_len;
	uint64_t script_room;     /* script entries the channel must hold */
	const char *runtime_path;
};

struct channel {
	int fd;
	struct deja_shared *sh;
	size_t size;
};

/* Create and map a channel laid out for spec, with its areas filled in
 * and the header (magic, version, size, offsets, runtime path) written,
 * marked laid out.  Returns 0, or -1 with err filled. */
int channel_create(const struct channel_spec *spec, struct channel *ch, char *err, size_t errlen);
/* Create a channel not laid out yet: one page with magic and version, on
 * which a runtime that attaches waits (protocol.h, laid_out).  Returns 0,
 * or -1 with err filled. */
int channel_create_empty(struct channel *ch, char *err, size_t errlen);
/* Lay out an empty channel for spec, as channel_create does, but leave
 * it marked not laid out: the caller writes the rest of what the runtime
 * reads first, then calls channel_release.  Returns 0, or -1 with err
 * filled (the channel is closed). */
int channel_lay_out(const struct channel_spec *spec, struct channel *ch, char *err,
		    size_t errlen);
/* Mark the channel laid out and wake a runtime waiting for it. */
void channel_release(struct channel *ch);
void channel_close(struct channel *ch);

#endif /* DEJA_CHANNEL_H */
