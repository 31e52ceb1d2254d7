/*
 * sim.h: a tiny program simulator for scheduler tests.  Each simulated
 * thread runs a script of operations on shared objects; the scheduler core
 * chooses, exactly as it does inside a real target, but without threads.
 */
#ifndef DEJA_TEST_SIM_H
#define DEJA_TEST_SIM_H

#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "scheduler.h"
#include "strategy.h"

#define SIM_MAX_OPS 64
#define SIM_MAX_THREADS 8
#define SIM_MAX_EVENTS (1 << 18)

struct sim_step {
	enum deja_op op;
	int object;      /* index into sim.objects, -1 for none */
	uint64_t arg;    /* e.g. sleep ns, a semaphore wait's timeout (0: none) */
};

struct sim {
	struct deja_model *m;
	struct sim_step script[SIM_MAX_THREADS][SIM_MAX_OPS];
	int len[SIM_MAX_THREADS];
	int pc[SIM_MAX_THREADS];
	struct deja_object *objects[8];
	int nthreads;
	/* Thread t polls: it starts its script again at the end while
	 * thread polls_for[t] - 1 has not exited (0: it does not). */
	int polls_for[SIM_MAX_THREADS];
	bool exited[SIM_MAX_THREADS];
	uint32_t trace[SIM_MAX_EVENTS]; /* thread of each event */
	/* Each event as a replay's schedule holds it: its thread, and
	 * DEJA_SCHEDULE_TIMEOUT where a timed wait timed out. */
	uint32_t schedule[SIM_MAX_EVENTS];
	bool preempted[SIM_MAX_EVENTS]; /* event i preempted the thread before it */
	bool yielded[SIM_MAX_EVENTS];   /* event i was a yield or sleep */
	uint64_t nevents;
	/* Strategy script: its switches (sorted). */
	const struct deja_script_entry *switches;
	uint64_t nswitches;
	/* Sees every event, as the supervisor does (may be NULL). */
	void (*observe)(void *ctx, const struct deja_event *ev);
	void *observe_ctx;
};

static inline struct sim *sim_new(int nthreads, const char *strategy, uint64_t seed)
{
	struct sim *s = calloc(1, sizeof(*s));
	s->m = calloc(1, sizeof(*s->m));
	deja_model_init(s->m, 0);
	char err[128];
	if (deja_strategy_setup(s->m, strategy, seed, err, sizeof(err)) != 0)
		abort();
	s->nthreads = nthreads;
	for (int t = 0; t < nthreads; t++)
		deja_model_add_thread(s->m);
	for (int i = 0; i < 8; i++)
		s->objects[i] = deja_model_object(s->m, 0x1000 + 64 * (uint64_t)i, DEJA_OBJ_MUTEX);
	return s;
}

static inline void sim_free(struct sim *s)
{
	free(s->m);
	free(s);
}

static inline void sim_add(struct sim *s, int t, enum deja_op op, int object, uint64_t arg)
{
	s->script[t][s->len[t]++] = (struct sim_step){ op, object, arg };
}

/* Declare thread t's next scripted op (or its exit). */
static inline void sim_declare(struct sim *s, int t)
{
	if (s->pc[t] >= s->len[t]) {
		deja_model_set_pending(s->m, (uint32_t)t, DEJA_OP_THREAD_EXIT, NULL, 0, 0);
		return;
	}
	const struct sim_step *st = &s->script[t][s->pc[t]];
	struct deja_object *o = st->object >= 0 ? s->objects[st->object] : NULL;
	deja_model_set_pending(s->m, (uint32_t)t, st->op, o, st->arg, 0);
	/* A sleep, or a semaphore wait given a timeout (arg ns). */
	if (st->op == DEJA_OP_SLEEP || (st->op == DEJA_OP_SEM_WAIT && st->arg)) {
		s->m->threads[t].pending.timed = 1;
		s->m->threads[t].pending.deadline = s->m->vclock + st->arg;
	}
}

/* Run to the end; returns the decision that ended the run. */
static inline enum deja_decision_kind sim_run(struct sim *s, const uint32_t *schedule,
					      uint64_t schedule_len)
{
	struct deja_sched_input in = { .schedule = schedule, .schedule_len = schedule_len,
				       .script = s->switches, .script_len = s->nswitches };
	/* Every thread starts with THREAD_START pending. */
	for (;;) {
		struct deja_decision d = deja_sched_choose(s->m, &in);
		if (d.kind != DEJA_DECIDE_RUN)
			return d.kind;
		struct deja_event ev;
		uint32_t t = d.thread;
		enum deja_op done = s->m->threads[t].pending.op;
		deja_sched_step(s->m, t, &ev);
		if (s->observe)
			s->observe(s->observe_ctx, &ev);
		if (s->nevents < SIM_MAX_EVENTS) {
			s->preempted[s->nevents] = (ev.flags & DEJA_EVENT_PREEMPT) != 0;
			s->yielded[s->nevents] = ev.op == DEJA_OP_YIELD || ev.op == DEJA_OP_SLEEP;
			s->schedule[s->nevents] =
				t | (ev.flags & DEJA_EVENT_TIMED_OUT ? DEJA_SCHEDULE_TIMEOUT : 0);
			s->trace[s->nevents++] = t;
		}
		if (done == DEJA_OP_THREAD_EXIT) {
			s->exited[t] = true;
			continue;
		}
		if (done != DEJA_OP_THREAD_START)
			s->pc[t]++;
		if (s->pc[t] >= s->len[t] && s->polls_for[t] && !s->exited[s->polls_for[t] - 1])
			s->pc[t] = 0;
		sim_declare(s, (int)t);
	}
}

/* NTHREADS threads, each locking and unlocking one shared mutex ROUNDS
 * times: a small program with many interleavings. */
static inline struct sim *sim_contended(int nthreads, int rounds, const char *strategy,
					uint64_t seed)
{
	struct sim *s = sim_new(nthreads, strategy, seed);
	for (int t = 0; t < nthreads; t++)
		for (int i = 0; i < rounds; i++) {
			sim_add(s, t, DEJA_OP_MUTEX_LOCK, 0, 0);
			sim_add(s, t, DEJA_OP_MUTEX_UNLOCK, 0, 0);
		}
	return s;
}

#endif /* DEJA_TEST_SIM_H */
