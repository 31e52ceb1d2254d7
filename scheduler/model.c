/*
 * model.c: effects and enabledness of every operation in ops.def.
 *
 * The model is the only truth about synchronisation state while a target
 * runs under deja: the real pthread objects are never locked.  Each
 * operation is a case in three switches (enabled, may time out, execute);
 * adding an operation means adding it to ops.def and to those switches.
 */
#include "model.h"
#include "strategy.h"

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <string.h>

static const char *const op_names[DEJA_OP_COUNT] = {
#define DEJA_OP(name, text, kind) [DEJA_OP_##name] = text,
#include "ops.def"
#undef DEJA_OP
};

static const uint8_t op_kinds[DEJA_OP_COUNT] = {
#define DEJA_OP(name, text, kind) [DEJA_OP_##name] = kind,
#include "ops.def"
#undef DEJA_OP
};

enum deja_object_kind deja_op_object_kind(enum deja_op op)
{
	return (unsigned)op < DEJA_OP_COUNT ? (enum deja_object_kind)op_kinds[op] : DEJA_OBJ_NONE;
}

const char *deja_op_name(enum deja_op op)
{
	if ((unsigned)op >= DEJA_OP_COUNT)
		return "unknown";
	return op_names[op];
}

const char *deja_object_kind_name(enum deja_object_kind kind)
{
	switch (kind) {
	case DEJA_OBJ_MUTEX: return "mutex";
	case DEJA_OBJ_COND: return "cond";
	case DEJA_OBJ_RWLOCK: return "rwlock";
	case DEJA_OBJ_SEM: return "sem";
	case DEJA_OBJ_BARRIER: return "barrier";
	case DEJA_OBJ_SPIN: return "spin";
	case DEJA_OBJ_ONCE: return "once";
	case DEJA_OBJ_FUTEX: return "futex";
	case DEJA_OBJ_FILE_LOCK: return "file_lock";
	case DEJA_OBJ_STREAM: return "stream";
	case DEJA_OBJ_NONE:
	case DEJA_OBJ_TOMBSTONE: break;
	}
	return "none";
}

void deja_model_init(struct deja_model *m, uint64_t max_steps)
{
	memset(m, 0, sizeof(*m));
	deja_model_init_zeroed(m, max_steps);
}

void deja_model_init_zeroed(struct deja_model *m, uint64_t max_steps)
{
	m->current = 0;
	m->next_object_id = 1;
	m->max_steps = max_steps;
	m->timer_deadline = DEJA_NO_DEADLINE;
}

/* A number to give again once all are used: the lowest of a finished
 * thread another has joined (deja_model.reuse_joined), or none.  Joined,
 * it is referred to by nothing: a second join of it is undefined. */
static uint32_t joined_thread(const struct deja_model *m)
{
	for (uint32_t t = 1; m->reuse_joined && t < m->nthreads; t++)
		if (m->threads[t].state == DEJA_THREAD_FINISHED && m->threads[t].joined)
			return t;
	return DEJA_NO_THREAD;
}

uint32_t deja_model_add_thread(struct deja_model *m)
{
	uint32_t t = m->nthreads < DEJA_MAX_THREADS ? m->nthreads++ : joined_thread(m);
	if (t == DEJA_NO_THREAD)
		return DEJA_NO_THREAD;
	struct deja_thread *th = &m->threads[t];
	memset(th, 0, sizeof(*th));
	th->state = DEJA_THREAD_LIVE;
	m->live_threads++;
	m->pct_priority[t] = 0; /* given anew, as to a new thread */
	m->pos_event[t] = 0;
	memset(&m->coverage[t], 0, sizeof(m->coverage[t]));
	m->coverage[t].stopped_tick = DEJA_NO_TICK; /* runtime/ticks.c */
	deja_model_set_pending(m, t, DEJA_OP_THREAD_START, NULL, 0, 0);
	return t;
}

void deja_model_finish(struct deja_model *m, uint32_t t)
{
	if (m->threads[t].state == DEJA_THREAD_LIVE && m->live_threads > 0)
		m->live_threads--;
	m->threads[t].state = DEJA_THREAD_FINISHED;
}

/* ---- object table: open addressing keyed by address ---- */

static uint32_t slot_of(uint64_t addr)
{
	return (uint32_t)((addr >> 3) * 0x9E3779B97F4A7C15ull >> 40) &
	       (DEJA_OBJECT_SLOTS - 1);
}

struct deja_object *deja_model_find(struct deja_model *m, uint64_t addr)
{
	uint32_t i = slot_of(addr);
	for (uint32_t n = 0; n < DEJA_OBJECT_SLOTS; n++) {
		struct deja_object *o = &m->objects[(i + n) & (DEJA_OBJECT_SLOTS - 1)];
		if (o->kind == DEJA_OBJ_NONE)
			return NULL;
		if (o->kind != DEJA_OBJ_TOMBSTONE && o->addr == addr)
			return o;
	}
	return NULL;
}

static void reset_object(struct deja_model *m, struct deja_object *o,
			 uint64_t addr, enum deja_object_kind kind)
{
	memset(o, 0, sizeof(*o));
	o->addr = addr;
	o->kind = (uint16_t)kind;
	o->id = m->ids_at_events ? 0 : m->next_object_id++; /* else deja_model_number */
	o->owner = DEJA_NO_THREAD;
}

static bool object_busy(const struct deja_object *o)
{
	return o->owner != DEJA_NO_THREAD || o->count != 0;
}

struct deja_object *deja_model_object(struct deja_model *m, uint64_t addr,
				      enum deja_object_kind kind)
{
	struct deja_object *o = deja_model_find(m, addr);
	if (o) {
		if (o->kind != kind && !object_busy(o))
			reset_object(m, o, addr, kind);
		return o;
	}
	/* Keep the table at most 3/4 full so probes stay short. */
	if (m->nobjects >= DEJA_OBJECT_SLOTS / 4 * 3)
		return NULL;
	uint32_t i = slot_of(addr);
	for (uint32_t n = 0; n < DEJA_OBJECT_SLOTS; n++) {
		o = &m->objects[(i + n) & (DEJA_OBJECT_SLOTS - 1)];
		if (o->kind == DEJA_OBJ_NONE || o->kind == DEJA_OBJ_TOMBSTONE) {
			if (o->kind == DEJA_OBJ_NONE)
				m->nobjects++;
			reset_object(m, o, addr, kind);
			return o;
		}
	}
	return NULL;
}

uint32_t deja_model_number(struct deja_model *m, struct deja_object *o)
{
	if (!o->id)
		o->id = m->next_object_id++;
	return o->id;
}

void deja_model_number_waits(struct deja_model *m)
{
	for (uint32_t i = 0; i < m->nthreads; i++) {
		const struct deja_thread *th = &m->threads[i];
		if (th->state == DEJA_THREAD_LIVE && th->pending.object)
			deja_model_number(m, deja_model_deref(m, th->pending.object));
	}
}

void deja_model_forget(struct deja_model *m, struct deja_object *o)
{
	(void)m;
	o->kind = DEJA_OBJ_TOMBSTONE;
	o->addr = 0;
}

uint32_t deja_model_object_ref(const struct deja_model *m,
			       const struct deja_object *o)
{
	return o ? (uint32_t)(o - m->objects) + 1 : 0;
}

struct deja_object *deja_model_deref(struct deja_model *m, uint32_t ref)
{
	return ref ? &m->objects[ref - 1] : NULL;
}

static const struct deja_object *cderef(const struct deja_model *m, uint32_t ref)
{
	return ref ? &m->objects[ref - 1] : NULL;
}

void deja_model_set_pending(struct deja_model *m, uint32_t t, enum deja_op op,
			    struct deja_object *o, uint64_t arg, uint64_t site)
{
	struct deja_pending *p = &m->threads[t].pending;
	p->op = (uint16_t)op;
	p->timed = 0;
	p->object = deja_model_object_ref(m, o);
	p->object2 = 0;
	p->woken = 0;
	p->arg = arg;
	p->deadline = DEJA_NO_DEADLINE;
	p->wait_seq = ++m->wait_seq;
	p->site = site;
	p->value = 0;
	p->data = 0;
	p->data_len = 0;
	p->flags = 0;
	p->wait_io = 0;
	p->may_block = 0;
	p->interrupt = 0;
	p->output_seq = 0;
	p->kept_out = 0;
}

/* ---- enabledness ---- */

/* Could t take this mutex-like object now?  An error-checking relock is
 * "enabled" because it returns EDEADLK instead of blocking. */
static bool lock_available(const struct deja_object *o, uint32_t t)
{
	if (o->owner == DEJA_NO_THREAD)
		return true;
	if (o->owner != t)
		return false;
	return o->subtype == DEJA_MUTEX_RECURSIVE ||
	       o->subtype == DEJA_MUTEX_ERRORCHECK;
}

static uint32_t futex_word(const struct deja_object *o)
{
	return __atomic_load_n((const uint32_t *)(uintptr_t)o->addr, __ATOMIC_RELAXED);
}

/* A writer other than t waits for rwlock o: the first, or none.  A lock
 * that prefers writers keeps new readers out while one does. */
static uint32_t waiting_writer(const struct deja_model *m, const struct deja_object *o,
			       uint32_t t)
{
	for (uint32_t u = 0; u < m->nthreads; u++) {
		const struct deja_thread *th = &m->threads[u];
		if (u != t && th->state == DEJA_THREAD_LIVE && th->pending.op == DEJA_OP_RW_WRLOCK &&
		    cderef(m, th->pending.object) == o)
			return u;
	}
	return DEJA_NO_THREAD;
}

/* Whether a writer's wait keeps reader t out of rwlock o.  A parallel
 * replay has the recording's answer: there a writer waits from the moment
 * its thread gets to the call, which the timing decides, and a replay
 * whose writer had come to its turn first kept out the reader the
 * recording let in. */
static bool readers_kept_out(const struct deja_model *m, const struct deja_object *o, uint32_t t)
{
	uint32_t recorded = m->threads[t].pending.kept_out;
	if (recorded)
		return recorded == DEJA_KEPT_OUT_YES;
	return o->subtype == DEJA_RWLOCK_PREFER_WRITER_NONRECURSIVE &&
	       waiting_writer(m, o, t) != DEJA_NO_THREAD;
}

/* Enabled by the model's state alone, whatever signals came. */
static bool enabled_plain(const struct deja_model *m, uint32_t t)
{
	const struct deja_thread *th = &m->threads[t];
	if (th->state != DEJA_THREAD_LIVE)
		return false;
	const struct deja_pending *p = &th->pending;
	const struct deja_object *o = cderef(m, p->object);
	if (p->interrupt & DEJA_INTERRUPT_SIGNAL_ONLY)
		return false;
	switch ((enum deja_op)p->op) {
	case DEJA_OP_JOIN:
		return m->threads[p->arg].state == DEJA_THREAD_FINISHED;
	case DEJA_OP_MUTEX_LOCK:
	case DEJA_OP_SPIN_LOCK:
	case DEJA_OP_STREAM_LOCK:
		return lock_available(o, t);
	case DEJA_OP_COND_RESUME:
		return p->woken && lock_available(cderef(m, p->object2), t);
	case DEJA_OP_RW_RDLOCK:
		return o->owner == t || (o->owner == DEJA_NO_THREAD && !readers_kept_out(m, o, t));
	case DEJA_OP_RW_WRLOCK:
		return (o->owner == DEJA_NO_THREAD && o->count == 0) || o->owner == t;
	case DEJA_OP_SEM_WAIT:
		return o->count > 0;
	case DEJA_OP_BARRIER_RESUME:
		return o->generation != (uint32_t)p->arg;
	case DEJA_OP_ONCE_BEGIN:
		return o->generation != 1;
	case DEJA_OP_SLEEP:
		return m->vclock >= p->deadline;
	case DEJA_OP_FUTEX_RESUME:
		return p->woken || futex_word(o) != (uint32_t)p->arg;
	case DEJA_OP_FILE_LOCK_WAIT:
		/* A lock of the process has changed since the attempt. */
		return o->generation != (uint32_t)p->value;
	case DEJA_OP_SYSCALL:
	case DEJA_OP_REAP:
		/* An input (or a wait4) that would block waits until the
		 * runtime sees it ready; a replay does not wait (it follows
		 * the recording). */
		return !p->wait_io || p->woken || m->strategy == DEJA_STRATEGY_FOLLOW;
	default:
		return true;
	}
}

/* The waits that are cancellation points (POSIX) among those the model
 * keeps: a condition wait (its second half), a join, a semaphore wait, a
 * sleep, an input waiting to be ready (read, recv, accept...). */
static bool at_cancellation_point(const struct deja_pending *p)
{
	switch ((enum deja_op)p->op) {
	case DEJA_OP_COND_RESUME:
	case DEJA_OP_JOIN:
	case DEJA_OP_SEM_WAIT:
	case DEJA_OP_SLEEP:
		return true;
	case DEJA_OP_SYSCALL:
		return p->wait_io != 0;
	default:
		return false;
	}
}

void deja_model_cancel_reaches(struct deja_model *m, uint32_t t)
{
	struct deja_thread *th = &m->threads[t];
	if (th->cancel_requested && !th->cancel_disabled && at_cancellation_point(&th->pending))
		th->pending.interrupt |= DEJA_INTERRUPT_INTERRUPTED;
}

/* pthread_cancel: the request stands; a thread that can take it and waits
 * at a cancellation point has its wait interrupted, as the cancellation's
 * signal interrupts it natively, so that it gets to act on the request. */
static void cancel_thread(struct deja_model *m, uint32_t t)
{
	if (t >= m->nthreads || m->threads[t].state != DEJA_THREAD_LIVE)
		return;
	m->threads[t].cancel_requested = 1;
	deja_model_cancel_reaches(m, t);
}

/* A signal interrupts the wait: it can go on now, to end with -EINTR;
 * a condition wait instead wakes (spuriously, as POSIX allows) when its
 * mutex is free, so that the handler runs and the caller's loop waits
 * again. */
bool deja_model_enabled(const struct deja_model *m, uint32_t t)
{
	const struct deja_pending *p = &m->threads[t].pending;
	if ((p->interrupt & DEJA_INTERRUPT_INTERRUPTED) &&
	    m->threads[t].state == DEJA_THREAD_LIVE)
		return p->op != DEJA_OP_COND_RESUME || lock_available(cderef(m, p->object2), t);
	return enabled_plain(m, t);
}

bool deja_model_enabled_outside(const struct deja_model *m, uint32_t t)
{
	const struct deja_pending *p = &m->threads[t].pending;
	if (p->op == DEJA_OP_FUTEX_RESUME && m->threads[t].state == DEJA_THREAD_LIVE)
		return p->woken || (p->interrupt & DEJA_INTERRUPT_INTERRUPTED);
	return deja_model_enabled(m, t);
}

bool deja_model_other_enabled(const struct deja_model *m, uint32_t t)
{
	for (uint32_t i = 0; i < m->nthreads; i++)
		if (i != t && deja_model_enabled(m, i))
			return true;
	return false;
}

bool deja_model_waits_for_io(const struct deja_model *m, uint32_t t)
{
	const struct deja_thread *th = &m->threads[t];
	return th->state == DEJA_THREAD_LIVE && th->pending.wait_io &&
	       (th->pending.op == DEJA_OP_SYSCALL || th->pending.op == DEJA_OP_REAP);
}

bool deja_model_waits_for_world(const struct deja_model *m, uint32_t t)
{
	return deja_model_waits_for_io(m, t) && !m->threads[t].pending.woken;
}

bool deja_model_interrupted(const struct deja_model *m, uint32_t t)
{
	return (m->threads[t].pending.interrupt & DEJA_INTERRUPT_INTERRUPTED) &&
	       m->threads[t].pending.op != DEJA_OP_COND_RESUME && !enabled_plain(m, t);
}

bool deja_model_may_time_out(const struct deja_model *m, uint32_t t)
{
	const struct deja_thread *th = &m->threads[t];
	if (th->state != DEJA_THREAD_LIVE || !th->pending.timed)
		return false;
	const struct deja_pending *p = &th->pending;
	if (p->op == DEJA_OP_COND_RESUME)
		return lock_available(cderef(m, p->object2), t);
	return true;
}

/* ---- effects ---- */

static void take_lock(struct deja_object *o, uint32_t t)
{
	o->owner = t;
	o->count++;
}

static int64_t exec_lock(struct deja_object *o, uint32_t t, bool timed_out)
{
	if (timed_out && !lock_available(o, t))
		return ETIMEDOUT;
	if (o->owner == t && o->subtype == DEJA_MUTEX_ERRORCHECK)
		return EDEADLK;
	take_lock(o, t);
	return 0;
}

static int64_t exec_trylock(struct deja_object *o, uint32_t t)
{
	/* An error-checking mutex tried by its owner is busy, as in glibc. */
	if (o->owner == t && o->subtype == DEJA_MUTEX_ERRORCHECK)
		return EBUSY;
	if (!lock_available(o, t))
		return EBUSY;
	take_lock(o, t);
	return 0;
}

static int64_t exec_unlock(struct deja_object *o, uint32_t t)
{
	if (o->owner != t) {
		/* glibc checks ownership only for these types; a normal
		 * mutex or spinlock is released by whoever unlocks it. */
		if (o->subtype == DEJA_MUTEX_RECURSIVE ||
		    o->subtype == DEJA_MUTEX_ERRORCHECK)
			return EPERM;
		o->owner = DEJA_NO_THREAD;
		o->count = 0;
		return 0;
	}
	if (--o->count <= 0) {
		o->count = 0;
		o->owner = DEJA_NO_THREAD;
	}
	return 0;
}

/* Wake up to n waiters whose pending op is `op` on object ref, oldest first.
 * Returns how many were woken; *first gets the first one woken. */
bool deja_model_futex_waited(struct deja_model *m, uint64_t addr)
{
	const struct deja_object *o = deja_model_find(m, addr);
	if (!o)
		return false;
	uint32_t ref = deja_model_object_ref(m, o);
	for (uint32_t i = 0; i < m->nthreads; i++) {
		const struct deja_thread *th = &m->threads[i];
		if (th->state == DEJA_THREAD_LIVE && th->pending.op == DEJA_OP_FUTEX_RESUME &&
		    th->pending.object == ref && !th->pending.woken)
			return true;
	}
	return false;
}

static uint32_t wake_waiters(struct deja_model *m, enum deja_op op,
			     uint32_t ref, uint64_t n, uint32_t *first)
{
	uint32_t woken = 0;
	*first = DEJA_NO_THREAD;
	while (woken < n) {
		uint32_t best = DEJA_NO_THREAD;
		for (uint32_t i = 0; i < m->nthreads; i++) {
			const struct deja_thread *th = &m->threads[i];
			if (th->state != DEJA_THREAD_LIVE || th->pending.op != op ||
			    th->pending.object != ref || th->pending.woken)
				continue;
			if (best == DEJA_NO_THREAD ||
			    th->pending.wait_seq < m->threads[best].pending.wait_seq)
				best = i;
		}
		if (best == DEJA_NO_THREAD)
			break;
		m->threads[best].pending.woken = 1;
		if (*first == DEJA_NO_THREAD)
			*first = best;
		woken++;
	}
	return woken;
}

/* A wait that succeeded becomes its continuation at once, in the same
 * step, so that a signal or wake can never fall between the two. */
static void continue_with(struct deja_model *m, struct deja_pending *p, enum deja_op op)
{
	p->op = (uint16_t)op;
	p->woken = 0;
	p->wait_seq = ++m->wait_seq;
}

static int64_t exec_cond_wait(struct deja_model *m, struct deja_pending *p,
			      uint32_t t)
{
	struct deja_object *mx = deja_model_deref(m, p->object2);
	if (mx->owner != t && mx->subtype == DEJA_MUTEX_ERRORCHECK)
		return EPERM;
	mx->owner = DEJA_NO_THREAD;
	mx->count = 0;
	continue_with(m, p, DEJA_OP_COND_RESUME);
	return 0;
}

static int64_t exec_cond_resume(struct deja_model *m, struct deja_pending *p,
				uint32_t t, bool timed_out)
{
	take_lock(deja_model_deref(m, p->object2), t);
	return timed_out && !p->woken ? ETIMEDOUT : 0;
}

static int64_t exec_rw_unlock(struct deja_object *o, uint32_t t)
{
	if (o->owner == t) {
		o->owner = DEJA_NO_THREAD;
		return 0;
	}
	if (o->count > 0) {
		o->count--;
		return 0;
	}
	return EPERM;
}

static int64_t exec_rw_lock(const struct deja_model *m, struct deja_object *o, uint32_t t,
			    bool write, bool try, bool timed_out)
{
	if (o->owner == t)
		return try ? EBUSY : EDEADLK;
	bool free = o->owner == DEJA_NO_THREAD &&
		    (write ? o->count == 0 : !readers_kept_out(m, o, t));
	if (!free)
		return timed_out ? ETIMEDOUT : EBUSY;
	(void)try;
	if (write)
		o->owner = t;
	else
		o->count++;
	return 0;
}

static int64_t exec_barrier_wait(struct deja_model *m, struct deja_pending *p,
				 struct deja_object *o)
{
	if (++o->count >= (int32_t)o->limit) {
		o->count = 0;
		o->generation++;
		return PTHREAD_BARRIER_SERIAL_THREAD;
	}
	continue_with(m, p, DEJA_OP_BARRIER_RESUME);
	p->arg = o->generation;
	return 0;
}

static int64_t exec_destroy(struct deja_model *m, struct deja_object *o)
{
	if (object_busy(o) && o->kind != DEJA_OBJ_SEM)
		return EBUSY;
	deja_model_forget(m, o);
	return 0;
}

static int64_t exec_thread_create(struct deja_model *m, const struct deja_pending *p,
				  uint64_t *arg_out)
{
	uint32_t child = deja_model_add_thread(m);
	if (child == DEJA_NO_THREAD)
		return EAGAIN;
	m->threads[child].start_routine = p->arg;
	*arg_out = child;
	return 0;
}

static int64_t exec_futex_wait(struct deja_model *m, struct deja_object *o,
			       struct deja_pending *p)
{
	if (futex_word(o) != (uint32_t)p->arg)
		return -EAGAIN;
	continue_with(m, p, DEJA_OP_FUTEX_RESUME);
	return 0;
}

static int64_t exec_futex_resume(struct deja_pending *p, bool timed_out)
{
	return timed_out && !p->woken ? -ETIMEDOUT : 0;
}

static int64_t exec_sync(struct deja_model *m, uint32_t t, struct deja_pending *p,
			 struct deja_object *o, bool timed_out, uint64_t *arg_out)
{
	uint32_t first;
	switch ((enum deja_op)p->op) {
	case DEJA_OP_MUTEX_INIT:
	case DEJA_OP_SPIN_INIT:
	case DEJA_OP_RW_INIT:
		o->owner = DEJA_NO_THREAD;
		o->count = 0;
		o->subtype = (uint16_t)p->arg;
		return 0;
	case DEJA_OP_SEM_INIT:
		o->count = (int32_t)p->arg;
		o->limit = (uint32_t)p->arg; /* 1: a lock, which has a taker */
		o->generation = 0;
		return 0;
	case DEJA_OP_BARRIER_INIT:
		o->count = 0;
		o->limit = (uint32_t)p->arg;
		return 0;
	case DEJA_OP_COND_INIT:
		return 0;
	case DEJA_OP_MUTEX_DESTROY:
	case DEJA_OP_SPIN_DESTROY:
	case DEJA_OP_RW_DESTROY:
	case DEJA_OP_SEM_DESTROY:
	case DEJA_OP_BARRIER_DESTROY:
	case DEJA_OP_COND_DESTROY:
		return exec_destroy(m, o);
	case DEJA_OP_MUTEX_LOCK:
	case DEJA_OP_SPIN_LOCK:
	case DEJA_OP_STREAM_LOCK:
		return exec_lock(o, t, timed_out);
	case DEJA_OP_MUTEX_TRYLOCK:
	case DEJA_OP_SPIN_TRYLOCK:
	case DEJA_OP_STREAM_TRYLOCK:
		return exec_trylock(o, t);
	case DEJA_OP_MUTEX_UNLOCK:
	case DEJA_OP_SPIN_UNLOCK:
	case DEJA_OP_STREAM_UNLOCK:
		return exec_unlock(o, t);
	case DEJA_OP_COND_WAIT:
		return exec_cond_wait(m, p, t);
	case DEJA_OP_COND_RESUME:
		return exec_cond_resume(m, p, t, timed_out);
	case DEJA_OP_COND_SIGNAL:
	case DEJA_OP_COND_BROADCAST:
		wake_waiters(m, DEJA_OP_COND_RESUME, p->object,
			     p->op == DEJA_OP_COND_SIGNAL ? 1 : UINT64_MAX, &first);
		*arg_out = first == DEJA_NO_THREAD ? 0 : (uint64_t)first + 1;
		return 0;
	case DEJA_OP_RW_RDLOCK:
		return exec_rw_lock(m, o, t, false, false, timed_out);
	case DEJA_OP_RW_WRLOCK:
		return exec_rw_lock(m, o, t, true, false, timed_out);
	case DEJA_OP_RW_TRYRDLOCK:
		return exec_rw_lock(m, o, t, false, true, false);
	case DEJA_OP_RW_TRYWRLOCK:
		return exec_rw_lock(m, o, t, true, true, false);
	case DEJA_OP_RW_UNLOCK:
		return exec_rw_unlock(o, t);
	default:
		break;
	}
	return -1;
}

/* The target's randomness: splitmix64 over the recorded entropy seed, so a
 * replay draws the same bytes in the same order. */
static void fill_random(struct deja_model *m, uint8_t *buf, uint64_t len)
{
	for (uint64_t i = 0; i < len; i++) {
		if (i % 8 == 0) {
			uint64_t z = (m->entropy += 0x9E3779B97F4A7C15ull);
			z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
			z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
			m->prng_out = z ^ (z >> 31);
		}
		buf[i] = (uint8_t)(m->prng_out >> (8 * (i % 8)));
	}
}

/* A semaphore made with the value 1 is a lock (CPython's threading.Lock
 * is one): the thread that takes its last unit holds it until a post
 * (generation: that thread + 1, 0 for none), so that a deadlock's
 * wait-for graph names a holder and finds the cycle, where every wait on
 * a Python lock had none.  Not `owner`, which would keep a freed
 * semaphore's memory from being taken for another kind of object. */
static void sem_take(struct deja_object *o, uint32_t t)
{
	o->count--;
	if (o->limit == 1 && o->count == 0)
		o->generation = t + 1;
}

static int64_t exec_other(struct deja_model *m, uint32_t t, struct deja_pending *p,
			  struct deja_object *o, bool timed_out, uint64_t *arg_out)
{
	uint32_t first;
	switch ((enum deja_op)p->op) {
	case DEJA_OP_SEM_WAIT:
		if (o->count <= 0)
			return ETIMEDOUT;
		sem_take(o, t);
		return 0;
	case DEJA_OP_SEM_TRYWAIT:
		if (o->count <= 0)
			return EAGAIN;
		sem_take(o, t);
		return 0;
	case DEJA_OP_SEM_POST:
		o->count++;
		o->generation = 0;
		return 0;
	case DEJA_OP_SEM_GETVALUE:
		*arg_out = (uint64_t)(int64_t)o->count;
		return 0;
	case DEJA_OP_BARRIER_WAIT:
		return exec_barrier_wait(m, p, o);
	case DEJA_OP_BARRIER_RESUME:
		return 0;
	case DEJA_OP_ONCE_BEGIN:
		/* A done once whose memory reads PTHREAD_ONCE_INIT is a new
		 * one made where an old one was freed (every std::promise
		 * holds a std::once_flag): it runs again. */
		if (o->generation == 2 && futex_word(o) != 0)
			return 1;
		o->generation = 1;
		return 0;
	case DEJA_OP_ONCE_END:
		o->generation = 2;
		return 0;
	case DEJA_OP_THREAD_START:
	case DEJA_OP_YIELD:
	case DEJA_OP_SLEEP:
	case DEJA_OP_TICK: /* a preemption offered in plain code: arg is the tick count */
	case DEJA_OP_INTERRUPT: /* plain code stopped after a real-time slice */
		return 0;
	case DEJA_OP_TIMESLICE: /* a slice of ticks used up: its time passes */
		m->vclock += DEJA_TIMESLICE_NS;
		return 0;
	case DEJA_OP_SYSCALL:
	case DEJA_OP_SYSCALL_UNSUPPORTED:
	case DEJA_OP_EXEC:
	case DEJA_OP_FORK:
	case DEJA_OP_REAP:
	case DEJA_OP_SIGNAL:
	case DEJA_OP_SEM_SHARED:
	case DEJA_OP_SYNC_SHARED:
		return p->value; /* the call already ran (or was refused) */
	case DEJA_OP_CLOCK_READ:
		return (int64_t)m->vclock;
	case DEJA_OP_RANDOM:
		fill_random(m, (uint8_t *)(uintptr_t)p->value, p->arg);
		return (int64_t)p->arg;
	case DEJA_OP_THREAD_CREATE:
		return exec_thread_create(m, p, arg_out);
	case DEJA_OP_THREAD_EXIT:
		deja_model_finish(m, t);
		return 0;
	case DEJA_OP_JOIN:
	case DEJA_OP_TRYJOIN:
		if (m->threads[p->arg].state != DEJA_THREAD_FINISHED)
			return p->op == DEJA_OP_TRYJOIN ? EBUSY : ETIMEDOUT; /* timed out */
		m->threads[p->arg].joined = 1;
		return 0;
	case DEJA_OP_DETACH:
		m->threads[p->arg].detached = 1;
		return 0;
	case DEJA_OP_CANCEL:
		cancel_thread(m, (uint32_t)p->arg);
		return 0;
	case DEJA_OP_FUTEX_WAIT:
		return exec_futex_wait(m, o, p);
	case DEJA_OP_FUTEX_RESUME:
		return exec_futex_resume(p, timed_out);
	case DEJA_OP_FUTEX_WAKE:
		return wake_waiters(m, DEJA_OP_FUTEX_RESUME, p->object, p->arg, &first);
	case DEJA_OP_FILE_LOCK_WAIT:
		return 0; /* the caller tries again */
	default:
		break;
	}
	return -1;
}

int64_t deja_model_execute(struct deja_model *m, uint32_t t, bool timed_out,
			   uint64_t *arg_out)
{
	struct deja_thread *th = &m->threads[t];
	struct deja_pending *p = &th->pending;
	struct deja_object *o = deja_model_deref(m, p->object);
	*arg_out = p->arg;
	if (!timed_out && deja_model_interrupted(m, t)) {
		/* The wait ends without its effect; the thread's pending
		 * operation stays as it was, for the runtime to wait again.
		 * (Chosen to time out, it times out: a replay, which does
		 * not interrupt timed-out events, gets the same result.)  A
		 * syscall's result is the one the runtime gave it. */
		th->events++;
		return p->op == DEJA_OP_SYSCALL ? p->value : -EINTR;
	}
	int64_t r = exec_sync(m, t, p, o, timed_out, arg_out);
	if (r == -1)
		r = exec_other(m, t, p, o, timed_out, arg_out);
	th->events++;
	return r;
}

uint32_t deja_model_blocker(const struct deja_model *m, uint32_t t)
{
	const struct deja_pending *p = &m->threads[t].pending;
	const struct deja_object *o = cderef(m, p->object);
	switch ((enum deja_op)p->op) {
	case DEJA_OP_RW_RDLOCK:
		/* Kept out by a waiting writer, when the lock prefers writers. */
		if (o->owner == DEJA_NO_THREAD && readers_kept_out(m, o, t))
			return waiting_writer(m, o, t);
		return o->owner;
	case DEJA_OP_MUTEX_LOCK:
	case DEJA_OP_SPIN_LOCK:
	case DEJA_OP_STREAM_LOCK:
	case DEJA_OP_RW_WRLOCK:
		return o->owner;
	case DEJA_OP_COND_RESUME:
		return p->woken ? cderef(m, p->object2)->owner : DEJA_NO_THREAD;
	case DEJA_OP_JOIN:
	case DEJA_OP_FILE_LOCK_WAIT:
		return (uint32_t)p->arg;
	case DEJA_OP_SEM_WAIT: /* a lock's taker (sem_take) */
		return o->limit == 1 && o->generation ? o->generation - 1 : DEJA_NO_THREAD;
	default:
		return DEJA_NO_THREAD;
	}
}

void deja_model_file_locks_seen(struct deja_object *o, uint32_t changes)
{
	o->generation = changes;
}
