/*
 * code_sites.h: the trace's modules and named call sites, written when a
 * recording ends.
 *
 * Every process of the run has images: the one it started with (a forked
 * child's is its parent's image at the fork) and one more per exec.  Each
 * image loads its own executable and libraries, often at the same
 * addresses as the image before it (with address-space randomisation off,
 * every position-independent executable loads at one address), so a call
 * site is named by its process, its image and its address, with the
 * modules of that image alone.
 */
#ifndef DEJA_CODE_SITES_H
#define DEJA_CODE_SITES_H

#include <stdbool.h>
#include <stdint.h>

#include "protocol.h"
#include "site_set.h"
#include "trace.h"

struct code_sites;

struct code_sites *code_sites_new(void);
/* One process's modules, every image's (deja_module.image), into the
 * trace, each with the xxh3 of its file (each file hashed once per
 * recording) so that a replay can refuse a changed one.  false when
 * memory runs out or the trace cannot be written. */
bool code_sites_put_modules(struct code_sites *cs, struct trace *t, uint32_t process,
			    const struct deja_module *mods, uint32_t n);
/* Name every call site the recording's events (event_sites), the trace's
 * waits, threads and fault refer to, each with its own image's modules. */
void code_sites_name_all(struct code_sites *cs, struct trace *t,
			 const struct site_set *event_sites);
void code_sites_free(struct code_sites *cs);

#endif /* DEJA_CODE_SITES_H */
