/*
 * scheduler.c: the scheduler core (see scheduler.h).
 */
#include "scheduler.h"

#include "model.h"
#include "script.h"
#include "strategy.h"

/* Thread t waits with a deadline the clock has passed: it would have woken
 * by now, had another thread not kept the right to run. */
static bool overdue(const struct deja_model *m, uint32_t t)
{
	return !deja_model_enabled(m, t) && deja_model_may_time_out(m, t) &&
	       m->threads[t].pending.deadline <= m->vclock;
}

static bool other_overdue(const struct deja_model *m, uint32_t t)
{
	for (uint32_t i = 0; i < m->nthreads; i++)
		if (i != t && overdue(m, i))
			return true;
	return false;
}

/* The current thread has made DEJA_SLICE_EVENTS events in a row, or its
 * turn ended within the last DEJA_TURN_GRACE_EVENTS steps, and another
 * thread could run: it has had its turn.  Without this, a thread
 * polling a flag under a lock would keep the right to run for ever under
 * nonpreemptive and pct, and the thread it waits for would never start.
 * A thread whose timed wait is overdue counts as one that could run: a
 * thread polling the clock until a timed waiter acted ran on to the step
 * budget under nonpreemptive, where waits time out only when nobody can
 * run.  A function of the events alone, so a replay finds the same
 * turns. */
static bool long_run(const struct deja_model *m)
{
	if (m->current >= m->nthreads)
		return false;
	bool turn_used = m->current_run >= DEJA_SLICE_EVENTS ||
			 (m->current == m->turn_thread && m->steps < m->turn_until);
	return turn_used &&
	       (deja_model_other_enabled(m, m->current) || other_overdue(m, m->current));
}

/* Switching away from a thread here is not a preemption: it yields,
 * sleeps, has used up its timeslice or its turn, or is about to wait for
 * input or for a child (which it may have to). */
static bool yields(const struct deja_model *m, uint32_t t)
{
	const struct deja_pending *p = &m->threads[t].pending;
	return p->op == DEJA_OP_YIELD || p->op == DEJA_OP_SLEEP ||
	       p->op == DEJA_OP_TIMESLICE || p->op == DEJA_OP_INTERRUPT ||
	       ((p->op == DEJA_OP_SYSCALL || p->op == DEJA_OP_REAP) && p->may_block) ||
	       (t == m->current && long_run(m));
}

/* The current thread's event must be followed by its own next one: a
 * fork in its parent.  glibc's fork() holds its malloc arenas' and
 * stdio's locks from before the clone until the fork has returned, and
 * another thread chosen at the fork event that allocated in deja's own
 * call into glibc (pthread_create, whose waits for glibc's internal locks
 * the trap does not see) waited in the kernel for the forking thread,
 * which waited for it: the recording hung.  And a raw thread exit
 * (DEJA_THREAD_EXIT_AT_ONCE). */
static bool must_go_on(const struct deja_model *m)
{
	if (m->current >= m->nthreads || !deja_model_enabled(m, m->current))
		return false;
	const struct deja_pending *p = &m->threads[m->current].pending;
	return p->op == DEJA_OP_FORK ||
	       (p->op == DEJA_OP_THREAD_EXIT && p->arg == DEJA_THREAD_EXIT_AT_ONCE);
}

/* The timed wait that times out first: earliest deadline, then longest
 * waiting.  DEJA_NO_THREAD when no thread can time out. */
static uint32_t first_timeout(const struct deja_model *m)
{
	uint32_t best = DEJA_NO_THREAD;
	for (uint32_t i = 0; i < m->nthreads; i++) {
		if (!deja_model_may_time_out(m, i))
			continue;
		const struct deja_pending *p = &m->threads[i].pending;
		if (best == DEJA_NO_THREAD)
			best = i;
		const struct deja_pending *b = &m->threads[best].pending;
		if (p->deadline < b->deadline ||
		    (p->deadline == b->deadline && p->wait_seq < b->wait_seq))
			best = i;
	}
	return best;
}

static bool follows(const struct deja_model *m);
static bool timer_first(struct deja_model *m);

static enum deja_decision_kind nobody_can_run(const struct deja_model *m)
{
	bool live = false, futex = false;
	for (uint32_t i = 0; i < m->nthreads; i++) {
		const struct deja_thread *th = &m->threads[i];
		if (th->state != DEJA_THREAD_LIVE)
			continue;
		live = true;
		if ((th->pending.op == DEJA_OP_SYSCALL || th->pending.op == DEJA_OP_REAP) &&
		    th->pending.wait_io)
			return DEJA_DECIDE_EXTERNAL;
		/* pause(): a signal from outside may still come (a replay
		 * does not wait for one: its signals are recorded). */
		if ((th->pending.interrupt & DEJA_INTERRUPT_SIGNAL_ONLY) && !follows(m))
			return DEJA_DECIDE_EXTERNAL;
		futex |= th->pending.op == DEJA_OP_FUTEX_RESUME;
	}
	if (futex)
		return DEJA_DECIDE_STALLED;
	return live ? DEJA_DECIDE_DEADLOCK : DEJA_DECIDE_ALL_DONE;
}

static bool follows(const struct deja_model *m)
{
	return m->strategy == DEJA_STRATEGY_FOLLOW;
}

/* A timed wait of thread t ends by timing out: the virtual clock moves on
 * to its deadline. */
static void reach_deadline(struct deja_model *m, uint32_t t)
{
	uint64_t deadline = m->threads[t].pending.deadline;
	if (deadline != DEJA_NO_DEADLINE && deadline > m->vclock)
		m->vclock = deadline;
}

static void note_choice(struct deja_model *m, uint32_t t, bool timed_out,
			bool current_enabled)
{
	if (timed_out)
		reach_deadline(m, t);
	uint32_t flags = 0;
	if (t != m->current) {
		flags |= DEJA_EVENT_SWITCH;
		m->switches++;
		if (current_enabled && !yields(m, m->current)) {
			flags |= DEJA_EVENT_PREEMPT;
			m->preemptions++;
		}
	}
	if (timed_out)
		flags |= DEJA_EVENT_TIMED_OUT;
	if (long_run(m)) {
		flags |= DEJA_EVENT_TURN;
		if (m->current_run >= DEJA_SLICE_EVENTS) { /* a new turn's end: its grace */
			m->turn_thread = m->current;
			m->turn_until = m->steps + DEJA_TURN_GRACE_EVENTS;
		}
		m->current_run = 0; /* its turn is over, even if it goes on */
	}
	m->current = t;
	m->chosen_timed_out = timed_out;
	m->chosen_flags = flags;
}

/* What else this choice could have picked, for the event it leads to:
 * the supervisor's systematic search (ipb) branches there. */
static void note_choosable(struct deja_model *m, const struct deja_choice *c)
{
	uint64_t mask = 0;
	for (uint32_t i = 0; i < c->count; i++)
		if (c->enabled[i] < 64)
			mask |= 1ull << c->enabled[i];
	for (uint32_t i = 0; i < c->ntimeouts; i++)
		if (c->timeouts[i] < 64)
			mask |= 1ull << c->timeouts[i];
	m->chosen_choosable = mask;
	m->chosen_free = !c->current_enabled || c->current_yields;
}

static struct deja_decision decide_timeout(struct deja_model *m,
					   const struct deja_sched_input *in)
{
	struct deja_decision d = { .kind = DEJA_DECIDE_RUN };
	if (timer_first(m)) {
		d.kind = DEJA_DECIDE_TIMER;
		return d;
	}
	uint32_t t = first_timeout(m);
	if (t == DEJA_NO_THREAD) {
		d.kind = nobody_can_run(m);
		return d;
	}
	if (follows(m) &&
	    (m->steps >= in->schedule_len ||
	     (in->schedule[m->steps] & DEJA_SCHEDULE_THREAD) != t)) {
		d.kind = DEJA_DECIDE_DIVERGED;
		return d;
	}
	d.thread = t;
	d.timed_out = true;
	note_choice(m, t, true, false);
	return d;
}

/* Nobody can run and a virtual timer is armed: when it expires before any
 * timed wait does (or nothing else can end the wait), the clock jumps to
 * it and the runtime fires it, which may interrupt a waiting thread.  A
 * replay does not: the recorded clock of each event takes it there. */
static bool timer_first(struct deja_model *m)
{
	if (follows(m) || m->timer_deadline == DEJA_NO_DEADLINE)
		return false;
	uint32_t t = first_timeout(m);
	if (t != DEJA_NO_THREAD && m->threads[t].pending.deadline < m->timer_deadline)
		return false;
	if (m->timer_deadline > m->vclock)
		m->vclock = m->timer_deadline;
	return true;
}

/* A strategy may end a timed wait early (the virtual clock then jumps to
 * its deadline) when the deadline is near: a delay that short is what any
 * scheduler may impose, and it is how a thread waiting for CPython's GIL
 * (a 5 ms wait) gets to preempt the holder.  Longer waits time out only
 * when nobody else can run. */
#define DEJA_EARLY_TIMEOUT_NS 50000000ull

static bool may_time_out_early(const struct deja_model *m, uint32_t t)
{
	uint64_t deadline = m->threads[t].pending.deadline;
	return deja_model_may_time_out(m, t) && deadline != DEJA_NO_DEADLINE &&
	       deadline <= m->vclock + DEJA_EARLY_TIMEOUT_NS &&
	       (deadline < m->timer_deadline || follows(m)); /* not past a timer's signal */
}

/* Follow: the recording's next event is that of a thread whose next event
 * after it is a signal, and the thread waits: a signal interrupted its
 * wait there (from a timer, another thread, or outside). */
static void follow_interrupt(struct deja_model *m, const struct deja_sched_input *in)
{
	if (!follows(m) || m->steps >= in->schedule_len)
		return;
	uint32_t e = in->schedule[m->steps];
	uint32_t t = e & DEJA_SCHEDULE_THREAD;
	if (!(e & DEJA_SCHEDULE_SIGNAL_NEXT) || (e & DEJA_SCHEDULE_TIMEOUT) || t >= m->nthreads ||
	    deja_model_enabled(m, t) || m->threads[t].state != DEJA_THREAD_LIVE)
		return;
	m->threads[t].pending.interrupt |= DEJA_INTERRUPT_INTERRUPTED;
}

/* Follow: the recording fired a timeout here.  Fire it whatever else is
 * enabled now: threads waiting for input, which a replay does not wait
 * for, count as enabled in a replay but were not when the timeout fired. */
static bool follow_timeout(struct deja_model *m, const struct deja_sched_input *in,
			   struct deja_decision *d)
{
	if (!follows(m) || m->steps >= in->schedule_len ||
	    !(in->schedule[m->steps] & DEJA_SCHEDULE_TIMEOUT))
		return false;
	uint32_t t = in->schedule[m->steps] & DEJA_SCHEDULE_THREAD;
	if (t >= m->nthreads || !deja_model_may_time_out(m, t)) {
		d->kind = DEJA_DECIDE_DIVERGED;
		return true;
	}
	d->kind = DEJA_DECIDE_RUN;
	d->thread = t;
	d->timed_out = true;
	note_choice(m, t, true, m->current < m->nthreads && deja_model_enabled(m, m->current));
	return true;
}

/* The current thread has used up its timeslice, or spins (an interrupt),
 * and another thread can run: it is not chosen this time, whatever the
 * strategy, or a thread spinning for another could spin for ever. */
static bool slice_over(const struct deja_model *m)
{
	if (follows(m) || m->current >= m->nthreads)
		return false;
	uint16_t op = m->threads[m->current].pending.op;
	return (op == DEJA_OP_TIMESLICE || op == DEJA_OP_INTERRUPT) &&
	       deja_model_other_enabled(m, m->current);
}

struct deja_decision deja_sched_choose(struct deja_model *m,
				       const struct deja_sched_input *in)
{
	struct deja_decision d = { .kind = DEJA_DECIDE_RUN };
	if (m->max_steps && m->steps >= m->max_steps) {
		d.kind = DEJA_DECIDE_BUDGET;
		return d;
	}
	if (follow_timeout(m, in, &d))
		return d;
	follow_interrupt(m, in);
	uint32_t enabled[DEJA_MAX_THREADS], timeouts[DEJA_MAX_THREADS];
	uint32_t n = 0, nt = 0;
	bool current_enabled = false;
	bool pass_over = slice_over(m);
	/* A turn that ends lets overdue waits time out, as a wake-up would. */
	bool turn_over = long_run(m) && deja_model_enabled(m, m->current);
	for (uint32_t i = 0; i < m->nthreads; i++) {
		if (pass_over && i == m->current)
			continue;
		if (!deja_model_enabled(m, i)) {
			if (may_time_out_early(m, i))
				timeouts[nt++] = i;
			if (turn_over && overdue(m, i))
				enabled[n++] = i;
			continue;
		}
		enabled[n++] = i;
		if (i == m->current)
			current_enabled = true;
	}
	if (n == 0)
		return decide_timeout(m, in);
	if (must_go_on(m)) {
		enabled[0] = m->current;
		n = 1;
	}

	struct deja_choice c = {
		.enabled = enabled,
		.count = n,
		.current = m->current,
		.current_enabled = current_enabled,
		/* A sleep too, which is not enabled until it times out. */
		.current_yields = m->current < m->nthreads && yields(m, m->current),
		.step = m->steps,
		.schedule = in->schedule,
		.schedule_len = in->schedule_len,
		.timeouts = timeouts,
		.ntimeouts = nt,
		.script = in->script,
		.script_len = in->script_len,
		.current_events = m->current < m->nthreads ? m->threads[m->current].script_events : 0,
	};
	uint32_t t = deja_strategy_get(m->strategy)->pick(m, &c);
	if (t == DEJA_PICK_DIVERGE) {
		d.kind = DEJA_DECIDE_DIVERGED;
		return d;
	}
	d.thread = t;
	d.timed_out = !deja_model_enabled(m, t);
	note_choice(m, t, d.timed_out, current_enabled);
	note_choosable(m, &c);
	return d;
}

/* Parallel mode: t's timed wait cannot go on but the clock, which the
 * other threads' events move, has passed its deadline: it times out there,
 * rather than only when nobody runs (a condition wait beside a thread that
 * never blocks waited for ever). */
static bool deadline_passed(const struct deja_model *m, uint32_t t)
{
	return !deja_model_enabled(m, t) && deja_model_may_time_out(m, t) &&
	       m->vclock >= m->threads[t].pending.deadline;
}

bool deja_sched_may_go(const struct deja_model *m, const struct deja_sched_input *in,
		       uint32_t t, bool *timed_out)
{
	*timed_out = false;
	if (m->threads[t].state != DEJA_THREAD_LIVE)
		return false;
	if (!follows(m)) {
		if (m->threads[t].fire_timeout || deadline_passed(m, t)) {
			*timed_out = true;
			return true;
		}
		return deja_model_enabled(m, t);
	}
	if (m->steps >= in->schedule_len ||
	    (in->schedule[m->steps] & DEJA_SCHEDULE_THREAD) != t)
		return false;
	if (in->schedule[m->steps] & DEJA_SCHEDULE_TIMEOUT) {
		*timed_out = true;
		return deja_model_may_time_out(m, t);
	}
	follow_interrupt((struct deja_model *)(uintptr_t)m, in);
	return deja_model_enabled(m, t);
}

/* No live thread is enabled or could time out. */
static bool nobody_could_go(const struct deja_model *m)
{
	for (uint32_t i = 0; i < m->nthreads; i++)
		if (deja_model_enabled(m, i) || deja_model_may_time_out(m, i))
			return false;
	return true;
}

static struct deja_decision settle_follow(struct deja_model *m,
					  const struct deja_sched_input *in)
{
	struct deja_decision d = { .kind = DEJA_DECIDE_RUN };
	bool live = false;
	for (uint32_t i = 0; i < m->nthreads; i++)
		live |= m->threads[i].state == DEJA_THREAD_LIVE;
	if (!live) {
		d.kind = DEJA_DECIDE_ALL_DONE;
		return d;
	}
	if (m->steps >= in->schedule_len) {
		/* A recording that ended waiting (a deadlock) ends so again:
		 * only a thread that could go on went past its end. */
		d.kind = nobody_could_go(m) ? nobody_can_run(m) : DEJA_DECIDE_DIVERGED;
		return d;
	}
	uint32_t t = in->schedule[m->steps] & DEJA_SCHEDULE_THREAD;
	bool timed_out;
	if (t < m->nthreads && deja_sched_may_go(m, in, t, &timed_out)) {
		d.thread = t;
		d.timed_out = timed_out;
	} else if (t < m->nthreads && m->threads[t].state == DEJA_THREAD_LIVE &&
		   !m->threads[t].parked) {
		d.kind = DEJA_DECIDE_WAIT; /* still on its way to its first event */
	} else {
		d.kind = DEJA_DECIDE_DIVERGED;
	}
	return d;
}

struct deja_decision deja_sched_settle(struct deja_model *m, const struct deja_sched_input *in)
{
	struct deja_decision d = { .kind = DEJA_DECIDE_RUN };
	if (follows(m))
		return settle_follow(m, in);
	for (uint32_t i = 0; i < m->nthreads; i++) {
		bool timed_out;
		if (deja_sched_may_go(m, in, i, &timed_out)) {
			d.thread = i;
			d.timed_out = timed_out;
			return d;
		}
	}
	if (timer_first(m)) {
		d.kind = DEJA_DECIDE_TIMER;
		return d;
	}
	uint32_t t = first_timeout(m);
	if (t == DEJA_NO_THREAD) {
		d.kind = nobody_can_run(m);
		return d;
	}
	m->threads[t].fire_timeout = 1;
	d.thread = t;
	d.timed_out = true;
	return d;
}

uint64_t deja_sched_idle_deadline(const struct deja_model *m)
{
	for (uint32_t i = 0; i < m->nthreads; i++)
		if (deja_model_enabled(m, i))
			return DEJA_NO_DEADLINE;
	uint32_t t = first_timeout(m);
	uint64_t deadline = t == DEJA_NO_THREAD ? DEJA_NO_DEADLINE : m->threads[t].pending.deadline;
	return m->timer_deadline < deadline ? m->timer_deadline : deadline;
}

void deja_sched_take(struct deja_model *m, uint32_t t, bool timed_out)
{
	struct deja_thread *th = &m->threads[t];
	if (timed_out)
		reach_deadline(m, t);
	th->fire_timeout = 0;
	uint32_t flags = timed_out ? DEJA_EVENT_TIMED_OUT : 0;
	if (t != m->current) {
		flags |= DEJA_EVENT_SWITCH;
		m->switches++;
	}
	m->current = t;
	m->chosen_timed_out = timed_out;
	m->chosen_flags = flags;
}

uint64_t deja_sched_tick_offer(struct deja_model *m, const struct deja_sched_input *in,
			       uint32_t t, uint64_t last_seq, uint64_t ticks)
{
	if (follows(m)) {
		uint64_t stop = in->ticks && last_seq < in->schedule_len ? in->ticks[last_seq]
									  : DEJA_NO_TICK;
		return stop != DEJA_NO_TICK && (stop & DEJA_STOP_INTERRUPT) ? DEJA_NO_TICK : stop;
	}
	if (m->strategy == DEJA_STRATEGY_SCRIPT) {
		/* A switch the script places at a tick: stop there. */
		const struct deja_script_entry *e = deja_script_find(
			in->script, in->script_len, t, m->threads[t].script_events);
		return e && e->tick > ticks ? e->tick : DEJA_NO_TICK;
	}
	const struct deja_strategy *s = deja_strategy_get(m->strategy);
	if (!s->tick_offer)
		return DEJA_NO_TICK;
	/* Offers never spend the step budget: a long program would otherwise
	 * end as a timeout that is no bug of its own.  Past half of it, a run
	 * takes none (the switches they lead to cost events too: a CPython
	 * thread preempted at a tick hands the GIL over in a dozen). */
	if (m->max_steps && m->steps >= m->max_steps / 2)
		return DEJA_NO_TICK;
	/* All threads' ticks: those counted at their points, plus what t has
	 * passed since its last one. */
	uint64_t all = m->ticks + (ticks - m->coverage[t].ticks);
	return s->tick_offer(m, t, ticks, all);
}

int64_t deja_sched_step(struct deja_model *m, uint32_t t, struct deja_event *ev)
{
	struct deja_pending *p = &m->threads[t].pending;
	struct deja_object *o = deja_model_deref(m, p->object);
	ev->seq = m->steps;
	ev->thread = t;
	ev->op = p->op;
	ev->object = o ? deja_model_number(m, o) : 0;
	ev->object_addr = o ? o->addr : 0;
	if (p->op == DEJA_OP_THREAD_START) /* its kernel id, kept for the replay */
		ev->object_addr = (uint64_t)(uint32_t)m->threads[t].os_tid;
	ev->site = p->site;
	bool alone = m->live_threads <= 1;
	ev->flags = (uint16_t)(m->chosen_flags | p->flags | (alone ? DEJA_EVENT_ALONE : 0));
	ev->data_len = p->data_len;
	ev->data = p->data;
	ev->choosable = m->chosen_choosable;
	ev->choice_free = m->chosen_free;
	ev->image = 0; /* the runtime knows it, and the Python line */
	ev->py_code = 0;
	ev->py_line = 0;
	ev->output_seq = p->output_seq;
	uint64_t arg = 0;
	m->last_object = p->object;
	int64_t r = deja_model_execute(m, t, m->chosen_timed_out, &arg);
	bool last_alone = m->last_alone;
	if (deja_script_counts(ev->flags, &last_alone))
		m->threads[t].script_events++;
	m->last_alone = last_alone;
	ev->result = r;
	ev->arg = arg;
	ev->vtime = m->vclock;
	m->current_run = (ev->flags & DEJA_EVENT_SWITCH) ? 1 : m->current_run + 1;
	m->steps++;
	m->vclock += DEJA_TICK_NS;
	m->chosen_timed_out = 0;
	m->chosen_flags = 0;
	m->chosen_choosable = 0;
	m->chosen_free = 0;
	return r;
}
