/*
 * fewer_search.c: a bounded search for fewer preemptions (see
 * fewer_search.h).
 */
#include "fewer_search.h"

int fewer_search(uint64_t have, uint64_t max_runs, fewer_run_fn run, void *ctx,
		 uint64_t *runs)
{
	*runs = 0;
	if (have == 0)
		return 0;
	uint32_t bound = have - 1 > IPB_MAX_BOUND ? IPB_MAX_BOUND : (uint32_t)(have - 1);
	struct ipb_search *ipb = ipb_new(bound, 0);
	if (!ipb)
		return -1;
	int r = 0;
	while (r == 0 && *runs < max_runs) {
		const struct deja_script_entry *script;
		uint64_t len;
		uint32_t promised;
		if (ipb_next(ipb, &script, &len, &promised) == IPB_EXHAUSTED)
			break;
		(*runs)++;
		r = run(ctx, script, len, ipb);
		ipb_end(ipb);
	}
	ipb_free(ipb);
	return r;
}
