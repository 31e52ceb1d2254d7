/*
 * strategy_surw.c: a random walk that is uniform over interleavings, in
 * the spirit of SURW (Zhao et al., ASPLOS 2025), without its selection of
 * interesting events.
 *
 * A uniform random walk (pick each enabled thread with equal odds) favours
 * interleavings that switch early: a thread with few events left is as
 * likely to go as one with many.  If each thread's remaining event count
 * were known, picking threads in proportion to it would make every
 * interleaving of independent threads equally likely (the product of the
 * picks' odds is n1! n2! ... / (n1 + n2 + ...)! for all of them).  deja
 * does not know the future, so the counts are an estimate: the events each
 * thread executed in an earlier run (m->surw_events, by thread index;
 * `deja hunt` passes the longest run seen).  A thread with no estimate,
 * or past it, weighs 1.  Blocking and threads that change what they do
 * from run to run make the result only roughly uniform.
 */
#include "strategy.h"

static int configure(struct deja_model *m, const char *param, char *err,
		     size_t errlen)
{
	(void)m;
	if (param) {
		deja_strategy_error(err, errlen, "strategy surw takes no parameter", NULL);
		return -1;
	}
	return 0;
}

/* As random does: one point in TIMEOUT_ODDS lets a timed wait end early,
 * so that a CPython GIL holder can be made to let go. */
#define TIMEOUT_ODDS 16
/* Weights are capped so that their sum fits the PRNG's 32-bit bound. */
#define SURW_MAX_WEIGHT (1u << 20)

static uint32_t weight(const struct deja_model *m, uint32_t t)
{
	uint64_t done = m->threads[t].events, estimate = m->surw_events[t];
	if (estimate <= done)
		return 1;
	uint64_t left = estimate - done;
	return left > SURW_MAX_WEIGHT ? SURW_MAX_WEIGHT : (uint32_t)left;
}

static uint32_t pick(struct deja_model *m, const struct deja_choice *c)
{
	if (c->ntimeouts && deja_prng_below(m, TIMEOUT_ODDS) == 0)
		return c->timeouts[deja_prng_below(m, c->ntimeouts)];
	uint64_t total = 0;
	for (uint32_t i = 0; i < c->count; i++)
		total += weight(m, c->enabled[i]);
	/* total <= DEJA_MAX_THREADS * SURW_MAX_WEIGHT = 2^30 */
	uint32_t r = deja_prng_below(m, (uint32_t)total);
	for (uint32_t i = 0; i < c->count; i++) {
		uint32_t w = weight(m, c->enabled[i]);
		if (r < w)
			return c->enabled[i];
		r -= w;
	}
	return c->enabled[c->count - 1];
}

const struct deja_strategy deja_strategy_surw = {
	.name = "surw",
	.summary = "random walk weighted by each thread's remaining events (uniform over interleavings)",
	.configure = configure,
	.pick = pick,
};
