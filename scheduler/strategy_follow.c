/*
 * strategy_follow.c: replay a recorded schedule.  Event i must be executed
 * by the thread recorded for it; if that thread cannot run, or the run goes
 * on past the end of the recording, the replay has diverged.
 */
#include "strategy.h"


static int configure(struct deja_model *m, const char *param, char *err,
		     size_t errlen)
{
	(void)m;
	if (param) {
		deja_strategy_error(err, errlen, "strategy follow takes no parameter", NULL);
		return -1;
	}
	return 0;
}

static uint32_t pick(struct deja_model *m, const struct deja_choice *c)
{
	(void)m;
	if (c->step >= c->schedule_len)
		return DEJA_PICK_DIVERGE;
	uint32_t want = c->schedule[c->step] & DEJA_SCHEDULE_THREAD;
	for (uint32_t i = 0; i < c->count; i++)
		if (c->enabled[i] == want)
			return want;
	return DEJA_PICK_DIVERGE;
}

const struct deja_strategy deja_strategy_follow = {
	.name = "follow",
	.summary = "replay a recorded schedule",
	.configure = configure,
	.pick = pick,
};
