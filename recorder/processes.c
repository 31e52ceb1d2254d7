/*
 * processes.c: the supervisor's side of following forked children (see
 * processes.h and runtime/fork.c).
 */
#define _GNU_SOURCE
#include "processes.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "grow.h"
#include "group_kill.h"
#include "interrupt_watch.h"
#include "fd_passing.h"
#include "model.h"
#include "monotonic.h"
#include "ring.h"
#include "script.h"
#include "strategy.h"
#include "tree_guard.h"

/* How long a fork whose child has not asked for a channel is waited for
 * once everything else has ended (the child was killed before it could). */
#define HELLO_GRACE_NS 2000000000LL

struct child {
	uint32_t id;
	uint32_t parent, fork_index; /* its name (struct deja_hello) */
	int32_t pid;
	int32_t shown_pid; /* replay: the pid the recording had (0: unknown) */
	int pidfd;
	struct channel ch;
	struct ring_reader ring;
	uint64_t events;
	uint64_t forks;  /* its followed forks, noted when it ended */
	uint64_t end_vclock; /* its clock, noted when it ended */
	/* Replay: kill_at_end (struct process_setup), once it has replayed
	 * end_after events. */
	int kill_at_end;
	uint64_t end_after;
	bool ended;
	struct interrupt_watch spin_watch; /* threads that spin (interrupt_watch.h) */
};

struct processes {
	int sock;
	struct process_run run;
	struct child *list;
	size_t n, cap;
	bool stopped;
	bool killed; /* processes_kill: deja ended the tree (interrupted, timed out, stopped) */
	int64_t last_progress_ns;
	struct tree_guard guard; /* ends the children if deja dies first */
};

struct processes *processes_new(int sock)
{
	struct processes *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->sock = sock;
	tree_guard_init(&p->guard);
	return p;
}

static void forget_children(struct processes *p)
{
	for (size_t i = 0; i < p->n; i++) {
		struct child *c = &p->list[i];
		if (c->pidfd >= 0)
			close(c->pidfd);
		ring_reader_free(&c->ring);
		channel_close(&c->ch);
	}
	p->n = 0;
}

void processes_free(struct processes *p)
{
	if (!p)
		return;
	forget_children(p);
	tree_guard_release(&p->guard);
	free(p->list);
	free(p);
}

void processes_begin(struct processes *p, const struct process_run *run)
{
	forget_children(p);
	p->run = *run;
	p->stopped = false;
	p->killed = false;
	p->last_progress_ns = monotonic_ns();
}

uint32_t processes_count(const struct processes *p)
{
	return (uint32_t)p->n;
}

uint64_t processes_events(const struct processes *p)
{
	uint64_t all = 0;
	for (size_t i = 0; i < p->n; i++)
		all += p->list[i].events;
	return all;
}

/* utime + stime of a process, in clock ticks (0 if it is gone). */
static uint64_t cpu_ticks_of(int32_t pid)
{
	char path[32], stat[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, stat, sizeof(stat) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	stat[n] = '\0';
	/* The fields after the command's name, which may hold anything but
	 * ends at the last ')': state, then ten numbers, then utime, stime. */
	const char *after = strrchr(stat, ')');
	unsigned long long user, sys;
	if (!after || sscanf(after + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
			     &user, &sys) != 2)
		return 0;
	return user + sys;
}

uint64_t processes_cpu_ticks(const struct processes *p, int32_t top)
{
	uint64_t ticks = top > 0 ? cpu_ticks_of(top) : 0;
	for (size_t i = 0; i < p->n; i++)
		if (!p->list[i].ended && p->list[i].pid > 0)
			ticks += cpu_ticks_of(p->list[i].pid);
	return ticks;
}

uint64_t processes_longest(const struct processes *p)
{
	uint64_t most = 0;
	for (size_t i = 0; i < p->n; i++)
		if (p->list[i].events > most)
			most = p->list[i].events;
	return most;
}

/* One answer on the process socket, with a descriptor (-1: none). */
static void send_reply(int to, const void *a, size_t len, int fd)
{
	union fd_passing_room room;
	struct iovec iov = { (void *)a, len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	if (fd >= 0)
		fd_passing_attach(&msg, &room, fd);
	while (sendmsg(to, &msg, MSG_NOSIGNAL) < 0 && errno == EINTR)
		;
}

static void send_answer(int to, const struct deja_answer *a, int channel_fd)
{
	send_reply(to, a, sizeof(*a), channel_fd);
}

static void refuse(int to, const char *why)
{
	struct deja_answer a = { .status = 1 };
	snprintf(a.message, sizeof(a.message), "%s", why);
	send_answer(to, &a, -1);
}

/* Mix a number into a seed, so that each process draws its own. */
static uint64_t mix(uint64_t seed, uint64_t n)
{
	uint64_t z = seed + (n + 1) * 0x9e3779b97f4a7c15ull;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* The child's channel: its model (one thread, the clock where the parent's
 * stood), the run's settings, and in a replay its recorded run. */
static int set_up_channel(struct processes *p, struct child *c, const struct deja_hello *h,
			  struct process_setup *setup, char *why, size_t whylen)
{
	const struct deja_shared *top = p->run.top;
	setup->channel.runtime_path = top->runtime_path;
	setup->channel.script_room = setup->scripted ? setup->script_len : 0;
	if (channel_create(&setup->channel, &c->ch, why, whylen) != 0)
		return -1;
	struct deja_shared *sh = c->ch.sh;
	sh->mode = top->mode;
	sh->supervisor_pid = top->supervisor_pid;
	sh->interrupt_dark_ns = 0;
	/* A child runs in real time: processes run side by side, and a
	 * child's virtual sleep would end before its parent's shorter one
	 * (`sleep 30` done before the parent's timeout of a second, a
	 * process to terminate gone before the signal). */
	sh->real_time = 1;
	sh->clock_read_events = top->clock_read_events; /* as the user asked: clock.c */
	sh->realtime_start_ns = top->realtime_start_ns;
	sh->monotonic_start_ns = top->monotonic_start_ns;
	sh->realtime_shift_ns = top->realtime_shift_ns;
	/* Real nanoseconds since the recording began, less the child's clock. */
	sh->real_offset_ns = monotonic_ns() - top->monotonic_start_ns - (int64_t)h->vclock;
	sh->entropy_seed = mix(top->entropy_seed, c->id);
	sh->process = c->id;
	sh->follow_children = 1;
	sh->run_id = top->run_id;
	sh->replay_pid = setup->replay_pid;
	c->shown_pid = setup->replay_pid; /* kept after the channel is unmapped */
	sh->replay_ppid = setup->replay_ppid;
	sh->replay_end_signal = setup->end_signal;
	sh->replay_end_deadlock = setup->end_deadlock;
	c->kill_at_end = setup->kill_at_end;
	c->end_after = setup->channel.schedule_len;
	sh->debug_stop_event = setup->debug_stop_event;
	for (uint32_t i = 0; i < setup->nchild_pids && i < DEJA_MAX_CHILDREN; i++)
		sh->child_pids[i] = setup->child_pids[i];
	deja_model_init_zeroed(&sh->model, p->run.max_steps); /* a new memfd */
	sh->model.pct_steps = p->run.pct_steps;
	sh->model.reuse_joined = 1; /* children are followed in serialised mode only */
	sh->model.entropy = sh->entropy_seed;
	const char *strategy = top->mode == DEJA_MODE_REPLAY ? "follow"
			       : setup->scripted		    ? "script"
								    : p->run.strategy;
	if (setup->scripted && setup->script_len) {
		struct deja_script_entry *script =
			(struct deja_script_entry *)((char *)sh + sh->script_offset);
		memcpy(script, setup->script, setup->script_len * sizeof(*script));
		sh->script_len = deja_script_sort(script, setup->script_len);
	}
	if (deja_strategy_setup(&sh->model, strategy, mix(p->run.seed, c->id), why, whylen) != 0)
		return -1;
	sh->model.vclock = h->vclock;
	if (deja_model_add_thread(&sh->model) == DEJA_NO_THREAD) {
		snprintf(why, whylen, "no thread slot");
		return -1;
	}
	return 0;
}

static bool grow(struct processes *p)
{
	return grow_array(&p->list, &p->cap, p->n + 1, sizeof(*p->list), 8);
}

static void answer_hello(struct processes *p, const struct deja_hello *h, int reply)
{
	const struct process_hooks *hooks = p->run.hooks;
	char why[256] = "";
	if (p->stopped || !hooks || h->run_id != p->run.top->run_id) {
		refuse(reply, "the run has ended");
		return;
	}
	if (!grow(p)) {
		refuse(reply, "deja is out of memory");
		return;
	}
	struct child *c = &p->list[p->n];
	*c = (struct child){ .parent = h->parent, .fork_index = h->fork_index, .pid = h->pid,
			     .pidfd = -1, .ch = { .fd = -1 } };
	struct process_setup setup = { 0 };
	if (!hooks->admit(hooks->ctx, h->parent, h->fork_index, h->pid, &c->id, &setup, why,
			  sizeof(why))) {
		refuse(reply, why);
		p->stopped = true; /* a replay met a child it cannot follow */
		return;
	}
	if (set_up_channel(p, c, h, &setup, why, sizeof(why)) != 0) {
		channel_close(&c->ch);
		refuse(reply, why);
		return;
	}
	if (hooks->channel)
		hooks->channel(hooks->ctx, c->id, c->ch.fd, c->ch.sh->size);
	c->pidfd = (int)syscall(SYS_pidfd_open, h->pid, 0);
	tree_guard_watch(&p->guard, c->pidfd);
	c->ring.sh = c->ch.sh;
	struct deja_answer a = { .status = 0, .process = c->id };
	send_answer(reply, &a, c->ch.fd);
	/* The mapping is enough from here on: a tree of thousands of
	 * processes must not hold thousands of descriptors. */
	close(c->ch.fd);
	c->ch.fd = -1;
	p->n++;
}

/* Where a reaped child's clock stood at its end.  The parent has reaped
 * it, so it has ended, whether or not its end was noticed here yet. */
static void answer_clock_query(const struct processes *p, const struct deja_clock_query *q,
			       int reply)
{
	struct deja_clock_answer a = { 0 };
	for (size_t i = 0; i < p->n && q->run_id == p->run.top->run_id; i++) {
		const struct child *c = &p->list[i];
		if (c->parent != q->parent || c->fork_index != q->fork_index)
			continue;
		a.known = 1;
		a.vclock = c->ended ? c->end_vclock
				    : __atomic_load_n(&c->ch.sh->model.vclock, __ATOMIC_ACQUIRE);
		break;
	}
	send_reply(reply, &a, sizeof(a), -1);
}

/* The other pid of the process of this run (the top one or a child)
 * whose real pid (to_shown) or recorded pid (!to_shown) is `id`, or -1.  A
 * recording's ids are the real ones and it is never asked (struct
 * deja_pid_query). */
static int32_t map_pid(const struct processes *p, int32_t id, bool to_shown)
{
	const struct deja_shared *top = p->run.top;
	int32_t from = to_shown ? top->target_pid : top->replay_pid;
	int32_t to = to_shown ? top->replay_pid : top->target_pid;
	if (from == id && to > 0)
		return to;
	for (size_t i = 0; i < p->n; i++) {
		const struct child *c = &p->list[i];
		from = to_shown ? c->pid : c->shown_pid;
		to = to_shown ? c->shown_pid : c->pid;
		if (from == id && to > 0)
			return to;
	}
	return -1;
}

/* Shown to real: 0 for a process the recorded tree had that the replay
 * has not started yet (hooks->recorded_pid). */
static void answer_pid_query(const struct processes *p, const struct deja_pid_query *q,
			     int reply)
{
	struct deja_pid_answer a = { 0 };
	const struct process_hooks *hooks = p->run.hooks;
	if (q->run_id == p->run.top->run_id && q->id > 0 && q->real_to_shown) {
		int32_t shown = map_pid(p, q->id, true);
		a.known = shown > 0;
		a.pid = shown > 0 ? shown : 0;
	} else if (q->run_id == p->run.top->run_id && q->id > 0) {
		int32_t real = map_pid(p, q->id, false);
		if (real < 0 && hooks->recorded_pid && hooks->recorded_pid(hooks->ctx, q->id))
			real = 0;
		a.known = real >= 0;
		a.pid = real > 0 ? real : 0;
	}
	send_reply(reply, &a, sizeof(a), -1);
}

/* A process of this run's tree, living: the top one or a followed child. */
static bool in_tree(void *ctx, pid_t pid)
{
	const struct processes *p = ctx;
	if (pid <= 0)
		return false;
	if (pid == p->run.top->target_pid)
		return true;
	for (size_t i = 0; i < p->n; i++)
		if (p->list[i].pid == pid && !p->list[i].ended)
			return true;
	return false;
}

/* Send q->sig to the run's processes in group q->pgrp, all but the caller
 * (struct deja_group_kill, group_kill.c). */
static void answer_group_kill(struct processes *p, const struct deja_group_kill *q,
			      int reply)
{
	struct deja_group_kill_answer a = { 0 };
	if (q->run_id == p->run.top->run_id)
		a.delivered = group_kill_tree(q->pgrp, q->sig, q->caller, in_tree, p);
	send_reply(reply, &a, sizeof(a), -1);
}

/* One message from the process socket: a hello, a clock or a pid query,
 * or a group kill. */
static void answer_message(struct processes *p, const void *m, size_t len, int reply)
{
	const struct deja_hello *h = m;
	const struct deja_clock_query *q = m;
	const struct deja_pid_query *pq = m;
	const struct deja_group_kill *gk = m;
	if (len == sizeof(*h) && h->magic == DEJA_HELLO_MAGIC &&
	    h->version == DEJA_PROTOCOL_VERSION)
		answer_hello(p, h, reply);
	else if (len == sizeof(*q) && q->magic == DEJA_CLOCK_QUERY_MAGIC &&
		 q->version == DEJA_PROTOCOL_VERSION)
		answer_clock_query(p, q, reply);
	else if (len == sizeof(*pq) && pq->magic == DEJA_PID_QUERY_MAGIC &&
		 pq->version == DEJA_PROTOCOL_VERSION)
		answer_pid_query(p, pq, reply);
	else if (len == sizeof(*gk) && gk->magic == DEJA_GROUP_KILL_MAGIC &&
		 gk->version == DEJA_PROTOCOL_VERSION)
		answer_group_kill(p, gk, reply);
	else
		refuse(reply, "the hello speaks another protocol version");
}

/* Take the messages waiting on the socket. */
static void accept_hellos(struct processes *p)
{
	for (;;) {
		union {
			struct deja_hello hello;
			struct deja_clock_query query;
			struct deja_pid_query pid_query;
			struct deja_group_kill group_kill;
		} m;
		union fd_passing_room room;
		struct iovec iov = { &m, sizeof(m) };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
		fd_passing_expect(&msg, &room);
		ssize_t n = recvmsg(p->sock, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return;
		int reply = fd_passing_take(&msg);
		if (reply < 0)
			continue;
		answer_message(p, &m, (size_t)n, reply);
		close(reply);
		p->last_progress_ns = monotonic_ns();
	}
}

static bool has_ended(const struct child *c)
{
	if (c->pidfd < 0)
		return kill(c->pid, 0) != 0 && errno == ESRCH;
	struct pollfd pfd = { .fd = c->pidfd, .events = POLLIN };
	return poll(&pfd, 1, 0) == 1;
}

static void settle(const struct child *c, bool killed_by_deja, struct process_end *e)
{
	const struct deja_shared *sh = c->ch.sh;
	memset(e, 0, sizeof(*e));
	e->exit_code = -1;
	e->thread = DEJA_NO_THREAD;
	e->events = c->events;
	e->forks = sh->forks_followed;
	e->pid = sh->target_pid;
	e->ppid = sh->target_ppid;
	uint32_t verdict = __atomic_load_n(&sh->outcome, __ATOMIC_ACQUIRE);
	if (verdict != DEJA_OUTCOME_NONE) {
		e->kind = verdict;
		e->thread = sh->outcome_thread;
		snprintf(e->message, sizeof(e->message), "%s", sh->message);
	} else if (__atomic_load_n(&sh->exited, __ATOMIC_ACQUIRE)) {
		e->kind = DEJA_OUTCOME_EXIT;
		e->exit_code = sh->exit_status & 0xff;
	} else {
		e->kind = DEJA_OUTCOME_SIGNAL;
		e->signal = (int)(sh->fault_signal ? sh->fault_signal : sh->ended_by_signal);
		if (sh->fault_signal) {
			e->thread = sh->fault_thread;
			e->fault_site = sh->fault_site;
		} else if (sh->ended_by_signal && sh->ended_site) {
			e->thread = sh->ended_thread;
			e->fault_site = sh->ended_site;
		} else if (!sh->ended_by_signal) {
			snprintf(e->message, sizeof(e->message), "%s",
				 killed_by_deja ? "killed by deja as the run ended"
						: "ended by a signal deja did not see (killed)");
		}
	}
}

/* Replay: a child whose recording a signal its runtime did not see ended
 * after its last event (SIGKILL from its parent, or from `timeout`) has
 * nothing left to do once it has replayed that event; its recording went
 * no further.  Its runtime ends it with that signal at its next call
 * (replay_end_signal), but a child that spins in code without calls (a
 * shell's `while :; do :; done`) makes none, and the kill that ended it
 * in the recording is held back in the replay (runtime/pids.c): it spun
 * for ever.  So it is sent the signal here, where its recording stopped. */
static void end_where_recorded(struct child *c)
{
	if (!c->kill_at_end || c->events < c->end_after || c->pidfd < 0)
		return;
	syscall(SYS_pidfd_send_signal, c->pidfd, c->kill_at_end, NULL, 0);
	c->kill_at_end = 0;
}

static bool sink_child(void *ctx, const struct deja_event *ev, const uint8_t *data)
{
	struct processes *p = ((void **)ctx)[0];
	const struct child *c = ((void **)ctx)[1];
	const struct process_hooks *hooks = p->run.hooks;
	return hooks->event(hooks->ctx, c->id, ev, data);
}

bool processes_poll(struct processes *p, bool stopped)
{
	p->stopped = p->stopped || stopped;
	accept_hellos(p);
	bool go_on = true;
	for (size_t i = 0; i < p->n; i++) {
		struct child *c = &p->list[i];
		if (c->ended)
			continue;
		/* Ended first, then drained: nothing can follow its end. */
		bool ended = has_ended(c);
		void *ctx[2] = { p, c };
		if (!ring_drain(&c->ring, sink_child, ctx, &c->events, p->stopped))
			p->stopped = true;
		if (!ring_empty(&c->ring))
			ring_spill(&c->ring);
		if (!ended) {
			interrupt_watch_poll(&c->spin_watch, c->ch.sh);
			end_where_recorded(c);
			continue;
		}
		c->ended = true;
		struct process_end e;
		settle(c, p->killed, &e);
		c->forks = e.forks;
		c->end_vclock = __atomic_load_n(&c->ch.sh->model.vclock, __ATOMIC_ACQUIRE);
		const struct process_hooks *hooks = p->run.hooks;
		if (!p->stopped)
			hooks->ended(hooks->ctx, c->id, &e, c->ch.sh);
		p->last_progress_ns = monotonic_ns();
		/* Its channel has been read for the last time. */
		if (c->pidfd >= 0)
			close(c->pidfd);
		c->pidfd = -1;
		ring_reader_free(&c->ring);
		channel_close(&c->ch);
	}
	if (p->stopped)
		go_on = false;
	return go_on;
}

bool processes_done(struct processes *p, const struct deja_shared *top)
{
	uint64_t forked = __atomic_load_n(&top->forks_followed, __ATOMIC_ACQUIRE);
	for (size_t i = 0; i < p->n; i++) {
		if (!p->list[i].ended)
			return false;
		forked += p->list[i].forks;
	}
	if (forked <= p->n || p->stopped)
		return true;
	return monotonic_ns() - p->last_progress_ns > HELLO_GRACE_NS;
}

void processes_kill(struct processes *p)
{
	p->killed = true;
	for (size_t i = 0; i < p->n; i++) {
		struct child *c = &p->list[i];
		if (c->ended)
			continue;
		if (c->pidfd >= 0)
			syscall(SYS_pidfd_send_signal, c->pidfd, SIGKILL, NULL, 0);
		else
			kill(c->pid, SIGKILL);
	}
}

int32_t processes_number_of(const struct processes *p, int32_t pid)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->list[i].pid == pid)
			return (int32_t)p->list[i].id;
	return -1;
}

void processes_end(struct processes *p)
{
	p->stopped = true;
	accept_hellos(p);
}
