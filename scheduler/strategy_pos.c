/*
 * strategy_pos.c: partial order sampling (Yuan, Yang and Gu, CAV 2018),
 * as the JVM tool Fray also uses it.
 *
 * Priorities belong to operations, not threads: each thread's pending
 * operation gets a fresh random priority when it is declared, and the
 * enabled operation with the highest priority runs.  After an operation
 * on an object has run, every pending operation on the same object (the
 * ones that race with it) draws a new priority.  Unlike a uniform random
 * walk, this samples the orders of racing operations close to uniformly,
 * however many unrelated operations the threads do in between.
 */
#include "strategy.h"

static int configure(struct deja_model *m, const char *param, char *err, size_t errlen)
{
	(void)m;
	if (param) {
		deja_strategy_error(err, errlen, "strategy pos takes no parameter", NULL);
		return -1;
	}
	return 0;
}

/* The priority of thread t's pending operation, drawn anew for a new
 * operation or one that races with the operation just run. */
static uint32_t priority(struct deja_model *m, uint32_t t, uint32_t current)
{
	const struct deja_pending *p = &m->threads[t].pending;
	bool fresh = m->pos_event[t] != p->wait_seq;
	bool raced = t != current && p->object && p->object == m->last_object;
	if (fresh || raced || !m->pct_priority[t]) {
		m->pct_priority[t] = 1 + deja_prng_below(m, 1u << 30);
		m->pos_event[t] = p->wait_seq;
	}
	return m->pct_priority[t];
}

static uint32_t pick(struct deja_model *m, const struct deja_choice *c)
{
	uint32_t best = c->enabled[0], best_priority = 0;
	for (uint32_t i = 0; i < c->count; i++) {
		uint32_t pr = priority(m, c->enabled[i], c->current);
		if (pr > best_priority) {
			best = c->enabled[i];
			best_priority = pr;
		}
	}
	/* Short timed waits may end early (see scheduler.c), at a quarter of
	 * the points, like in pct. */
	for (uint32_t i = 0; i < c->ntimeouts; i++) {
		uint32_t pr = priority(m, c->timeouts[i], c->current);
		if (pr > best_priority && deja_prng_below(m, 4) == 0) {
			best = c->timeouts[i];
			best_priority = pr;
		}
	}
	m->last_object = 0; /* each race re-draws once */
	return best;
}

const struct deja_strategy deja_strategy_pos = {
	.name = "pos",
	.summary = "partial order sampling: random priorities per operation",
	.configure = configure,
	.pick = pick,
	.tick_offer = deja_tick_offer_gap,
};
