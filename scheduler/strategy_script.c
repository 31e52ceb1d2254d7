/*
 * strategy_script.c: run a schedule given as a list of switches.
 *
 * Each entry of the script says "when thread T has executed K events, run
 * thread U next" (struct deja_script_entry in protocol.h); every choice
 * the script says nothing about is the nonpreemptive one.  Unlike the
 * follow strategy, which names the thread of every event and so cannot
 * survive any change, a script keeps its meaning when entries are removed:
 * `deja shrink` drops preemptions from a failing run this way, and
 * iterative preemption bounding builds its schedules by adding them.  An
 * entry whose thread U cannot run at its point is ignored.
 */
#include "strategy.h"

#include "script.h"

static int configure(struct deja_model *m, const char *param, char *err,
		     size_t errlen)
{
	(void)m;
	if (param) {
		deja_strategy_error(err, errlen, "strategy script takes no parameter "
				    "(the script comes from --script FILE)", NULL);
		return -1;
	}
	return 0;
}

static bool listed(const uint32_t *threads, uint32_t n, uint32_t t)
{
	for (uint32_t i = 0; i < n; i++)
		if (threads[i] == t)
			return true;
	return false;
}

static uint32_t pick(struct deja_model *m, const struct deja_choice *c)
{
	const struct deja_script_entry *e =
		deja_script_find(c->script, c->script_len, c->current, c->current_events);
	if (e && (listed(c->enabled, c->count, e->to) ||
		  listed(c->timeouts, c->ntimeouts, e->to)))
		return e->to;
	return deja_strategy_nonpreemptive.pick(m, c);
}

const struct deja_strategy deja_strategy_script = {
	.name = "script",
	.summary = "switch threads where a script says, otherwise nonpreemptive",
	.configure = configure,
	.pick = pick,
};
