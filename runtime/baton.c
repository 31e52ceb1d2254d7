/*
 * baton.c: scheduling points and the baton that serialises the target.
 *
 * Exactly one managed thread holds the baton, the right to run.  At every
 * scheduling point the holder declares its next operation, asks the
 * scheduler core who runs next, and either executes its operation or hands
 * the baton to the chosen thread (a futex word per thread) and sleeps until
 * someone hands it back.  A thread woken this way was chosen for its
 * declared operation, so it executes it at once.  Each executed operation
 * is one event, appended to the shared ring for the supervisor.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <errno.h>
#include <linux/futex.h>
#include <string.h>
#include <sys/syscall.h>

#include "model.h"
#include "scheduler.h"

__thread uint64_t rt_last_arg __attribute__((tls_model("initial-exec")));
/* The virtual clock just after the calling thread's last event
 * (rt_vclock_base). */
static __thread uint64_t vclock_seen __attribute__((tls_model("initial-exec")));

/* How long a run may sit with only futex waiters before it is a deadlock:
 * those waiters may be woken by threads outside the model (a thread in
 * glibc's exit path), so give them real time. */
#define STALL_POLL_NS 1000000L
#define STALL_POLLS_MAX 1000

static void rt_nanosleep(long ns)
{
	struct timespec ts = { .tv_sec = ns / 1000000000L, .tv_nsec = ns % 1000000000L };
	rt_syscall2(SYS_nanosleep, &ts, NULL);
}

/* A thread that ended in the model still runs glibc's exit path (key
 * destructors, freeing its malloc cache under the arena's lock) outside
 * it, with no scheduling point.  Running beside the next thread, it could
 * make that thread find a lock taken in one run and free in the next.  So
 * the thread that gets the baton from an ending one first waits, a
 * little, for it to be gone: long enough for the exit path, never for
 * ever (the exit path may wait for a lock a thread of the model holds).
 * The process's first thread, ended by pthread_exit, runs its whole
 * unwinding there: the thread after it found malloc's arena lock taken
 * (a replay of `pthread_exit` in main beside a printing thread diverged
 * at a futex wait).  It is waited for too, until the kernel keeps it as a
 * zombie. */
#define EXIT_WAIT_STEP_NS 20000L
#define EXIT_WAIT_STEPS 2500 /* 50 ms */
static int32_t ending_tid;

/* Whether the process's first thread has ended: the kernel keeps it, a
 * zombie, until the process ends, so it is looked for in its state
 * (/proc/self/task/PID/stat: "PID (comm) S ...", S being 'Z'). */
static bool main_thread_gone(long pid)
{
	char path[48] = "/proc/self/task/", stat[512];
	strcpy(rt_decimal(path + strlen(path), pid), "/stat");
	if (rt_read_proc(path, stat, sizeof(stat)) <= 0)
		return true;
	const char *end = strrchr(stat, ')');
	return !end || end[1] != ' ' || end[2] == 'Z' || end[2] == 'X';
}

static void wait_for_ended_thread(void)
{
	/* Read first: taking the baton must not write a shared line each time. */
	if (!__atomic_load_n(&ending_tid, __ATOMIC_ACQUIRE))
		return;
	int32_t tid = __atomic_exchange_n(&ending_tid, 0, __ATOMIC_ACQ_REL);
	if (!tid)
		return;
	long pid = rt_syscall0(SYS_getpid);
	for (int i = 0; i < EXIT_WAIT_STEPS; i++) {
		if (tid == pid ? main_thread_gone(pid)
			       : rt_syscall3(SYS_tgkill, pid, tid, 0) == -ESRCH)
			return;
		rt_nanosleep(EXIT_WAIT_STEP_NS);
	}
}

static void baton_give(uint32_t to)
{
	uint32_t *word = &rt.model->threads[to].baton;
	__atomic_store_n(word, 1, __ATOMIC_RELEASE);
	rt_syscall3(SYS_futex, word, FUTEX_WAKE_PRIVATE, 1);
}

static void baton_wait(uint32_t self)
{
	uint32_t *word = &rt.model->threads[self].baton;
	for (;;) {
		for (int spin = 0; spin < 200; spin++) {
			if (__atomic_exchange_n(word, 0, __ATOMIC_ACQUIRE)) {
				wait_for_ended_thread();
				return;
			}
			__builtin_ia32_pause();
		}
		rt_syscall4(SYS_futex, word, FUTEX_WAIT_PRIVATE, 0, NULL);
	}
}

static void emit(const struct deja_event *ev)
{
	struct deja_shared *sh = rt.shared;
	uint64_t w = sh->write_index;
	int waited = 0;
	while (w - __atomic_load_n(&sh->read_index, __ATOMIC_ACQUIRE) >= DEJA_RING_EVENTS) {
		rt_nanosleep(50000);
		if (++waited > 200000) /* 10 s without the supervisor reading */
			rt_fatal("the supervisor stopped reading events");
	}
	sh->ring[w & (DEJA_RING_EVENTS - 1)] = *ev;
	__atomic_store_n(&sh->write_index, w + 1, __ATOMIC_RELEASE);
}

void rt_end_run(enum deja_outcome_kind kind, uint32_t thread, const char *message)
{
	struct deja_shared *sh = rt.shared;
	deja_run_ends(kind, message); /* where gdb stops for it (debug_stop.c) */
	size_t n = strlen(message);
	if (n >= DEJA_MESSAGE_MAX)
		n = DEJA_MESSAGE_MAX - 1;
	memcpy(sh->message, message, n);
	sh->message[n] = '\0';
	sh->outcome_thread = thread;
	sh->outcome_step = rt.model->steps;
	if (kind == DEJA_OUTCOME_DEADLOCK || kind == DEJA_OUTCOME_TIMEOUT)
		deja_model_number_waits(rt.model); /* the wait-for graph names them */
	__atomic_store_n(&sh->outcome, kind, __ATOMIC_RELEASE);
	rt_syscall1(SYS_exit_group, DEJA_RUNTIME_EXIT_STATUS);
	__builtin_unreachable();
}

static void model_lock(void);
static void model_unlock(void);

/* Parallel mode: whether this thread holds the model lock, and whether it
 * stands at a scheduling point (not counted in model.running). */
static __thread bool lock_held __attribute__((tls_model("initial-exec")));
static __thread bool at_point __attribute__((tls_model("initial-exec")));

void rt_model_leave(void)
{
	if (!rt.shared->parallel || !lock_held)
		return;
	if (at_point) {
		at_point = false;
		rt.model->running++;
	}
	lock_held = false;
	model_unlock();
}

void rt_model_back_from_kernel(void)
{
	if (!rt.shared->parallel)
		return;
	rt_model_enter();
	struct deja_pending *p = &rt.model->threads[rt_self].pending;
	p->wait_io = 0;
	p->may_block = 0;
	rt_model_leave();
}

/* Another thread can let go of a lock in the program's memory: it runs
 * target code, or waits in the kernel for something other than a futex
 * (its input, after which it runs on). */
static bool another_may_run(const struct deja_model *m, uint32_t self)
{
	for (uint32_t i = 0; i < m->nthreads; i++) {
		const struct deja_thread *th = &m->threads[i];
		if (i == self || th->state != DEJA_THREAD_LIVE || th->parked)
			continue;
		const struct deja_pending *p = &th->pending;
		if (!(p->op == DEJA_OP_SYSCALL && p->arg == SYS_futex && p->wait_io))
			return true;
	}
	return false;
}

bool rt_model_stuck(uint64_t *steps)
{
	model_lock();
	struct deja_model *m = rt.model;
	bool stuck = m->steps == *steps && !another_may_run(m, rt_self);
	*steps = m->steps;
	model_unlock();
	return stuck;
}

void rt_model_end_stuck(void)
{
	model_lock();
	if (rt.shared->mode == DEJA_MODE_REPLAY)
		rt_end_run(DEJA_OUTCOME_DIVERGENCE, rt_self,
			   "the recorded thread cannot run at this event: it waits for a lock in"
			   " memory (futex) that a thread waiting for its turn took, which the"
			   " recording's threads took in another order (" DEJA_PARALLEL_UNSTEERED
			   ", such as OpenMP's critical sections and single blocks or GLib's"
			   " GMutex and GCond; the serialised strategies can)");
	rt_end_run(DEJA_OUTCOME_DEADLOCK, rt_self,
		   "no thread can run: a thread waits for a lock in memory (futex) whose"
		   " holder waits in the model");
}

void rt_model_enter(void)
{
	if (!rt.shared->parallel || lock_held)
		return;
	model_lock();
	lock_held = true;
	if (!at_point) {
		at_point = true;
		rt.model->running--;
	}
}

struct deja_pending *rt_declare(enum deja_op op, struct deja_object *o,
				uint64_t arg, uint64_t site)
{
	rt_model_enter();
	rt_ticks_at_point();
	deja_model_set_pending(rt.model, rt_self, op, o, arg, site);
	return &rt.model->threads[rt_self].pending;
}

void rt_abandon_thread(uint32_t t)
{
	if (rt.shared->parallel)
		model_lock();
	deja_model_finish(rt.model, t);
	if (rt.shared->parallel)
		model_unlock();
}

/* Timers the clock has reached fire, and signals pending for the process
 * go to the thread the kernel would give them to. */
static void fire_due(void)
{
	rt_timers_check();
	rt_signals_route();
}

/* Parallel replay: this thread's next recorded event + 1 (0: not looked
 * for since its last event). */
static __thread uint64_t next_own_plus_1 __attribute__((tls_model("initial-exec")));

/* The operations a parallel replay makes where the thread gets to them
 * (spin loops, below); clock reads only in virtual time (clock.c). */
static bool is_spin(enum deja_op op)
{
	return op == DEJA_OP_YIELD || op == DEJA_OP_SLEEP ||
	       (op == DEJA_OP_CLOCK_READ && !rt.shared->clock_read_events);
}

static int64_t execute_chosen(uint32_t self)
{
	struct deja_event ev;
	if (__builtin_expect(rt.shared->debug_stop_event != 0, 0)) /* deja replay --gdb */
		rt_debug_stop_check(&rt.model->threads[self].pending);
	rt_clock_at_event(rt.model->steps);
	/* Timers the clock has reached by this event (parallel mode has no
	 * choice before it; a timeout may have moved the clock since). */
	fire_due();
	rt_io_at_event(&rt.model->threads[self].pending, rt.model->steps);
	int64_t r = deja_sched_step(rt.model, self, &ev);
	ev.image = rt.shared->image;
	rt_ticks_python_location(&ev.py_code, &ev.py_line);
	if (rt.shared->parallel && rt.shared->mode == DEJA_MODE_REPLAY && is_spin(ev.op))
		ev.flags |= DEJA_EVENT_SPIN;
	next_own_plus_1 = 0;
	rt_last_arg = ev.arg;
	vclock_seen = rt.model->vclock;
	rt_clock_after_event();
	rt_cancel_note_event();
	rt_signals_note_event(ev.seq);
	rt_ticks_after_event(ev.seq);
	rt_interrupts_after_event(ev.seq, ev.op == DEJA_OP_THREAD_EXIT);
	emit(&ev);
	return r;
}

uint64_t rt_next_event_of_self(void)
{
	for (uint64_t seq = rt.model->steps; seq < rt.schedule_len; seq++)
		if ((rt.schedule[seq] & DEJA_SCHEDULE_THREAD) == rt_self)
			return seq;
	return UINT64_MAX;
}

/* A deadlock whose waits for input nothing outside can end
 * (rt_io_only_closed_waits). */
#define CLOSED_DEADLOCK                                                            \
	"no thread can run, and those waiting for input wait on descriptors only" \
	" this process holds (a pipe, eventfd or socketpair it made): no other can" \
	" fill them"

/* Replay, past the recording's end: every thread that could go on is at
 * an input that may block, where the recording's deadlock left it. */
static bool only_inputs_enabled(void)
{
	const struct deja_model *m = rt.model;
	for (uint32_t i = 0; i < m->nthreads; i++) {
		const struct deja_pending *p = &m->threads[i].pending;
		if (deja_model_enabled(m, i) && !(p->op == DEJA_OP_SYSCALL && p->may_block))
			return false;
	}
	return true;
}

/* The scheduler says the run is over: end it with the matching outcome. */
static void end_run_for(enum deja_decision_kind kind, uint32_t self) __attribute__((noreturn));
static void end_run_for(enum deja_decision_kind kind, uint32_t self)
{
	if (kind == DEJA_DECIDE_BUDGET)
		rt_end_run(DEJA_OUTCOME_TIMEOUT, self, "step budget (--max-steps) spent");
	bool past_end = rt.model->steps >= rt.schedule_len;
	if (kind == DEJA_DECIDE_DIVERGED && past_end && rt.shared->replay_end_signal)
		rt_signal_die(rt.shared->replay_end_signal); /* where the recording died of it */
	if (kind == DEJA_DECIDE_DIVERGED && past_end && rt.shared->replay_end_deadlock &&
	    only_inputs_enabled())
		rt_end_run(DEJA_OUTCOME_DEADLOCK, self, CLOSED_DEADLOCK);
	if (kind == DEJA_DECIDE_DIVERGED)
		rt_end_run(DEJA_OUTCOME_DIVERGENCE, self,
			   rt.model->steps >= rt.schedule_len
				   ? "the replay went on past the end of the recording"
				   : "the recorded thread cannot run at this event");
	rt_end_run(DEJA_OUTCOME_DEADLOCK, self, "no thread can run");
}

/* Real time: when nobody can run before a timed wait's deadline, wait for
 * it in real time (for an input to become ready meanwhile, if a thread
 * waits for one), so that the timeout comes when it would natively. */
static void wait_in_real_time(void)
{
	rt_clock_sync();
	int64_t left;
	/* Until the deadline, or until a thread can run (its input came, or a
	 * signal from outside ended its wait: rt_io_wait_external looks for
	 * those only now and then). */
	while ((left = rt_clock_real_wait(deja_sched_idle_deadline(rt.model))) > 0) {
		if (!rt_io_wait_external(left))
			rt_nanosleep(left);
		rt_io_refresh();
		rt_signals_route();
		rt_clock_sync();
	}
}

/* Whether the program now waits for the world (deja_shared.world_waiting),
 * written only when it changes: a choice is made at every event, and the
 * channel's line is the supervisor's to read. */
static void note_world_waiting(bool waiting)
{
	if (rt.shared->world_waiting != (uint32_t)waiting)
		__atomic_store_n(&rt.shared->world_waiting, (uint32_t)waiting, __ATOMIC_RELEASE);
}

/* Ask the scheduler until it names a thread; ends the run if none can. */
static struct deja_decision decide(uint32_t self)
{
	struct deja_sched_input in = { .schedule = rt.schedule, .schedule_len = rt.schedule_len,
				       .script = rt.script, .script_len = rt.script_len,
				       .ticks = rt.ticks };
	for (int polls = 0;; polls++) {
		if (rt.shared->mode == DEJA_MODE_RECORD) {
			rt_io_refresh();
			if (rt.shared->real_time) /* else nothing to do: spare the scan */
				wait_in_real_time();
			else if (!rt_io_wait_world_before(deja_sched_idle_deadline(rt.model)))
				rt_fork_let_children_run(deja_sched_idle_deadline(rt.model));
		} else {
			rt_clock_replay(rt.model->steps); /* what the clock read at this choice */
		}
		if (rt_timers_check() && rt.shared->mode == DEJA_MODE_RECORD)
			rt_io_refresh(); /* a timerfd may be readable now */
		rt_signals_route();
		struct deja_decision d = deja_sched_choose(rt.model, &in);
		note_world_waiting(d.kind == DEJA_DECIDE_EXTERNAL);
		switch (d.kind) {
		case DEJA_DECIDE_RUN:
		case DEJA_DECIDE_ALL_DONE:
		case DEJA_DECIDE_WAIT: /* parallel mode only */
			return d;
		case DEJA_DECIDE_TIMER: /* the clock is at a timer's deadline: fire it */
			polls = -1;
			continue;
		case DEJA_DECIDE_EXTERNAL:
			if (rt_io_only_closed_waits())
				rt_end_run(DEJA_OUTCOME_DEADLOCK, self, CLOSED_DEADLOCK);
			/* world_waiting stays 1 through the loop's next
			 * choices while they find nobody to run (a pause()
			 * looks again every 10 ms). */
			if (rt_io_wait_external(-1))
				continue;
			rt_end_run(DEJA_OUTCOME_DEADLOCK, self,
				   "no thread can run, and waiting for input failed");
		case DEJA_DECIDE_STALLED:
			if (polls < STALL_POLLS_MAX) {
				rt_nanosleep(STALL_POLL_NS);
				continue;
			}
			/* fall through */
		case DEJA_DECIDE_DEADLOCK:
		case DEJA_DECIDE_BUDGET:
		case DEJA_DECIDE_DIVERGED:
			end_run_for(d.kind, self);
		}
	}
}

/* ---- parallel mode ----
 *
 * Threads run target code at the same time; only operations are
 * serialised, under model_lock.  A thread that may not go on yet parks on
 * its baton word; every executed operation wakes the parked threads that
 * may now go on.  When no thread is running target code, the thread that
 * noticed settles the run: it wakes the one whose turn it is, fires a
 * timeout, or ends the run (deadlock, divergence).
 */
static uint32_t model_lock_word;

static void model_lock(void)
{
	uint32_t c = 0;
	if (__atomic_compare_exchange_n(&model_lock_word, &c, 1, false, __ATOMIC_ACQUIRE,
					__ATOMIC_RELAXED))
		return;
	if (c != 2)
		c = __atomic_exchange_n(&model_lock_word, 2, __ATOMIC_ACQUIRE);
	while (c != 0) {
		rt_syscall4(SYS_futex, &model_lock_word, FUTEX_WAIT_PRIVATE, 2, NULL);
		c = __atomic_exchange_n(&model_lock_word, 2, __ATOMIC_ACQUIRE);
	}
}

static void model_unlock(void)
{
	if (__atomic_exchange_n(&model_lock_word, 0, __ATOMIC_RELEASE) == 2)
		rt_syscall3(SYS_futex, &model_lock_word, FUTEX_WAKE_PRIVATE, 1);
}

static void wake_ready(const struct deja_sched_input *in)
{
	struct deja_model *m = rt.model;
	for (uint32_t i = 0; i < m->nthreads; i++) {
		bool timed_out;
		if (m->threads[i].parked && deja_sched_may_go(m, in, i, &timed_out))
			baton_give(i);
	}
}

/* Parallel replay: the clock is what the recording's was at the
 * schedule's next event before any thread asks whether that event's
 * thread may go (itself in take_turn, or another settling the run): a
 * sleep whose deadline the recording's clock reached between events
 * (clock_follows_idle_events) is then over, as it was.  execute_chosen
 * sets the same clock just before the event. */
static void clock_at_next_event(const struct deja_sched_input *in)
{
	uint64_t seq = rt.model->steps;
	if (rt.shared->mode == DEJA_MODE_REPLAY && seq < in->schedule_len)
		rt_clock_replay(seq);
}

/* Parallel recording: a thread waiting in the kernel (a read, poll,
 * epoll_wait...) counts as at its point, so with the others waiting in
 * the model nobody runs, and settling fires the first timeout, moving
 * the clock to its deadline.  But that thread's input may have come
 * already, written by the thread that then began its timed wait, and the
 * thread be on its way back to its event: asyncio's
 * run_coroutine_threadsafe(...).result(timeout=10) timed out in 37 calls
 * of 40, the loop's epoll_wait woken by the call's byte answering only
 * after the clock had jumped 10 s.  So while such a thread's descriptors
 * are ready, settling leaves the timeout for a later look (parked threads
 * look every STALL_POLL_NS), for at most a second of real time at one
 * event: a descriptor may poll ready while its call still waits (an
 * edge-triggered epoll set), and that must not stop the run.  And a
 * thread whose call has a timeout of its own that ends before the first
 * timeout of the model is waited for too: its call waits in real time and
 * returns by itself, and the clock follows the real time meanwhile
 * (clock_follows_idle_events), where firing the model's timeout made a
 * 10 s wait for an event loop end before the loop's own 0.1 s timer. */
#define KERNEL_WAITER_GRACE_NS 1000000000LL

static bool kernel_waiter_coming(void)
{
	static uint64_t steps_seen = UINT64_MAX;
	static int64_t since;
	struct deja_model *m = rt.model;
	uint64_t idle = deja_sched_idle_deadline(m);
	if (rt.shared->mode != DEJA_MODE_RECORD || idle == DEJA_NO_DEADLINE)
		return false;
	if (rt_io_kernel_wait_deadline() <= idle)
		return true; /* its own timeout, waited in real time, ends it first */
	if (!rt_io_kernel_wait_ready())
		return false;
	int64_t now = rt_clock_real_monotonic_ns();
	if (m->steps != steps_seen) {
		steps_seen = m->steps;
		since = now;
	}
	return now - since < KERNEL_WAITER_GRACE_NS;
}

/* Nobody runs target code: make sure somebody will, or end the run. */
static void settle(uint32_t self, const struct deja_sched_input *in)
{
	struct deja_model *m = rt.model;
	clock_at_next_event(in);
	if (kernel_waiter_coming())
		return;
	fire_due();
	struct deja_decision d = deja_sched_settle(m, in);
	if (d.kind == DEJA_DECIDE_TIMER) { /* the clock is at a timer's deadline */
		fire_due();
		d = deja_sched_settle(m, in);
	}
	switch (d.kind) {
	case DEJA_DECIDE_TIMER: /* settles again at the next look */
	case DEJA_DECIDE_RUN:
		m->stall_polls = 0;
		if (d.thread != self)
			baton_give(d.thread);
		return;
	case DEJA_DECIDE_WAIT:
	case DEJA_DECIDE_ALL_DONE:
	case DEJA_DECIDE_EXTERNAL: /* parallel mode: inputs are not waited for in the model */
		return;
	case DEJA_DECIDE_STALLED:
		if (++m->stall_polls < STALL_POLLS_MAX)
			return; /* parked threads poll again shortly */
		/* fall through */
	case DEJA_DECIDE_DEADLOCK:
	case DEJA_DECIDE_BUDGET:
	case DEJA_DECIDE_DIVERGED:
		end_run_for(d.kind, self);
	}
}

void rt_model_wait_in_kernel(void)
{
	struct deja_sched_input in = { .schedule = rt.schedule, .schedule_len = rt.schedule_len,
				       .script = rt.script, .script_len = rt.script_len,
				       .ticks = rt.ticks };
	if (rt.model->running == 0)
		settle(rt_self, &in);
	lock_held = false; /* at_point stays: rt_declare at its event finds it so */
	model_unlock();
}

/* Parallel recording: only events move the virtual clock, so while the
 * threads that run target code make none (one spins on a flag that a
 * sleeping thread is to set, as Rust's AtomicBool with spin_loop does
 * beside a thread::sleep), a timed wait beside them never ended.  A parked
 * thread's look moves the clock on by the real time since the last event,
 * as the real time that passed; the next event's recorded time, which a
 * replay sets, carries it.  Called under model_lock. */
static void clock_follows_idle_events(uint32_t self)
{
	static uint64_t steps_seen = UINT64_MAX, vclock_at;
	static int64_t real_at;
	struct deja_model *m = rt.model;
	if (rt.shared->mode != DEJA_MODE_RECORD || rt.shared->real_time)
		return;
	int64_t now = rt_clock_real_monotonic_ns();
	if (m->steps != steps_seen) {
		steps_seen = m->steps;
		vclock_at = m->vclock;
		real_at = now;
		return;
	}
	if (m->running == 0 || !deja_model_may_time_out(m, self) || now <= real_at)
		return;
	uint64_t moved = vclock_at + (uint64_t)(now - real_at);
	if (moved > m->vclock)
		m->vclock = moved;
}

/* Wait, parked, until this thread's declared operation may go, then
 * execute it; the thread still stands at its point. */
static int64_t take_turn(uint32_t self, const struct deja_sched_input *in)
{
	struct deja_model *m = rt.model;
	for (;;) {
		if (m->max_steps && m->steps >= m->max_steps)
			end_run_for(DEJA_DECIDE_BUDGET, self);
		bool timed_out;
		clock_at_next_event(in);
		if (deja_sched_may_go(m, in, self, &timed_out))
			break;
		if (m->running == 0)
			settle(self, in);
		if (deja_sched_may_go(m, in, self, &timed_out))
			break;
		m->threads[self].parked = 1;
		rt_signals_publish_mask();
		__atomic_store_n(&m->threads[self].baton, 0, __ATOMIC_RELAXED);
		lock_held = false;
		model_unlock();
		/* A bounded wait: a parked thread looks again now and then, which
		 * also drives the stall polls of futex waiters. */
		struct timespec poll = { 0, STALL_POLL_NS };
		rt_syscall4(SYS_futex, &m->threads[self].baton, FUTEX_WAIT_PRIVATE, 0, &poll);
		model_lock();
		lock_held = true;
		m->threads[self].parked = 0;
		clock_follows_idle_events(self);
	}
	bool timed_out;
	deja_sched_may_go(m, in, self, &timed_out);
	m->stall_polls = 0;
	deja_sched_take(m, self, timed_out);
	return execute_chosen(self);
}

/*
 * Parallel replay: spin and polling loops.  How often a thread calls
 * sched_yield or sleeps while it waits for a flag, and in which loop,
 * depends on how the threads happened to run: libstdc++'s atomic waits
 * (under std::latch, std::barrier, std::counting_semaphore, atomic::wait)
 * spin with sched_yield before they wait in a futex, which libstdc++
 * shares between objects and wakes for all its waiters, who spin again;
 * a hand-made loop yields or sleeps until a flag is set.  So a replay's
 * thread yields or sleeps more or fewer times than the recording's, and
 * elsewhere, and every such replay diverged.  The recording's yields and
 * sleeps (spins) are made in their places all the same: a thread's
 * yield or sleep is its next recorded one, wherever it is made
 * (DEJA_EVENT_SPIN: the supervisor takes the recorded call site and
 * argument), when that is its next recorded event, and is otherwise no
 * event (rt_model_spin_recorded: a yield is then the kernel's, a sleep
 * takes no time); the recorded spins a thread still owes when it gets
 * to another operation are made first, each at its turn
 * (make_owed_spins); and a thread waiting in a futex when its recorded
 * spin comes returns from it, as from a spurious wake (rt_model_spin_due,
 * trap.c), to spin again, as the recording's did.  A recording keeps
 * every yield and sleep an event: they move the virtual clock, fire
 * timers and count towards --max-steps.  The clock reads that are events
 * in virtual time (one in DEJA_CLOCK_READS_PER_EVENT, clock.c) are spins
 * too: a loop that reads the clock while it waits for a flag reads it as
 * often as the timing lets it.
 */

/* Replay: the seq of this thread's next recorded event (rt.schedule_len:
 * none).  The events between the model's step and it are other threads',
 * so it holds until this thread makes an event. */
static uint64_t next_own_event(void)
{
	if (!next_own_plus_1) {
		uint64_t seq = rt.model->steps;
		while (seq < rt.schedule_len && (rt.schedule[seq] & DEJA_SCHEDULE_THREAD) != rt_self)
			seq++;
		next_own_plus_1 = seq + 1;
	}
	return next_own_plus_1 - 1;
}

/* The spin of a follow-schedule entry: DEJA_OP_YIELD, DEJA_OP_SLEEP,
 * DEJA_OP_CLOCK_READ, or DEJA_OP_COUNT for another operation. */
static enum deja_op spin_of(uint32_t entry)
{
	if ((entry & DEJA_SCHEDULE_CLOCK) == DEJA_SCHEDULE_CLOCK)
		return DEJA_OP_CLOCK_READ;
	if (entry & DEJA_SCHEDULE_YIELD)
		return DEJA_OP_YIELD;
	if (entry & DEJA_SCHEDULE_SLEEP)
		return DEJA_OP_SLEEP;
	return DEJA_OP_COUNT;
}

/* The spin that is this thread's next recorded event, or DEJA_OP_COUNT. */
static enum deja_op spin_recorded_next(void)
{
	uint64_t seq = next_own_event();
	return seq < rt.schedule_len ? spin_of(rt.schedule[seq]) : DEJA_OP_COUNT;
}

bool rt_model_spin_recorded(enum deja_op op)
{
	rt_model_enter();
	bool recorded = spin_recorded_next() == op;
	rt_model_leave();
	return recorded;
}

bool rt_model_spin_due(void)
{
	if (rt.shared->mode != DEJA_MODE_REPLAY)
		return false;
	model_lock();
	uint64_t seq = rt.model->steps;
	bool due = seq < rt.schedule_len &&
		   (rt.schedule[seq] & DEJA_SCHEDULE_THREAD) == rt_self &&
		   spin_of(rt.schedule[seq]) != DEJA_OP_COUNT;
	model_unlock();
	return due;
}

/* Declare a spin this thread owes: a sleep whose time is up. */
static void declare_owed(struct deja_model *m, uint32_t self, enum deja_op spin, uint64_t site)
{
	deja_model_set_pending(m, self, spin, NULL, 0, site);
	if (spin == DEJA_OP_SLEEP) {
		m->threads[self].pending.timed = 1;
		m->threads[self].pending.deadline = m->vclock;
	}
}

/* Parallel replay: the spins this thread owes before its operation. */
static void make_owed_spins(uint32_t self, const struct deja_sched_input *in)
{
	struct deja_model *m = rt.model;
	struct deja_pending *p = &m->threads[self].pending;
	enum deja_op spin = spin_recorded_next();
	if (spin == DEJA_OP_COUNT || spin == p->op)
		return;
	struct deja_pending op = *p;
	do {
		declare_owed(m, self, spin, op.site);
		take_turn(self, in);
		wake_ready(in);
	} while ((spin = spin_recorded_next()) != DEJA_OP_COUNT);
	op.wait_seq = ++m->wait_seq; /* declared after its spins, as recorded */
	*p = op;
}

/* Parallel replay: a read lock of an rwlock is refused where the
 * recording's was, and only there (model.c, readers_kept_out). */
static void keep_out_as_recorded(uint32_t self)
{
	struct deja_pending *p = &rt.model->threads[self].pending;
	if (p->op != DEJA_OP_RW_RDLOCK && p->op != DEJA_OP_RW_TRYRDLOCK)
		return;
	uint64_t seq = next_own_event();
	bool refused = seq < rt.schedule_len && (rt.schedule[seq] & DEJA_SCHEDULE_REFUSED);
	p->kept_out = refused ? DEJA_KEPT_OUT_YES : DEJA_KEPT_OUT_NO;
}

/* Wait for this thread's turn, execute, record. */
static int64_t run_parallel(uint32_t self)
{
	struct deja_model *m = rt.model;
	struct deja_sched_input in = { .schedule = rt.schedule, .schedule_len = rt.schedule_len,
				       .script = rt.script, .script_len = rt.script_len,
				       .ticks = rt.ticks };
	rt_model_enter();
	/* A CANCEL event made since this thread's last event, before it got
	 * here, ends its wait as if it had come later: which of the two it
	 * was is timing, and a replay's wait at a cancelled sem_wait() never
	 * ended where the recording's had been interrupted. */
	deja_model_cancel_reaches(m, self);
	if (rt.shared->mode == DEJA_MODE_REPLAY) { /* the recording's choices */
		make_owed_spins(self, &in);
		keep_out_as_recorded(self);
	}
	int64_t r = take_turn(self, &in);
	at_point = false;
	if (m->threads[self].state == DEJA_THREAD_LIVE)
		m->running++;
	wake_ready(&in);
	if (m->running == 0)
		settle(self, &in);
	lock_held = false;
	model_unlock();
	return r;
}

static int64_t run_serial(uint32_t self)
{
	struct deja_decision d = decide(self);
	if (d.kind == DEJA_DECIDE_RUN && d.thread != self) {
		rt_signals_publish_mask();
		baton_give(d.thread);
		baton_wait(self);
	}
	return execute_chosen(self);
}

int64_t rt_run_op(void)
{
	return rt.shared->parallel ? run_parallel(rt_self) : run_serial(rt_self);
}

/* Waits that a signal's handler does not end: the thread handles it and
 * waits again, as in the kernel (a lock, a join, a barrier). */
static bool waits_again(enum deja_op op)
{
	switch (op) {
	case DEJA_OP_MUTEX_LOCK: case DEJA_OP_SPIN_LOCK: case DEJA_OP_STREAM_LOCK:
	case DEJA_OP_RW_RDLOCK:
	case DEJA_OP_RW_WRLOCK: case DEJA_OP_JOIN: case DEJA_OP_BARRIER_RESUME:
	case DEJA_OP_ONCE_BEGIN:
		return true;
	default:
		return false;
	}
}

int64_t rt_run(void)
{
	struct deja_pending *p = &rt.model->threads[rt_self].pending;
	uint64_t site = p->site;
	bool again = waits_again((enum deja_op)p->op);
	struct deja_pending declared;
	if (again)
		declared = *p;
	for (;;) {
		int64_t r = rt_run_op();
		/* A scheduling point: signals that arrived are handled here.
		 * Their events must not replace the operation's own result
		 * detail, which the caller may read next. */
		uint64_t arg = rt_last_arg;
		rt_signals_deliver(site);
		rt_last_arg = arg;
		if (!again || r != -EINTR ||
		    (declared.op == DEJA_OP_JOIN && rt_cancel_requested()))
			return r;
		/* Interrupted (deja_pending.interrupt): the handler has run;
		 * wait again, in the place in line it had. */
		p = rt_declare((enum deja_op)declared.op, NULL, declared.arg, site);
		*p = declared;
	}
}

void rt_thread_begin(uint32_t self)
{
	rt_self = self;
	if (rt.shared->parallel) {
		at_point = true; /* a new thread is not yet counted as running */
		run_parallel(self);
		return;
	}
	baton_wait(self);
	execute_chosen(self);
}

void rt_thread_end(uint64_t site, bool at_once)
{
	uint32_t self = rt_self;
	rt_declare(DEJA_OP_THREAD_EXIT, NULL, at_once ? DEJA_THREAD_EXIT_AT_ONCE : 0, site);
	rt_run();
	if (rt.shared->parallel) {
		/* Finished threads are not counted as running (run_parallel). */
		rt_self = DEJA_NO_THREAD;
		return;
	}
	struct deja_decision d = decide(self);
	rt_self = DEJA_NO_THREAD;
	if (d.kind == DEJA_DECIDE_RUN) {
		__atomic_store_n(&ending_tid, rt.model->threads[self].os_tid, __ATOMIC_RELEASE);
		baton_give(d.thread);
	}
}

struct deja_object *rt_object(const void *addr, enum deja_object_kind kind)
{
	rt_model_enter();
	struct deja_object *o = deja_model_object(rt.model, (uint64_t)(uintptr_t)addr, kind);
	if (!o)
		rt_end_run(DEJA_OUTCOME_ERROR, rt_self,
			   "too many synchronisation objects for the model's table");
	return o;
}

uint64_t rt_vclock_base(void)
{
	return rt.shared->parallel ? vclock_seen : rt.model->vclock;
}

/* Timed waits: the target computed its absolute deadline from the virtual
 * clock, so the distance from the clock's reading at the base is exact. */
uint64_t rt_deadline_abs(clockid_t clock, const struct timespec *abstime)
{
	int64_t now;
	uint64_t base = rt_vclock_base();
	if (rt_clock_is_virtual(clock)) {
		now = rt_clock_peek(clock) - ((int64_t)rt.model->vclock - (int64_t)base);
	} else { /* a process or fd clock: real */
		struct timespec ts; /* the syscall: the vDSO's entry is one (vdso.c) */
		rt_syscall2(SYS_clock_gettime, clock, &ts);
		now = (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
	}
	int64_t ns = (int64_t)abstime->tv_sec * 1000000000LL + abstime->tv_nsec - now;
	return base + (ns > 0 ? (uint64_t)ns : 0);
}

uint64_t rt_deadline_rel(const struct timespec *rel)
{
	int64_t ns = (int64_t)rel->tv_sec * 1000000000LL + rel->tv_nsec;
	return rt_vclock_base() + (ns > 0 ? (uint64_t)ns : 0);
}
