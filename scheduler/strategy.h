/*
 * strategy.h: the one interface every scheduling strategy implements.
 *
 * At each scheduling point the scheduler core (scheduler.c) lists the enabled
 * threads and asks the active strategy which one runs next.  A strategy is
 * a const table of functions; its state lives in the model (struct
 * deja_model: prng, rr_next, strategy_param), so that whichever thread
 * holds the baton can choose, and all its randomness comes from one PRNG
 * seeded from --seed: the seed alone re-creates a run.
 */
#ifndef DEJA_STRATEGY_H
#define DEJA_STRATEGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol.h"

struct deja_choice {
	const uint32_t *enabled; /* thread indices, ascending */
	uint32_t count;
	uint32_t current;        /* thread that ran the last event */
	bool current_enabled;
	bool current_yields;     /* current's pending op is a yield or sleep (enabled or not) */
	uint64_t step;           /* index of the event about to execute */
	const uint32_t *schedule; /* follow: the recorded schedule */
	uint64_t schedule_len;
	/* Threads in a timed wait that could end by timing out now.  A
	 * strategy may return one of them: its wait then times out (and the
	 * virtual clock moves on to its deadline).  This is how a thread
	 * waiting for CPython's GIL gets to ask the holder to let go. */
	const uint32_t *timeouts;
	uint32_t ntimeouts;
	/* script: the switches to make (protocol.h), sorted. */
	const struct deja_script_entry *script;
	uint64_t script_len;
	uint64_t current_events; /* current's script position (script_events) */
};

/* pick's answer when it cannot follow (follow strategy only). */
#define DEJA_PICK_DIVERGE UINT32_MAX

struct deja_strategy {
	const char *name;
	const char *summary;
	/* Check and store NAME:PARAM's parameter; 0 or -1 with err filled. */
	int (*configure)(struct deja_model *m, const char *param, char *err,
			 size_t errlen);
	/* Returns an element of choice->enabled, or DEJA_PICK_DIVERGE. */
	uint32_t (*pick)(struct deja_model *m, const struct deja_choice *choice);
	/* Ticks (runtime/ticks.c): the tick count, above `ticks`, at which
	 * thread t, now at tick `ticks` of its own and `all` of all threads,
	 * is next offered a preemption in plain code; DEJA_NO_TICK for none.
	 * Chosen in advance, so that the runtime's common path is a decrement
	 * and a branch.
	 * NULL: never (nonpreemptive; follow has the recorded ones). */
	uint64_t (*tick_offer)(struct deja_model *m, uint32_t t, uint64_t ticks, uint64_t all);
};

enum deja_strategy_id {
	DEJA_STRATEGY_NONPREEMPTIVE = 0,
	DEJA_STRATEGY_RANDOM,
	DEJA_STRATEGY_FOLLOW,
	DEJA_STRATEGY_PCT,
	DEJA_STRATEGY_POS,
	DEJA_STRATEGY_SCRIPT,
	DEJA_STRATEGY_SURW,
	DEJA_STRATEGY_COUNT
};

extern const struct deja_strategy deja_strategy_nonpreemptive;
extern const struct deja_strategy deja_strategy_random;
extern const struct deja_strategy deja_strategy_follow;
extern const struct deja_strategy deja_strategy_pct;
extern const struct deja_strategy deja_strategy_pos;
extern const struct deja_strategy deja_strategy_script;
extern const struct deja_strategy deja_strategy_surw;

const struct deja_strategy *deja_strategy_get(uint32_t id);

/* Parse "NAME[:PARAM]" into the model (strategy, strategy_param) and seed
 * the PRNG.  Returns 0, or -1 with a message in err. */
int deja_strategy_setup(struct deja_model *m, const char *spec, uint64_t seed,
			char *err, size_t errlen);

/* Write "a" followed by "b" (may be NULL) into err: an error message
 * without stdio, since strategies are also linked into the runtime. */
void deja_strategy_error(char *err, size_t errlen, const char *a, const char *b);

/* The strategy's deterministic PRNG (splitmix64 over m->prng). */
uint64_t deja_prng_next(struct deja_model *m);
uint32_t deja_prng_below(struct deja_model *m, uint32_t bound);
/* The PRNG of tick offers (m->tick_prng): a stream of its own, so that a
 * program without ticks draws from m->prng exactly as before. */
uint64_t deja_tick_prng_next(struct deja_model *m);
/* A tick offer a random gap after `ticks`: uniform in [1, 2 * m->tick_gap],
 * mean about tick_gap (random and pos). */
uint64_t deja_tick_offer_gap(struct deja_model *m, uint32_t t, uint64_t ticks, uint64_t all);

#endif /* DEJA_STRATEGY_H */
