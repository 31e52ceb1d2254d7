/*
 * feed_stream.h: a replay's recorded input bytes, streamed into the
 * channel's feed ring while the program runs.
 *
 * The bytes input syscalls read are most of a big trace (a 64 MiB file
 * read, 64 MiB of bytes).  Loading them all before the program starts
 * made a replay take ten times the program's own run; instead a thread of
 * the supervisor reads them from the trace, in the order the program will
 * want them, into a ring at the channel's end, at most a ring ahead of the
 * program, which takes them from there (runtime/feed_ring.c; protocol in
 * protocol.h at feed_ring_size).  Both run at once, on separate cores.
 */
#ifndef DEJA_FEED_STREAM_H
#define DEJA_FEED_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol.h"

/* The ring for a feed of `total` bytes whose longest entry has `longest`:
 * 0 when the bytes are few enough to go into the channel whole. */
uint64_t feed_stream_ring_size(uint64_t total, uint64_t longest);

struct feed_stream;

/* Start streaming the feed of the trace at `path` into sh's ring (its size
 * and place are in sh).  NULL, with err, if no thread could be started. */
struct feed_stream *feed_stream_start(const char *path, struct deja_shared *sh, char *err,
				      size_t errlen);

/* Stop and free; false, with err, if the stream could not read the bytes
 * (the trace is damaged), which the replay must report. */
bool feed_stream_end(struct feed_stream *fs, char *err, size_t errlen);

#endif
