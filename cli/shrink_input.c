/*
 * shrink_input.c: input shrinking (see shrink_input.h).
 */
#define _GNU_SOURCE
#include "shrink_input.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "script_file.h"
#include "trace.h"

/* Strategies the bounded hunt takes in turn (the kinds deja hunt uses). */
static const char *const hunt_strategies[] = { "random", "pct:2", "pos", "pct:3", "random:50" };

static int write_file(const char *path, const uint8_t *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t put = len ? fwrite(data, 1, len, f) : 0;
	return fclose(f) == 0 && put == len ? 0 : -1;
}

/* The run just made failed the same way: it is the best so far. */
static enum ddmin_verdict keep(struct input_shrink *is, const uint8_t *data, size_t len,
			       const struct trial_result *r)
{
	uint8_t *copy = malloc(len ? len : 1);
	struct trace *t = NULL;
	char why[256];
	if (!copy || rename(is->prog->scratch, is->best_path) != 0 ||
	    trace_open(is->best_path, false, &t, why, sizeof(why)) != TRACE_OK) {
		free(copy);
		snprintf(is->err, sizeof(is->err), "cannot keep a failing run as %s", is->best_path);
		is->trouble = TRIAL_ERR_TRACE;
		return DDMIN_ERROR;
	}
	free(is->hint);
	is->hint = NULL;
	if (script_from_trace(t, 0, &is->hint, NULL, NULL, &is->nhint) != 0)
		is->nhint = 0;
	trace_close(t);
	memcpy(copy, data, len);
	free(is->best);
	is->best = copy;
	is->best_len = len;
	is->best_run = *r;
	return DDMIN_FAILS;
}

/* One run: 1 same failure, 0 not, -1 trouble. */
static int one(struct input_shrink *is, const char *strategy, uint64_t seed,
	       struct trial_result *r)
{
	enum trial_status st = trial_run_strategy(is->prog, strategy, seed, is->hint,
						  strcmp(strategy, "script") == 0 ? is->nhint : 0,
						  r, is->err, sizeof(is->err));
	if (st != TRIAL_OK) {
		is->trouble = st;
		return -1;
	}
	return failure_same(&r->sig, is->target) ? 1 : 0;
}

enum ddmin_verdict input_try(struct input_shrink *is, const uint8_t *data, size_t len)
{
	is->candidates++;
	if (write_file(is->candidate, data, len) != 0) {
		snprintf(is->err, sizeof(is->err), "cannot write %s", is->candidate);
		is->trouble = TRIAL_ERR_RUN;
		return DDMIN_ERROR;
	}
	if (is->arg >= 0)
		is->argv[is->arg] = (char *)is->candidate;
	else
		is->prog->stdin_from = is->candidate;
	struct trial_result r;
	int v = one(is, "script", 0, &r);
	for (uint64_t i = 1; v == 0 && i <= is->hunt_runs; i++) {
		const char *s = hunt_strategies[i % (sizeof(hunt_strategies) / sizeof(*hunt_strategies))];
		v = one(is, s, i, &r);
	}
	if (v < 0)
		return DDMIN_ERROR;
	return v ? keep(is, data, len, &r) : DDMIN_PASSES;
}

size_t input_count_lines(const uint8_t *data, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += data[i] == '\n';
	return n + (len > 0 && data[len - 1] != '\n');
}

/* ddmin's items are units of the input: [start[i], start[i+1]). */
struct units {
	struct input_shrink *is;
	const uint8_t *data; /* a copy of the input the units cut */
	size_t *start;       /* nunits + 1 offsets */
	uint8_t *buf;
};

static enum ddmin_verdict unit_oracle(void *ctx, const size_t *items, size_t n)
{
	struct units *u = ctx;
	size_t len = 0;
	for (size_t k = 0; k < n; k++) {
		size_t a = u->start[items[k]], b = u->start[items[k] + 1];
		memcpy(u->buf + len, u->data + a, b - a);
		len += b - a;
	}
	return input_try(u->is, u->buf, len);
}

/* Cut is->best into lines (by_lines) or bytes and ddmin over them. */
static enum ddmin_status shrink_units(struct input_shrink *is, bool by_lines)
{
	size_t len = is->best_len;
	size_t max = len + 1;
	struct units u = { .is = is };
	uint8_t *data = malloc(len ? len : 1);
	u.start = malloc((max + 1) * sizeof(*u.start));
	u.buf = malloc(len ? len : 1);
	size_t *items = malloc(max * sizeof(*items));
	enum ddmin_status st = DDMIN_ERR_NOMEM;
	if (data && u.start && u.buf && items) {
		memcpy(data, is->best, len);
		u.data = data;
		size_t n = 0;
		u.start[0] = 0;
		for (size_t i = 0; i < len; i++)
			if (!by_lines || data[i] == '\n' || i == len - 1)
				u.start[++n] = i + 1;
		for (size_t i = 0; i < n; i++)
			items[i] = i;
		struct ddmin_stats stats = { .max_tests = is->max_candidates };
		st = ddmin(items, &n, unit_oracle, &u, &stats);
	}
	free(items);
	free(u.buf);
	free(u.start);
	free(data);
	return st;
}

/*
 * The byte phase tests many more candidates than the line phase (one per
 * byte at the finest cut), and nearly all of them are lines that no
 * longer parse, which pass and so cost the whole hunt.  Measured on a
 * 36-line input: 45,932 runs and 16 minutes with the full hunt per byte
 * candidate.  A byte edit usually keeps the program's shape, so the last
 * failing schedule (tried first) or a short hunt finds a failing one:
 * the byte phase hunts an eighth of the runs.
 */
enum ddmin_status input_shrink_run(struct input_shrink *is)
{
	enum ddmin_status st = shrink_units(is, true);
	uint64_t full = is->hunt_runs;
	is->hunt_runs = full / 8 > 10 ? full / 8 : (full < 10 ? full : 10);
	if (st == DDMIN_OK)
		st = shrink_units(is, false);
	is->hunt_runs = full;
	return st;
}
