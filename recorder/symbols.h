/*
 * symbols.h: call-site addresses to code locations (function, file:line),
 * using elfutils' libdwfl over the ELF objects the target had loaded.
 */
#ifndef DEJA_SYMBOLS_H
#define DEJA_SYMBOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol.h"
#include "trace.h"

struct symbolizer;

struct symbolizer *symbolizer_open(const struct deja_module *mods, size_t n);
/* Fills s (strings malloc'd; NULL when unknown).  A return address is
 * looked up one byte back, inside its call instruction; a function's own
 * address (a thread's start routine) as it is. */
void symbolizer_lookup(struct symbolizer *sym, uint64_t address, bool return_address,
		       struct trace_site *s);
void symbolizer_close(struct symbolizer *sym);

#endif /* DEJA_SYMBOLS_H */
