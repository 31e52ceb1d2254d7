/*
 * strategy.c: the strategy registry, "NAME[:PARAM]" parsing and the PRNG
 * that strategies draw from.
 */
#include "strategy.h"

#include <string.h>

static const struct deja_strategy *const strategies[DEJA_STRATEGY_COUNT] = {
	[DEJA_STRATEGY_NONPREEMPTIVE] = &deja_strategy_nonpreemptive,
	[DEJA_STRATEGY_RANDOM] = &deja_strategy_random,
	[DEJA_STRATEGY_FOLLOW] = &deja_strategy_follow,
	[DEJA_STRATEGY_PCT] = &deja_strategy_pct,
	[DEJA_STRATEGY_POS] = &deja_strategy_pos,
	[DEJA_STRATEGY_SCRIPT] = &deja_strategy_script,
	[DEJA_STRATEGY_SURW] = &deja_strategy_surw,
};

const struct deja_strategy *deja_strategy_get(uint32_t id)
{
	return id < DEJA_STRATEGY_COUNT ? strategies[id] : NULL;
}

/* Tick offers: their PRNG stream (any constant other than 0 keeps it
 * apart from m->prng), and the mean gap between offers, drawn once per run
 * log-uniformly from 2^2 to 2^14 ticks: some runs see many preemptions in
 * plain code, some few, and a window of one basic block gets an offer with
 * a chance of about 1/gap each time a thread passes it.  A run known to
 * pass many ticks gets gaps scaled up so that it sees at most about
 * TICK_OFFERS_MAX offers: each offer is an event, and events cost
 * microseconds. */
#define TICK_STREAM 0x7469636b73ull /* "ticks" */
#define TICK_GAP_MIN_LOG 2
#define TICK_GAP_LOGS 13
#define TICK_OFFERS_MAX 4096

static uint64_t draw_tick_gap(struct deja_model *m)
{
	uint64_t gap = 1ull << (TICK_GAP_MIN_LOG + deja_tick_prng_next(m) % TICK_GAP_LOGS);
	uint64_t floor = m->expected_ticks / TICK_OFFERS_MAX;
	return gap < floor ? floor : gap;
}

int deja_strategy_setup(struct deja_model *m, const char *spec, uint64_t seed,
			char *err, size_t errlen)
{
	const char *colon = strchr(spec, ':');
	size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
	for (uint32_t id = 0; id < DEJA_STRATEGY_COUNT; id++) {
		const struct deja_strategy *s = strategies[id];
		if (strlen(s->name) != len || strncmp(s->name, spec, len) != 0)
			continue;
		m->strategy = id;
		m->seed = seed;
		m->prng = seed;
		m->tick_prng = seed ^ TICK_STREAM;
		m->tick_gap = draw_tick_gap(m);
		m->strategy_param = 0;
		return s->configure(m, colon ? colon + 1 : NULL, err, errlen);
	}
	deja_strategy_error(err, errlen, "unknown strategy: ", spec);
	return -1;
}

void deja_strategy_error(char *err, size_t errlen, const char *a, const char *b)
{
	size_t n = 0;
	for (const char *parts[2] = { a, b }, **p = parts; p < parts + 2; p++)
		for (const char *c = *p; c && *c && n + 1 < errlen; c++)
			err[n++] = *c;
	if (errlen)
		err[n] = '\0';
}

uint64_t deja_prng_next(struct deja_model *m)
{
	/* splitmix64: tiny, full-period, good enough for schedule choices */
	uint64_t z = (m->prng += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

uint32_t deja_prng_below(struct deja_model *m, uint32_t bound)
{
	/* Lemire's multiply-shift: unbiased enough for small bounds. */
	return (uint32_t)(((deja_prng_next(m) >> 32) * (uint64_t)bound) >> 32);
}

uint64_t deja_tick_prng_next(struct deja_model *m)
{
	uint64_t z = (m->tick_prng += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

uint64_t deja_tick_offer_gap(struct deja_model *m, uint32_t t, uint64_t ticks, uint64_t all)
{
	(void)t;
	(void)all;
	return ticks + 1 + deja_tick_prng_next(m) % (2 * m->tick_gap);
}
