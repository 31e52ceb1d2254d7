/*
 * strategy_nonpreemptive.c: run the current thread until it blocks, yields
 * or ends; then hand over round-robin to the next enabled thread.  The
 * default for `deja record`: it adds no preemptions, so a recording made
 * with it shows the program's own, least surprising interleaving.  (A
 * thread that never blocks counts as yielding when its turn ends, so a
 * thread polling under a lock lets the others run: scheduler.c.)
 */
#include "strategy.h"


static int configure(struct deja_model *m, const char *param, char *err,
		     size_t errlen)
{
	(void)m;
	if (param) {
		deja_strategy_error(err, errlen, "strategy nonpreemptive takes no parameter", NULL);
		return -1;
	}
	return 0;
}

static uint32_t pick(struct deja_model *m, const struct deja_choice *c)
{
	(void)m;
	if (c->current_enabled && !c->current_yields)
		return c->current;
	/* The first enabled thread after current, wrapping around. */
	for (uint32_t i = 0; i < c->count; i++)
		if (c->enabled[i] > c->current)
			return c->enabled[i];
	return c->enabled[0];
}

const struct deja_strategy deja_strategy_nonpreemptive = {
	.name = "nonpreemptive",
	.summary = "run each thread until it blocks or yields",
	.configure = configure,
	.pick = pick,
};
