/*
 * strategy_random.c: a seeded random walk.  At every scheduling point each
 * enabled thread is equally likely to run next.  Optional parameter: the
 * percentage of points at which to switch at all (random:50 keeps the
 * current thread half of the time); the default, 100, is a uniform choice.
 */
#include "strategy.h"

#include <stdlib.h>

static int configure(struct deja_model *m, const char *param, char *err,
		     size_t errlen)
{
	m->strategy_param = 100;
	if (!param)
		return 0;
	char *end;
	long pct = strtol(param, &end, 10);
	if (*param == '\0' || *end != '\0' || pct < 1 || pct > 100) {
		deja_strategy_error(err, errlen,
				    "random:PERCENT takes a number from 1 to 100, not ", param);
		return -1;
	}
	m->strategy_param = (uint32_t)pct;
	return 0;
}

/* One point in TIMEOUT_ODDS lets a timed wait time out early: often
 * enough to preempt a CPython GIL holder, rarely enough that waits meant
 * to be signalled usually are. */
#define TIMEOUT_ODDS 16

static uint32_t pick(struct deja_model *m, const struct deja_choice *c)
{
	if (c->ntimeouts && deja_prng_below(m, TIMEOUT_ODDS) == 0)
		return c->timeouts[deja_prng_below(m, c->ntimeouts)];
	if (c->current_enabled && m->strategy_param < 100 &&
	    deja_prng_below(m, 100) >= m->strategy_param)
		return c->current;
	return c->enabled[deja_prng_below(m, c->count)];
}

const struct deja_strategy deja_strategy_random = {
	.name = "random",
	.summary = "seeded random walk over the enabled threads",
	.configure = configure,
	.pick = pick,
	.tick_offer = deja_tick_offer_gap,
};
