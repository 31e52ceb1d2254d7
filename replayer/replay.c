/*
 * replay.c: deterministic replay (see replay.h).
 *
 * The recorded schedule (the thread of each event) is handed to the
 * runtime's follow strategy.  Each replayed event's digest is chained and
 * compared with the recorded digest at the same position, so the first
 * event that differs is named, with the recorded and the replayed event
 * side by side.  Replay also runs in the recorded working directory with
 * the same step budget, so a timeout replays as a timeout.  Forked
 * children are followed and compared too (replay_children.c).
 *
 * The top process's events are read once, as they stream in, into what
 * the replay needs of each (its schedule entry, its digest, the fields a
 * parallel replay's spin takes) and never held whole: a long run's
 * events took a hundred bytes each.  The few that have a feed entry or an
 * output number are kept whole, and a divergence's recorded event is
 * read again from the trace to be named.
 */
#define _GNU_SOURCE
#include "replay.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "grow.h"
#include "debug_stop.h"
#include "describe.h"
#include "digest.h"
#include "file_identity.h"
#include "feed_stream.h"
#include "follow.h"
#include "replay_children.h"
#include "model.h"

struct replay_feed {
	struct deja_feed *entries;
	uint64_t count;
	uint8_t *bytes;    /* NULL when they stream in (ring) */
	uint64_t len;
	uint64_t ring;     /* feed_stream_ring_size() */
	const char *trace_path;
	struct feed_stream *stream;
	char stream_err[256]; /* the stream could not be started */
	int32_t *tids;     /* thread ids the recording saw, by model thread */
	uint32_t ntids;
};

/* The feed's entries, from the events kept (those with an entry); its
 * bytes too when they are few (else a stream brings them while the
 * program runs, feed_stream.h). */
static enum trace_status load_feed(struct trace *t, const struct trace_event *events,
				   uint64_t n, struct replay_feed *feed)
{
	uint64_t longest;
	enum trace_status st = trace_feed_index(events, n, &feed->entries, &feed->count,
						&feed->len, &longest);
	if (st != TRACE_OK)
		return st;
	feed->ring = feed_stream_ring_size(feed->len, longest);
	if (feed->ring || !feed->len)
		return TRACE_OK;
	return trace_get_feed_bytes(t, 0, feed->entries, feed->count, feed->len, &feed->bytes);
}

static void start_stream(struct replay_feed *feed, struct deja_shared *sh)
{
	feed->stream = feed_stream_start(feed->trace_path, sh, feed->stream_err,
					 sizeof(feed->stream_err));
	if (!feed->stream) /* the runtime will wait for nothing: tell it */
		__atomic_store_n(&sh->feed_failed, 1, __ATOMIC_SEQ_CST);
}

/* What the replay sets going as the program goes: the feed's stream
 * (started before the program's runtime is let go, so that making the
 * ring's pages and filling it overlap the rest of the runtime's start:
 * started once the program ran, it had the program wait for the ring's
 * first bytes), and the watch for a stop under gdb in the top process (a
 * child's is given its channel by replay_children.c). */
struct replay_start {
	struct replay_feed *feed;
	struct debug_stop *watch_top; /* NULL: no --gdb in the top process */
};

static void on_starting(void *ctx, struct deja_shared *sh)
{
	struct replay_start *start = ctx;
	if (start->feed->ring)
		start_stream(start->feed, sh);
	if (start->watch_top)
		debug_stop_watch(start->watch_top, sh);
}

/* The recorded threads' ids, indexed by model thread. */
static enum trace_status load_tids(const struct trace_thread *th, size_t n,
				   struct replay_feed *feed)
{
	feed->tids = calloc(DEJA_MAX_THREADS, sizeof(*feed->tids));
	if (!feed->tids)
		return TRACE_ERR_NOMEM;
	for (size_t i = 0; i < n; i++)
		if (th[i].id < DEJA_MAX_THREADS)
			feed->tids[th[i].id] = th[i].os_tid;
	feed->ntids = DEJA_MAX_THREADS;
	return TRACE_OK;
}

/* What the sink checks of a recorded event: the chained digest; what a
 * parallel replay's spin takes from it (spin_as_recorded); and the other
 * fields events_alike compares, hashed, since a trace whose event was
 * changed but not its digest must still differ (e2e.diverge). */
struct recorded_check {
	uint64_t digest;
	uint64_t site, arg;
	uint64_t rest; /* rest_of() */
	uint32_t thread;
	uint16_t op;
};

static uint64_t rest_of(const struct deja_event *ev)
{
	struct {
		int64_t result;
		uint64_t data;
		uint32_t object, zero;
	} f = { .result = ev->result, .data = ev->data, .object = ev->object };
	return XXH3_64bits(&f, sizeof(f));
}

/* The top process's recorded event `index`, read again from the trace
 * (to name a divergence); false if it cannot be. */
static bool recorded_event(const char *trace_path, uint64_t index, struct deja_event *out)
{
	struct trace *t;
	char why[256];
	if (trace_open_but_bulk(trace_path, &t, why, sizeof(why)) != TRACE_OK)
		return false;
	struct trace_event e;
	int r;
	for (uint64_t i = 0; (r = trace_next_event(t, &e)) == 1 && i < index; i++)
		;
	trace_close(t);
	if (r == 1)
		*out = e.ev;
	return r == 1;
}

struct replay_sink {
	const struct recorded_check *recorded;
	const char *trace_path;
	uint64_t n;
	uint64_t next;
	uint64_t digest;
	const struct site_table *sites;
	struct replay_report *rep;
	bool stop_at_end;  /* the recording was cut short: by deja's interruption, by
			    * --timeout, or by deja's end (killed: outcome incomplete) */
	bool reached_end;
};

static bool differs(struct replay_sink *rs, const struct deja_event *got)
{
	char expected[512], actual[512], what[400];
	struct replay_report *rep = rs->rep;
	rep->divergence_seq = rs->next;
	describe_event(rs->sites, 0, got, actual, sizeof(actual));
	if (rs->next >= rs->n) {
		snprintf(rep->divergence, sizeof(rep->divergence),
			 "event %llu: the recording ended here, but the replay went on: %s",
			 (unsigned long long)rs->next, actual);
		return false;
	}
	struct deja_event again;
	if (!recorded_event(rs->trace_path, rs->next, &again)) {
		snprintf(rep->divergence, sizeof(rep->divergence),
			 "event %llu differs (the recorded one cannot be read again)\n  got:      %s",
			 (unsigned long long)rs->next, actual);
		return false;
	}
	const struct deja_event *recorded = &again;
	describe_event(rs->sites, 0, recorded, expected, sizeof(expected));
	describe_difference(recorded, got, what, sizeof(what));
	bool parallel = strcmp(rep->recorded.strategy, "parallel") == 0;
	snprintf(rep->divergence, sizeof(rep->divergence),
		 "event %llu differs%s%s\n  expected: %s\n  got:      %s%s",
		 (unsigned long long)rs->next, what[0] ? " in " : "", what, expected, actual,
		 parallel ? describe_memory_lock_hint(rs->sites, 0, recorded, got) : "");
	return false;
}

/* A parallel replay's yield or sleep (DEJA_EVENT_SPIN) is its thread's
 * next recorded one, with the recorded call site and argument, wherever
 * it was made. */
static const struct deja_event *spin_as_recorded(const struct replay_sink *rs,
						 const struct deja_event *ev,
						 struct deja_event *copy)
{
	if (!(ev->flags & DEJA_EVENT_SPIN))
		return ev;
	*copy = *ev;
	copy->flags &= (uint16_t)~DEJA_EVENT_SPIN;
	const struct recorded_check *recorded = rs->next < rs->n ? &rs->recorded[rs->next] : NULL;
	if (recorded && recorded->op == ev->op && recorded->thread == ev->thread) {
		copy->site = recorded->site;
		copy->arg = recorded->arg;
	}
	return copy;
}

static bool sink_event(void *ctx, const struct deja_event *got, const uint8_t *data)
{
	(void)data;
	struct replay_sink *rs = ctx;
	struct deja_event copy;
	const struct deja_event *ev = spin_as_recorded(rs, got, &copy);
	rs->digest = deja_event_digest(rs->digest, ev);
	const struct recorded_check *want = rs->next < rs->n ? &rs->recorded[rs->next] : NULL;
	if (!want || want->digest != rs->digest || want->thread != ev->thread ||
	    want->op != ev->op || want->site != ev->site || want->arg != ev->arg ||
	    want->rest != rest_of(ev))
		return differs(rs, ev);
	rs->next++;
	if (rs->stop_at_end && rs->next == rs->n) {
		/* Everything up to the interruption replayed: end it the same way. */
		rs->reached_end = true;
		return false;
	}
	return true;
}

/* What the replay keeps of the trace besides its run, read while the
 * program's process starts. */
struct replay_load {
	struct recorded_check *checks;   /* per top-process event */
	struct follow_schedule follow;   /* the schedule the runtime follows */
	struct trace_event *kept;        /* the events with a feed entry or an output */
	uint64_t nkept;
	struct deja_event *last;         /* per thread (DEJA_MAX_THREADS): its last event */
	struct deja_event gdb_at;        /* --gdb EVENT of the top process */
	struct site_table sites;
	struct replay_feed feed;
	struct trace_thread *threads;
	size_t nthreads;
	struct replay_children *children;
	struct trace_output_rank *ranks; /* every process's outputs' ranks */
	size_t nranks;
};

/* Event i of the top process, as it streams in: what is kept of it. */
static bool keep_event(struct replay_load *l, const struct trace_event *e, uint64_t i,
		       const struct replay_options *opt, size_t *cap, size_t *kept_cap)
{
	if (!grow_array(&l->checks, cap, i + 1, sizeof(*l->checks), 4096))
		return false;
	l->checks[i] = (struct recorded_check){ .digest = e->digest, .site = e->ev.site,
						 .arg = e->ev.arg, .rest = rest_of(&e->ev),
						 .thread = e->ev.thread, .op = e->ev.op };
	if (e->ev.thread < DEJA_MAX_THREADS)
		l->last[e->ev.thread] = e->ev;
	if (opt && opt->gdb && !opt->gdb_process &&
	    (opt->gdb_event == i || opt->gdb_event == REPLAY_GDB_LAST)) /* last: the last one */
		l->gdb_at = e->ev;
	if (trace_op_feeds(e->ev.op) || e->ev.output_seq) {
		if (!grow_array(&l->kept, kept_cap, l->nkept + 1, sizeof(*l->kept), 64))
			return false;
		l->kept[l->nkept++] = *e;
	}
	return follow_schedule_add(&l->follow, &e->ev) == 0;
}

static enum replay_status load_events(struct trace *t, const struct replay_options *opt,
				      bool real_time, struct replay_load *l, uint64_t *n)
{
	size_t cap = 0, kept_cap = 0;
	*n = 0;
	l->last = calloc(DEJA_MAX_THREADS, sizeof(*l->last));
	if (!l->last || follow_schedule_begin(&l->follow, real_time) != 0)
		return REPLAY_ERR_TRACE;
	int r;
	struct trace_event e;
	while ((r = trace_next_event(t, &e)) == 1) {
		if (!keep_event(l, &e, *n, opt, &cap, &kept_cap))
			return REPLAY_ERR_TRACE;
		(*n)++;
	}
	return r == 0 ? REPLAY_IDENTICAL : REPLAY_ERR_TRACE;
}

static const char *kind_name(enum deja_outcome_kind k)
{
	static const char *const names[] = { "incomplete", "exit", "signal", "deadlock",
					     "timeout", "divergence", "error" };
	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

static bool same_outcome(const struct trace_run *rec, const struct session_result *res)
{
	if (strcmp(rec->outcome, kind_name(res->kind)) != 0)
		return false;
	if (res->kind == DEJA_OUTCOME_EXIT)
		return rec->exit_code == res->exit_code;
	if (res->kind == DEJA_OUTCOME_SIGNAL)
		return rec->signal == res->signal;
	return true;
}

/* A divergence the runtime ended the run with (its thread cannot make
 * the recorded event): which event that was, and in parallel mode why it
 * may be so.  A parallel replay of Rust's thread::park_timeout said only
 * "the recorded thread cannot run at this event", the event a futex
 * wait's timeout whose token another thread had set at another moment. */
static void explain_divergence(struct replay_report *rep, const struct replay_sink *rs)
{
	uint64_t seq = rep->recorded_events > 0 ? rep->divergence_seq : 0;
	char expected[512] = "";
	const char *hint = "";
	struct deja_event again;
	if (seq < rs->n && recorded_event(rs->trace_path, seq, &again)) {
		const struct deja_event *recorded = &again;
		describe_event(rs->sites, 0, recorded, expected, sizeof(expected));
		if (strcmp(rep->recorded.strategy, "parallel") == 0 &&
		    !strstr(rep->res.message, DEJA_PARALLEL_UNSTEERED))
			hint = describe_memory_lock_hint(rs->sites, 0, recorded, recorded);
	}
	snprintf(rep->divergence, sizeof(rep->divergence), "event %llu: %s%s%s%s",
		 (unsigned long long)seq, rep->res.message, expected[0] ? "\n  expected: " : "",
		 expected, hint);
}

static void explain_outcome(struct replay_report *rep, const struct replay_sink *rs)
{
	const struct session_result *res = &rep->res;
	if (res->kind == DEJA_OUTCOME_DIVERGENCE) {
		explain_divergence(rep, rs);
		return;
	}
	if (rep->divergence_seq < rep->recorded_events)
		snprintf(rep->divergence, sizeof(rep->divergence),
			 "event %llu: the replay ended (%s) after %llu of the %llu recorded events",
			 (unsigned long long)rep->divergence_seq, kind_name(res->kind),
			 (unsigned long long)rep->divergence_seq,
			 (unsigned long long)rep->recorded_events);
	else
		snprintf(rep->divergence, sizeof(rep->divergence),
			 "the end: every event matched, but the outcome differs:"
			 " recorded %s %lld, replay ended with %s %d",
			 rep->recorded.outcome,
			 (long long)(rep->recorded.signal > 0 ? rep->recorded.signal
							      : rep->recorded.exit_code),
			 kind_name(res->kind), res->signal > 0 ? res->signal : res->exit_code);
}

static enum replay_status check_executable(const struct trace_run *run, char *err, size_t errlen)
{
	char hash[17];
	if (deja_file_identity(run->exe_path, hash) != 0) {
		snprintf(err, errlen, "the recorded executable %s cannot be read", run->exe_path);
		return REPLAY_ERR_EXE;
	}
	if (strcmp(hash, run->exe_hash) != 0) {
		snprintf(err, errlen,
			 "%s has changed since it was recorded (identity %s, recorded %s);"
			 " replay needs the same binary", run->exe_path, hash, run->exe_hash);
		return REPLAY_ERR_EXE;
	}
	return REPLAY_IDENTICAL;
}

/* deja's own runtime library is loaded into every recording: the replay
 * loads the one beside this deja, whatever the recording's was. */
static bool is_deja_runtime(const char *path)
{
	const char *slash = strrchr(path, '/');
	return strcmp(slash ? slash + 1 : path, "libdeja-runtime.so") == 0;
}

/* Every library (and executable) the recording loaded must be the same
 * file again: a changed one moves the code the call sites point into, and
 * the replay would diverge at its first event there, or later and worse. */
static enum replay_status check_modules(struct trace *t, char *err, size_t errlen)
{
	struct trace_module_file *m;
	size_t n;
	if (trace_get_module_files(t, &m, &n) != TRACE_OK) {
		snprintf(err, errlen, "the trace's modules cannot be read");
		return REPLAY_ERR_TRACE;
	}
	enum replay_status st = REPLAY_IDENTICAL;
	for (size_t i = 0; i < n && st == REPLAY_IDENTICAL; i++) {
		char hash[17];
		if (is_deja_runtime(m[i].path))
			continue;
		if (deja_file_identity(m[i].path, hash) != 0) {
			snprintf(err, errlen, "%s, which the recording loaded, cannot be read;"
				 " replay needs the same files", m[i].path);
			st = REPLAY_ERR_EXE;
		} else if (strcmp(hash, m[i].hash) != 0) {
			snprintf(err, errlen, "%s has changed since it was recorded (identity %s,"
				 " recorded %s); replay needs the same libraries", m[i].path, hash,
				 m[i].hash);
			st = REPLAY_ERR_EXE;
		}
	}
	trace_module_files_free(m, n);
	return st;
}

/* Threads the recording left standing at a tick (its run ended while they
 * were stopped there, preempted): their last event's next tick stop is
 * that tick.  (A tick already run, the thread's last event, is no stop.) */
static void stop_at_final_ticks(const struct trace_thread *th, size_t nthreads,
				const struct deja_event *last_event, const uint64_t *last_of,
				uint64_t *ticks)
{
	for (size_t i = 0; i < nthreads; i++) {
		uint32_t t = th[i].id;
		if (th[i].stopped_tick == DEJA_NO_TICK || t >= DEJA_MAX_THREADS ||
		    last_of[t] == UINT64_MAX)
			continue;
		const struct deja_event *last = &last_event[t];
		if ((last->op == DEJA_OP_TICK || last->op == DEJA_OP_TIMESLICE) &&
		    last->arg == th[i].stopped_tick)
			continue;
		ticks[last_of[t]] = th[i].stopped_tick;
	}
}

/* Threads the recording left stopped at an interrupt (a spin it stopped:
 * the run ended, another thread exiting, while they stood there): they
 * stop there again after their last event.  Without the stop such a
 * thread spun for ever after it, where the recording's had given the
 * turn away, and the replay hung (an OpenMP program under
 * OMP_WAIT_POLICY=active, whose idle workers spin at its exit).  The
 * last event may be an interrupt with the same instruction and registers
 * (the thread went on from it into the same spin and was stopped again,
 * its stack unchanged): a stop still, for an interrupt run is no longer
 * in stopped_ip (runtime/interrupts.c clears it once its event is
 * recorded, while the thread still has the turn, before anyone else can
 * end the run). */
static int stop_at_final_interrupts(const struct trace_thread *th, size_t nthreads,
				    struct follow_schedule *f)
{
	for (size_t i = 0; i < nthreads; i++)
		if (th[i].stopped_ip &&
		    follow_schedule_stop_last(f, th[i].id, th[i].stopped_ip, th[i].stopped_regs) != 0)
			return -1;
	return 0;
}

/* --gdb: what to stop at and how to tell people (ev: the process's
 * recorded events, which replay_run has checked EVENT against). */
static void end_session_run(void *session)
{
	session_stop_run(session);
}

static void debug_request(const struct replay_options *opt, const struct deja_event *at,
			  const struct site_table *sites, const char *runtime_path,
			  struct session *s, struct debug_stop_request *rq, char *what,
			  size_t whatlen)
{
	describe_event(sites, opt->gdb_process, at, what, whatlen);
	*rq = (struct debug_stop_request){ .process = opt->gdb_process,
					   .event = opt->gdb_event, .gdb = opt->gdb,
					   .commands = opt->gdb_commands,
					   .runtime_path = runtime_path, .what = what,
					   .gdb_run = opt->gdb_run, .restarting = end_session_run,
					   .restarting_ctx = s };
}

/* --gdb: start the watch for the stop, and ask for the stop in a child's
 * channel when it is a child's; NULL (err filled) if it cannot start. */
static struct debug_stop *start_debug(const struct replay_options *opt,
				      const struct deja_event *top_at, const struct site_table *sites,
				      struct replay_children *children, const char *runtime_path,
				      struct session *s, struct debug_stop_request *rq, char *what,
				      size_t whatlen, char *err, size_t errlen)
{
	size_t n;
	const struct deja_event *at = top_at;
	if (opt->gdb_process)
		at = &replay_children_events(children, opt->gdb_process, &n)[opt->gdb_event].ev;
	debug_request(opt, at, sites, runtime_path, s, rq, what, whatlen);
	struct debug_stop *ds = debug_stop_start(rq, err, errlen);
	if (ds && opt->gdb_process)
		replay_children_stop_at(children, opt->gdb_process, opt->gdb_event, ds);
	return ds;
}

/* Lay out the channel of the session started early (s) and run it. */
static enum replay_status run_follow(struct replay_report *rep, struct session *s,
				     struct replay_load *l, const struct replay_options *opt,
				     const char *runtime_path, char *err, size_t errlen)
{
	const struct trace_thread *threads = l->threads;
	size_t nthreads = l->nthreads;
	const struct site_table *sites = &l->sites;
	struct replay_feed *feed = &l->feed;
	struct replay_children *children = l->children;
	struct debug_stop_request rq;
	char what[512];
	struct debug_stop *debug = NULL;
	if (opt && opt->gdb && !(debug = start_debug(opt, &l->gdb_at, sites, children, runtime_path,
						      s, &rq, what, sizeof(what), err, errlen)))
		return REPLAY_ERR_PROGRAM;
	struct replay_start start = { .feed = feed,
				      .watch_top = opt && opt->gdb_process ? NULL : debug };
	/* Real time: the model's clock at each event, as recorded. */
	bool real_time = strcmp(rep->recorded.time, "real") == 0;
	stop_at_final_ticks(threads, nthreads, l->last, l->follow.last_of, l->follow.ticks);
	if (stop_at_final_interrupts(threads, nthreads, &l->follow) != 0)
		return REPLAY_ERR_TRACE;
	const struct follow_schedule *f = &l->follow;
	uint32_t nchild_pids = 0;
	const int32_t *child_pids = replay_children_pids(children, 0, &nchild_pids);
	struct process_hooks hooks;
	bool parallel = strcmp(rep->recorded.strategy, "parallel") == 0;
	replay_children_hooks(children, sites, real_time, parallel, &hooks);
	struct session_config cfg = {
		.argv = rep->recorded.argv,
		.envp = rep->recorded.envp,
		.exe_path = rep->recorded.exe_path,
		.runtime_path = runtime_path,
		.cwd = rep->recorded.cwd,
		.strategy = "follow",
		.parallel = parallel,
		.real_time = real_time,
		.vtimes = f->vtimes,
		.vtimes_len = f->vtimes ? rep->recorded_events : 0,
		.seed = rep->recorded.seed,
		.max_steps = rep->recorded.max_steps,
		.schedule = f->schedule,
		.ticks = f->ticks,
		.interrupts = f->interrupts,
		.ninterrupts = f->ninterrupts,
		.schedule_len = rep->recorded_events,
		.realtime_start_ns = rep->recorded.realtime_start,
		.monotonic_start_ns = rep->recorded.monotonic_start,
		.entropy_seed = rep->recorded.entropy_seed,
		.stdio_kinds = rep->recorded.stdio_kinds,
		.feed = feed->entries,
		.feed_count = feed->count,
		.feed_bytes = feed->bytes,
		.feed_bytes_len = feed->len,
		.feed_ring_size = feed->ring,
		.starting = feed->ring || start.watch_top ? on_starting : NULL,
		.starting_ctx = &start,
		.debug_stop_event = start.watch_top ? opt->gdb_event + 1 : 0,
		.replay_pid = (int32_t)rep->recorded.pid,
		.replay_ppid = (int32_t)rep->recorded.ppid,
		.replay_end_signal = strcmp(rep->recorded.outcome, "signal") == 0
					     ? (int32_t)rep->recorded.signal : 0,
		.replay_end_deadlock = strcmp(rep->recorded.outcome, "deadlock") == 0,
		.replay_kill_at_end = strcmp(rep->recorded.outcome, "signal") == 0 &&
						      rep->recorded.signal == SIGKILL
					      ? SIGKILL : 0,
		.replay_tids = feed->tids,
		.replay_nthreads = feed->ntids,
		.child_pids = child_pids,
		.nchild_pids = nchild_pids,
		.processes = &hooks,
	};
	enum replay_status st = REPLAY_ERR_PROGRAM;
	bool laid_out = session_lay_out(s, &cfg, err, errlen) == 0;
	struct replay_sink rs = { .recorded = l->checks, .trace_path = feed->trace_path,
				  .n = rep->recorded_events,
				  .sites = sites, .rep = rep,
				  .stop_at_end = rep->recorded.interrupted != 0 ||
						 (rep->recorded.message &&
						  strncmp(rep->recorded.message, "wall-clock", 10) == 0) ||
						 (rep->recorded.outcome &&
						  strcmp(rep->recorded.outcome, "incomplete") == 0) };
	int ran = laid_out ? session_run(s, sink_event, &rs, &rep->res, err, errlen) : -1;
	enum debug_stop_result stop = debug_stop_end(debug, &rep->gdb_restart);
	rep->gdb_stopped = stop != DEBUG_STOP_NONE;
	rep->gdb_attached = stop == DEBUG_STOP_ATTACHED;
	bool fed = feed_stream_end(feed->stream, err, errlen);
	if (fed && feed->ring && ran == 0 && !feed->stream) {
		snprintf(err, errlen, "%s", feed->stream_err);
		fed = false;
	}
	if (!fed)
		st = REPLAY_ERR_TRACE;
	else if (ran == 0) {
		escape_log_copy(&rep->escapes, session_escapes(s));
		rep->divergence_seq = rs.next;
		if (replay_children_diverged(children, rep->divergence, sizeof(rep->divergence)))
			st = REPLAY_DIVERGED; /* a child's divergence ended the run */
		else if (rs.reached_end)
			st = REPLAY_IDENTICAL;
		else if (rep->res.stopped_by_sink)
			st = REPLAY_DIVERGED;
		else if (rs.next != rs.n || !same_outcome(&rep->recorded, &rep->res)) {
			explain_outcome(rep, &rs);
			st = REPLAY_DIVERGED;
		} else if (!replay_children_complete(children, rep->divergence,
						     sizeof(rep->divergence))) {
			st = REPLAY_DIVERGED;
		} else
			st = REPLAY_IDENTICAL;
	}
	return st;
}

/* --gdb: whether the trace has the process and event to stop at (else
 * err says why). */
static bool has_debug_event(struct replay_options *opt, uint64_t top_events,
			    const struct replay_children *children, char *err, size_t errlen)
{
	size_t n = top_events;
	if (opt->gdb_process && !replay_children_events(children, opt->gdb_process, &n)) {
		snprintf(err, errlen, "--gdb-process %u: the trace has no such process (`deja show`"
			 " lists them)", opt->gdb_process);
		return false;
	}
	if (opt->gdb_event == REPLAY_GDB_LAST && n) {
		opt->gdb_event = n - 1;
		return true;
	}
	if (opt->gdb_event < n)
		return true;
	if (opt->gdb_event == REPLAY_GDB_LAST) {
		snprintf(err, errlen, "--gdb last: process %u of the trace has no events",
			 opt->gdb_process);
		return false;
	}
	snprintf(err, errlen, "--gdb %llu: process %u of the trace has %zu events%s",
		 (unsigned long long)opt->gdb_event, opt->gdb_process, n,
		 n ? "" : ", none to stop at");
	if (n) {
		size_t len = strlen(err);
		snprintf(err + len, errlen - len, " (0 to %zu)", n - 1);
	}
	return false;
}

/* The outputs' ranks in the tree, which the top process's recorded events
 * take as their output_seq (trace_outputs.c). */
static enum trace_status load_output_ranks(struct trace *t, struct replay_load *l)
{
	enum trace_status st = trace_get_output_ranks(t, l->kept, l->nkept, &l->ranks, &l->nranks);
	return st == TRACE_OK ? trace_rank_outputs(l->ranks, l->nranks, 0, l->kept, l->nkept) : st;
}

static enum replay_status load_rest(struct trace *t, struct replay_options *opt,
				    struct replay_report *rep, struct replay_load *l, char *err,
				    size_t errlen)
{
	enum trace_status fst;
	bool real_time = strcmp(rep->recorded.time, "real") == 0;
	if (load_events(t, opt, real_time, l, &rep->recorded_events) != REPLAY_IDENTICAL)
		snprintf(err, errlen, "the trace's events cannot be read: it is damaged");
	else if (load_output_ranks(t, l) != TRACE_OK)
		snprintf(err, errlen, "the order of the trace's outputs cannot be read: it is damaged");
	else if (trace_get_sites(t, &l->sites.sites, &l->sites.n) != TRACE_OK)
		snprintf(err, errlen, "the trace's call sites cannot be read");
	else if (trace_get_python_codes(t, &l->sites.python, &l->sites.npython) != TRACE_OK)
		snprintf(err, errlen, "the trace's Python code names cannot be read");
	else if ((fst = load_feed(t, l->kept, l->nkept, &l->feed)) != TRACE_OK)
		snprintf(err, errlen, "the trace's recorded inputs cannot be read: %s",
			 trace_strerror(fst));
	else if (trace_get_threads(t, &l->threads, &l->nthreads) != TRACE_OK ||
		 load_tids(l->threads, l->nthreads, &l->feed) != TRACE_OK)
		snprintf(err, errlen, "the trace's threads cannot be read");
	else if (replay_children_load(t, l->ranks, l->nranks, &l->children) != TRACE_OK)
		snprintf(err, errlen, "the trace's processes cannot be read");
	else if (opt && opt->gdb && !has_debug_event(opt, rep->recorded_events, l->children,
						     err, errlen))
		return REPLAY_ERR_USAGE;
	else
		return REPLAY_IDENTICAL;
	return REPLAY_ERR_TRACE;
}

enum replay_status replay_run(const char *trace_path, const char *runtime_path,
			      const struct replay_options *opt, struct replay_report *rep,
			      char *err, size_t errlen)
{
	memset(rep, 0, sizeof(*rep));
	/* The options as this run takes them: --gdb last becomes an event. */
	struct replay_options taken = opt ? *opt : (struct replay_options){ 0 };
	struct replay_options *own = opt ? &taken : NULL;
	struct trace *t;
	if (trace_open_but_bulk(trace_path, &t, err, errlen) != TRACE_OK)
		return REPLAY_ERR_TRACE;
	struct replay_load l = { .feed = { .trace_path = trace_path } };
	struct session *s = NULL;
	enum replay_status st = REPLAY_ERR_TRACE;
	/* The program's process is started as soon as the executable and
	 * libraries are known to be the recorded ones, and starts (fork,
	 * exec, the dynamic loader) while the events, most of a replay's
	 * set-up, are read; its runtime waits for the channel
	 * (session_start). */
	struct session_config start = { 0 };
	enum trace_status ts = trace_get_run(t, &rep->recorded);
	if (ts != TRACE_OK) {
		snprintf(err, errlen, "%s", ts == TRACE_ERR_NO_RUN ? trace_strerror(ts)
						: "the trace's run cannot be read: it is damaged");
	} else if ((st = check_executable(&rep->recorded, err, errlen)) == REPLAY_IDENTICAL &&
		   (st = check_modules(t, err, errlen)) == REPLAY_IDENTICAL) {
		start = (struct session_config){ .argv = rep->recorded.argv,
						 .envp = rep->recorded.envp,
						 .exe_path = rep->recorded.exe_path,
						 .runtime_path = runtime_path,
						 .cwd = rep->recorded.cwd };
		s = session_start(&start, err, errlen);
		st = s ? load_rest(t, own, rep, &l, err, errlen) : REPLAY_ERR_PROGRAM;
		rep->gdb_event = taken.gdb_event;
	}
	trace_close(t);
	if (st == REPLAY_IDENTICAL)
		st = run_follow(rep, s, &l, own, runtime_path, err, errlen);
	session_free(s);
	replay_children_free(l.children);
	free(l.ranks);
	site_table_free(&l.sites);
	free(l.feed.entries);
	free(l.feed.bytes);
	free(l.feed.tids);
	free(l.threads);
	free(l.checks);
	free(l.kept);
	free(l.last);
	follow_schedule_free(&l.follow);
	return st;
}

void replay_report_free(struct replay_report *rep)
{
	trace_run_free(&rep->recorded);
	escape_log_free(&rep->escapes);
}
