/*
 * deadlock_sig.c: a deadlock's detail and key (see deadlock_sig.h).
 */
#define _GNU_SOURCE
#include "deadlock_sig.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* items[0..n) sorted and joined with "; " into out. */
static void join_sorted(char **items, size_t n, char *out, size_t len)
{
	qsort(items, n, sizeof(*items), compare_strings);
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t used = strlen(out);
		snprintf(out + used, len - used, "%s%s", i ? "; " : "", items[i]);
	}
}

static bool waiting(const struct trace_wait *w, size_t n, int64_t thread)
{
	for (size_t i = 0; i < n; i++)
		if (w[i].thread == thread)
			return true;
	return false;
}

static char *detail_item(const struct trace_wait *w)
{
	char *s;
	return asprintf(&s, "thread %u %s(%s@0x%llx)", w->thread, w->op, w->object_kind,
			(unsigned long long)w->object_addr) < 0 ? NULL : s;
}

static char *key_item(const struct trace_wait *w, size_t n, size_t i)
{
	const char *held = w[i].holder < 0		  ? "not held"
			   : waiting(w, n, w[i].holder) ? "held by a waiting thread"
							  : "held by a running thread";
	char *s;
	return asprintf(&s, "%s(%s) at 0x%llx, %s", w[i].op, w[i].object_kind,
			(unsigned long long)w[i].site, held) < 0 ? NULL : s;
}

int deadlock_sig(const struct trace_wait *w, size_t n, char *detail, size_t detail_len,
		 char *key, size_t key_len)
{
	char **items = calloc(n ? n : 1, sizeof(*items));
	char **keys = calloc(n ? n : 1, sizeof(*keys));
	int r = items && keys ? 0 : -1;
	for (size_t i = 0; i < n && r == 0; i++) {
		items[i] = detail_item(&w[i]);
		keys[i] = key_item(w, n, i);
		r = items[i] && keys[i] ? 0 : -1;
	}
	if (r == 0) {
		join_sorted(items, n, detail, detail_len);
		join_sorted(keys, n, key, key_len);
	}
	for (size_t i = 0; i < n && items && keys; i++) {
		free(items[i]);
		free(keys[i]);
	}
	free(items);
	free(keys);
	return r;
}
