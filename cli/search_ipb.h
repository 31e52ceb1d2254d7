/*
 * search_ipb.h: iterative preemption bounding, the systematic search
 * behind `deja hunt -s ipb:K`.
 *
 * Following Musuvathi and Qadeer (PLDI 2007), the search runs every
 * schedule with no preemption first, then every schedule with one, and so
 * on up to K.  A schedule is a script (scheduler/script.h): the switches
 * that differ from the nonpreemptive default.  After each run the search
 * learns, from the events' choosable masks (protocol.h), where another
 * thread could have been picked, and adds one child schedule per such
 * alternative that lies after the schedule's own last switch: every
 * schedule then has exactly one parent, so none is run twice.  A switch
 * away from a thread that could go on costs one preemption; a choice made
 * because the thread blocked, yielded or ended is free.
 *
 * Pure bookkeeping over event streams, without processes: cmd_hunt.c
 * feeds it real runs, tests/unit/test_search_ipb.c simulated ones.
 */
#ifndef DEJA_SEARCH_IPB_H
#define DEJA_SEARCH_IPB_H

#include <stdbool.h>
#include <stdint.h>

#include "protocol.h"

/* The most preemptions ipb:K may ask for. */
#define IPB_MAX_BOUND 16u

enum ipb_status {
	IPB_RUN = 0,     /* a schedule to run was handed out */
	IPB_EXHAUSTED,   /* every schedule within the bound has run */
};

struct ipb_search;

/* A search for schedules with at most `bound` preemptions (<=
 * IPB_MAX_BOUND), holding at most max_pending schedules waiting to run
 * (0: a default of a few million); NULL when out of memory. */
struct ipb_search *ipb_new(uint32_t bound, uint64_t max_pending);
void ipb_free(struct ipb_search *s);

/* The next schedule: its script (sorted; owned by the search, valid until
 * the next call) and how many preemptions it was built with. */
enum ipb_status ipb_next(struct ipb_search *s, const struct deja_script_entry **script,
			 uint64_t *len, uint32_t *preemptions);

/* The events of the run ipb_next handed out, in order; then ipb_end. */
void ipb_observe(struct ipb_search *s, const struct deja_event *ev);
void ipb_end(struct ipb_search *s);

/* Schedules handed out so far. */
uint64_t ipb_runs(const struct ipb_search *s);
/* False when schedules were dropped (too many waiting, or out of
 * memory): exhaustion then does not mean every schedule ran. */
bool ipb_complete(const struct ipb_search *s);

#endif /* DEJA_SEARCH_IPB_H */
