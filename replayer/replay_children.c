/*
 * replay_children.c: replaying the forked children of a recording (see
 * replay_children.h).
 */
#define _GNU_SOURCE
#include "replay_children.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "digest.h"
#include "follow.h"

struct recorded_child {
	struct trace_process p;
	struct trace_event *events;
	size_t nevents;
	struct deja_feed *feed;
	uint64_t feed_count;
	uint8_t *feed_bytes;
	uint64_t feed_len;
	int32_t *child_pids; /* its children's pids, by fork index */
	uint32_t nchild_pids;
	struct follow_schedule follow;
	int end_signal; /* the signal it died of where its recording stops */
	/* The replay so far. */
	bool admitted, ended;
	uint64_t next;   /* events matched */
	uint64_t digest;
	struct process_end end;
};

struct replay_children {
	struct recorded_child *list; /* list[i].p.id == i; list[0] is the top process */
	size_t n;
	const struct site_table *sites;
	bool real_time;
	bool parallel; /* --strategy parallel: a futex difference gets its hint */
	bool diverged;
	char divergence[2048];
	/* deja replay --gdb at a child's event (stop_watch NULL: none). */
	uint32_t stop_process;
	uint64_t stop_event;
	struct debug_stop *stop_watch;
};

static struct recorded_child *find(struct replay_children *rc, uint32_t id)
{
	return id < rc->n && rc->list[id].p.id == id ? &rc->list[id] : NULL;
}

/* The signal a child died of.  When its runtime did not see it (killed
 * inside a call), its parent's wait did, if the parent reaped it. */
static enum trace_status find_end_signal(struct trace *t, struct recorded_child *c)
{
	c->end_signal = 0;
	if (!c->p.outcome || strcmp(c->p.outcome, "signal") != 0)
		return TRACE_OK;
	if (c->p.signal > 0) {
		c->end_signal = (int)c->p.signal;
		return TRACE_OK;
	}
	bool found;
	int status;
	if (c->p.parent < 0 || c->p.fork_index < 0)
		return TRACE_OK;
	enum trace_status st = trace_get_reap_status(t, (uint32_t)c->p.parent,
						     (uint32_t)c->p.fork_index, &found, &status);
	if (st == TRACE_OK && found && WIFSIGNALED(status))
		c->end_signal = WTERMSIG(status);
	/* Killed where its runtime could not see it (in an exec, between
	 * the old image's runtime and the new one's) and never reaped (its
	 * parent was killed too: a shell's `kill 0`): which signal is not
	 * known, but where its run stopped is.  SIGKILL ends its replay
	 * there, whatever handlers it has; the outcome is compared as
	 * "signal" only (replay_children_complete). */
	if (st == TRACE_OK && c->end_signal == 0)
		c->end_signal = SIGKILL;
	return st;
}

enum trace_status replay_children_load(struct trace *t, const struct trace_output_rank *ranks,
				       size_t nranks, struct replay_children **out)
{
	struct replay_children *rc = calloc(1, sizeof(*rc));
	*out = rc;
	if (!rc)
		return TRACE_ERR_NOMEM;
	struct trace_process *procs;
	size_t n;
	enum trace_status st = trace_get_processes(t, &procs, &n);
	if (st != TRACE_OK)
		return st;
	uint32_t max_id = 0;
	for (size_t i = 0; i < n; i++)
		if (procs[i].id > max_id)
			max_id = procs[i].id;
	rc->n = n ? (size_t)max_id + 1 : 1;
	rc->list = calloc(rc->n, sizeof(*rc->list));
	if (!rc->list) {
		trace_processes_free(procs, n);
		return TRACE_ERR_NOMEM;
	}
	for (size_t i = 0; i < rc->n; i++)
		rc->list[i].p.id = UINT32_MAX; /* a gap: not a recorded process */
	rc->list[0].p = (struct trace_process){ .id = 0, .parent = -1, .fork_index = -1 };
	for (size_t i = 0; i < n; i++) {
		rc->list[procs[i].id].p = procs[i];
		procs[i].outcome = procs[i].message = NULL; /* moved */
	}
	trace_processes_free(procs, n);
	for (size_t i = 1; i < rc->n && st == TRACE_OK; i++) {
		struct recorded_child *c = find(rc, (uint32_t)i);
		if (!c)
			continue;
		st = trace_get_process_events(t, c->p.id, &c->events, &c->nevents);
		if (st == TRACE_OK)
			st = trace_rank_outputs(ranks, nranks, c->p.id, c->events, c->nevents);
		if (st == TRACE_OK)
			st = trace_get_feed(t, c->p.id, c->events, c->nevents, &c->feed,
					    &c->feed_count, &c->feed_bytes, &c->feed_len);
		if (st == TRACE_OK)
			st = find_end_signal(t, c);
	}
	/* Each process's children's pids, by fork index. */
	for (size_t i = 1; i < rc->n && st == TRACE_OK; i++) {
		struct recorded_child *c = find(rc, (uint32_t)i);
		if (!c || c->p.parent < 0 || c->p.fork_index < 0 ||
		    c->p.fork_index >= DEJA_MAX_CHILDREN)
			continue;
		struct recorded_child *parent = find(rc, (uint32_t)c->p.parent);
		if (!parent)
			continue;
		if (!parent->child_pids) {
			parent->child_pids = calloc(DEJA_MAX_CHILDREN, sizeof(int32_t));
			if (!parent->child_pids)
				return TRACE_ERR_NOMEM;
			parent->nchild_pids = DEJA_MAX_CHILDREN;
		}
		parent->child_pids[c->p.fork_index] = (int32_t)c->p.pid;
	}
	return st;
}

void replay_children_free(struct replay_children *rc)
{
	if (!rc)
		return;
	for (size_t i = 0; i < rc->n; i++) {
		struct recorded_child *c = &rc->list[i];
		free(c->p.outcome);
		free(c->p.message);
		free(c->events);
		free(c->feed);
		free(c->feed_bytes);
		free(c->child_pids);
		follow_schedule_free(&c->follow);
	}
	free(rc->list);
	free(rc);
}

const int32_t *replay_children_pids(struct replay_children *rc, uint32_t process, uint32_t *n)
{
	struct recorded_child *c = find(rc, process);
	*n = c ? c->nchild_pids : 0;
	return c ? c->child_pids : NULL;
}

static bool diverge(struct replay_children *rc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static bool diverge(struct replay_children *rc, const char *fmt, ...)
{
	if (rc->diverged)
		return false; /* the first one is the one to report */
	rc->diverged = true;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(rc->divergence, sizeof(rc->divergence), fmt, ap);
	va_end(ap);
	return false;
}

static bool admit(void *ctx, uint32_t parent, uint32_t fork_index, int32_t pid,
		  uint32_t *process, struct process_setup *setup, char *why, size_t whylen)
{
	(void)pid;
	struct replay_children *rc = ctx;
	struct recorded_child *c = NULL;
	for (size_t i = 1; i < rc->n && !c; i++)
		if (find(rc, (uint32_t)i) && rc->list[i].p.parent == (int64_t)parent &&
		    rc->list[i].p.fork_index == (int64_t)fork_index)
			c = &rc->list[i];
	if (!c || c->admitted) {
		snprintf(why, whylen, "fork #%u of process %u: a child process the recording did not have",
			 fork_index, parent);
		return diverge(rc, "%s", why);
	}
	if (follow_schedule_build(c->events, c->nevents, rc->real_time, &c->follow) != 0) {
		snprintf(why, whylen, "deja is out of memory");
		return diverge(rc, "process %u: %s", c->p.id, why);
	}
	c->admitted = true;
	*process = c->p.id;
	setup->channel = (struct channel_spec){
		.schedule = c->follow.schedule,
		.ticks = c->follow.ticks,
		.interrupts = c->follow.interrupts,
		.ninterrupts = c->follow.ninterrupts,
		.schedule_len = c->nevents,
		.feed = c->feed,
		.feed_count = c->feed_count,
		.feed_bytes = c->feed_bytes,
		.feed_bytes_len = c->feed_len,
		.vtimes = c->follow.vtimes,
		.vtimes_len = c->follow.vtimes ? c->nevents : 0,
	};
	setup->replay_pid = (int32_t)c->p.pid;
	setup->replay_ppid = (int32_t)c->p.ppid;
	setup->end_signal = c->end_signal;
	setup->end_deadlock = c->p.outcome && strcmp(c->p.outcome, "deadlock") == 0;
	if (c->p.signal <= 0) /* its runtime did not see it: not where a call of its was */
		setup->kill_at_end = c->end_signal;
	setup->child_pids = c->child_pids;
	setup->nchild_pids = c->nchild_pids;
	if (rc->stop_watch && c->p.id == rc->stop_process)
		setup->debug_stop_event = rc->stop_event + 1;
	return true;
}

/* The child to stop has its channel: watch it for the stop. */
static void channel(void *ctx, uint32_t process, int fd, uint64_t size)
{
	struct replay_children *rc = ctx;
	if (rc->stop_watch && process == rc->stop_process)
		debug_stop_watch_fd(rc->stop_watch, fd, size);
}

static bool event(void *ctx, uint32_t process, const struct deja_event *ev, const uint8_t *data)
{
	(void)data;
	struct replay_children *rc = ctx;
	struct recorded_child *c = find(rc, process);
	char got[512], expected[512], what[400];
	c->digest = deja_event_digest(c->digest, ev);
	describe_event(rc->sites, process, ev, got, sizeof(got));
	if (c->next >= c->nevents)
		return diverge(rc, "process %u (fork #%lld of process %lld), event %llu: its recording"
			       " ended here, but the replay went on: %s", process,
			       (long long)c->p.fork_index, (long long)c->p.parent,
			       (unsigned long long)c->next, got);
	const struct trace_event *want = &c->events[c->next];
	if (want->digest != c->digest || !events_alike(&want->ev, ev)) {
		describe_event(rc->sites, process, &want->ev, expected, sizeof(expected));
		describe_difference(&want->ev, ev, what, sizeof(what));
		return diverge(rc, "process %u (fork #%lld of process %lld), event %llu differs%s%s\n"
			       "  expected: %s\n  got:      %s%s", process,
			       (long long)c->p.fork_index, (long long)c->p.parent,
			       (unsigned long long)c->next, what[0] ? " in " : "", what, expected, got,
			       rc->parallel ? describe_memory_lock_hint(rc->sites, process, &want->ev, ev)
					    : "");
	}
	c->next++;
	return true;
}

static void ended(void *ctx, uint32_t process, const struct process_end *end,
		  const struct deja_shared *sh)
{
	(void)sh;
	struct replay_children *rc = ctx;
	struct recorded_child *c = find(rc, process);
	c->ended = true;
	c->end = *end;
	/* Its runtime found it diverging (it went on past its recording's
	 * end, say) and ended it, with no event of its own to show it: said
	 * here, not left to its parent's wait, which would report only that
	 * the status (deja's exit 86) differs. */
	if (end->kind == DEJA_OUTCOME_DIVERGENCE)
		diverge(rc, "process %u (fork #%lld of process %lld), after %llu of its %zu recorded"
			" events: %s", process, (long long)c->p.fork_index, (long long)c->p.parent,
			(unsigned long long)c->next, c->nevents,
			end->message[0] ? end->message : "it diverged");
}

static bool recorded_pid(void *ctx, int32_t shown)
{
	const struct replay_children *rc = ctx;
	for (size_t i = 0; i < rc->n; i++)
		if (rc->list[i].p.id == i && rc->list[i].p.pid == shown)
			return true;
	return false;
}

void replay_children_hooks(struct replay_children *rc, const struct site_table *sites,
			   bool real_time, bool parallel, struct process_hooks *hooks)
{
	rc->sites = sites;
	rc->real_time = real_time;
	rc->parallel = parallel;
	*hooks = (struct process_hooks){ rc, admit, event, ended, channel, recorded_pid };
}

const struct trace_event *replay_children_events(const struct replay_children *rc,
						 uint32_t process, size_t *n)
{
	const struct recorded_child *c =
		process > 0 && process < rc->n && rc->list[process].p.id == process
			? &rc->list[process] : NULL;
	*n = c ? c->nevents : 0;
	return c ? c->events : NULL;
}

void replay_children_stop_at(struct replay_children *rc, uint32_t process, uint64_t event,
			     struct debug_stop *ds)
{
	rc->stop_process = process;
	rc->stop_event = event;
	rc->stop_watch = ds;
}

bool replay_children_diverged(const struct replay_children *rc, char *msg, size_t len)
{
	if (rc->diverged)
		snprintf(msg, len, "%s", rc->divergence);
	return rc->diverged;
}

static const char *kind_name(enum deja_outcome_kind k)
{
	static const char *const names[] = { "incomplete", "exit", "signal", "deadlock",
					     "timeout", "divergence", "error" };
	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

bool replay_children_complete(const struct replay_children *rc, char *msg, size_t len)
{
	for (size_t i = 1; i < rc->n; i++) {
		const struct recorded_child *c = &rc->list[i];
		if (c->p.id != i)
			continue;
		const char *name = "process";
		if (!c->admitted) {
			snprintf(msg, len, "%s %u (fork #%lld of process %lld) was recorded, but the"
				 " replay did not fork it", name, c->p.id, (long long)c->p.fork_index,
				 (long long)c->p.parent);
			return false;
		}
		if (c->next != c->nevents) {
			snprintf(msg, len, "%s %u: its replay ended after %llu of its %zu recorded events",
				 name, c->p.id, (unsigned long long)c->next, c->nevents);
			return false;
		}
		bool same = c->ended && c->p.outcome && strcmp(c->p.outcome, kind_name(c->end.kind)) == 0;
		if (same && c->end.kind == DEJA_OUTCOME_EXIT)
			same = c->p.exit_code == c->end.exit_code;
		if (same && c->end.kind == DEJA_OUTCOME_SIGNAL && c->p.signal > 0)
			same = c->p.signal == c->end.signal; /* 0: deja did not see which */
		if (!same) {
			snprintf(msg, len, "%s %u: every event matched, but it ended otherwise: recorded"
				 " %s %lld, replay %s %d%s%s", name, c->p.id,
				 c->p.outcome ? c->p.outcome : "?",
				 (long long)(c->p.exit_code >= 0 ? c->p.exit_code : c->p.signal),
				 c->ended ? kind_name(c->end.kind) : "incomplete",
				 c->end.kind == DEJA_OUTCOME_EXIT ? c->end.exit_code : c->end.signal,
				 c->ended && c->end.message[0] ? ": " : "",
				 c->ended ? c->end.message : "");
			return false;
		}
	}
	return true;
}
