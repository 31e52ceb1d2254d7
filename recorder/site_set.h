/*
 * site_set.h: the distinct call sites of a recording's events, gathered
 * as the events are written, for naming when it ends (code_sites.h).
 */
#ifndef DEJA_SITE_SET_H
#define DEJA_SITE_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace.h"

struct site_set {
	struct trace_site_key *slots; /* open addressing; address 0: free */
	size_t cap, n;
	struct trace_site_key last;   /* most events repeat the site before */
};

/* Add a site (address 0, no site, is left out); false when memory runs out. */
bool site_set_add(struct site_set *s, uint32_t process, uint32_t image, uint64_t address);
/* Its sites, appended to *keys (a malloc'd array of *n); false when
 * memory runs out. */
bool site_set_append_to(const struct site_set *s, struct trace_site_key **keys, size_t *n);
void site_set_free(struct site_set *s);

#endif /* DEJA_SITE_SET_H */
