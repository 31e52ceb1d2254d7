/*
 * digest.h: xxh3 digests: the running digest over the event stream that
 * lets a replay name the first event that differs, and the executable's
 * hash that refuses a replay against another binary.
 */
#ifndef DEJA_DIGEST_H
#define DEJA_DIGEST_H

#include <stdint.h>

#include "protocol.h"

/* Digest of the stream up to and including ev, given the previous one
 * (0 before the first event).  Covers what a replay must reproduce:
 * thread, operation, object id, result, detail, call site, flags and the
 * digest of the bytes a syscall sent;
 * not raw object addresses, which may move with the environment. */
uint64_t deja_event_digest(uint64_t previous, const struct deja_event *ev);

/* xxh3-64 of a file's contents as 16 hex digits; -1 when unreadable. */
int deja_file_hash(const char *path, char hex[17]);
/* The same of the file open at fd, at its offset 0 (nothing has read
 * it: mapping, fstat and pread leave the offset where it was). */
int deja_fd_hash(int fd, char hex[17]);

#endif /* DEJA_DIGEST_H */
