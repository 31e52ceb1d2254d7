/*
 * record.c: one recorded run (see record.h).
 *
 * Events go into the trace as they stream in, committed in batches, so
 * that whatever happens to the target, and even to deja itself, the trace
 * holds every event up to the last committed batch.  The outcome, the
 * threads, the wait-for graph of a deadlock, the resolved call sites and
 * the names of the Python code objects events carry (--python-lines) are
 * written once the target has ended.
 */
#define _GNU_SOURCE
#include "record.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "code_sites.h"
#include "site_set.h"
#include "digest.h"
#include "file_identity.h"
#include "elf_static.h"
#include "grow.h"
#include "held_events.h"
#include "model.h"
#include "syscall_table.h"
#include "trace.h"

extern char **environ;

#define EVENTS_PER_COMMIT 8192

/* Bytes a process read so far from one input source, for inputs.offset. */
struct source_offset {
	uint32_t process;
	char name[257];
	uint64_t read;
};

/* The run of reads the next inputs row will be: one process's, from one
 * source, one event after another.  A row per read cost a third of what
 * the event of a read of 4 KiB cost the supervisor. */
struct input_run {
	bool open;
	uint32_t process;
	size_t source; /* in record_sink.sources */
	uint64_t first, last; /* the reads' seqs */
	uint64_t length;
};

/* What creating the trace needs, for a held run that turns out kept. */
struct trace_origin {
	const struct record_options *o;
	const char *exe, *hash;
	const struct deja_shared *sh;
};

/* The Python code objects a process's channel names (runtime/ticks.c),
 * taken when it ended: a child's channel goes then. */
struct python_names {
	struct deja_python_code *v;
	uint32_t n;
	uint32_t dropped; /* past the channel's table */
};

/* A forked child followed in this run (processes.h), in admission order;
 * its number is its index + 1 (the top process is 0). */
struct child_process {
	uint32_t parent, fork_index;
	/* The recorded process it is (options' child_scripts), or
	 * NO_RECORDED_PROCESS. */
	uint32_t recorded;
	uint64_t digest;
	uint64_t events;
	bool ended;
	struct process_end end;
	/* Its wait-for graph, taken from its channel when it ended in a
	 * deadlock or a timeout (op and kind names are static strings). */
	struct trace_wait *waits;
	size_t nwaits;
	/* Its modules, every image's, taken from its channel when it ended,
	 * and the image it ended in. */
	struct deja_module *modules;
	uint32_t nmodules;
	uint32_t last_image;
	struct python_names python;
};

/* The trace being created while the target starts (start_trace in a
 * thread of its own, from the moment the target's process is forked):
 * writing the empty trace, SQLite reading its schema and the run's rows
 * overlap the target's exec and loader, in which deja only waits (when
 * SQLite made the schema at run time this took 4 to 6 ms, as long as
 * the target's start). */
struct trace_maker {
	pthread_t thread;
	bool running;
	bool made;     /* start_trace has run (or is running) */
	const struct trace_origin *origin; /* NULL: no trace to make */
	struct trace *t;
	enum record_status status;
	char err[512];
};

struct record_sink {
	struct trace *t;        /* NULL while the run is held or being created */
	struct trace_maker maker;
	/* Forked children, and their events while the run is held
	 * (held_children.process[i] their process numbers). */
	struct child_process *children;
	size_t nchildren, children_cap;
	struct held_events held_children;
	uint64_t digest;
	uint64_t pending;
	bool failed;
	char write_error[256]; /* why the first failed write failed */
	bool holding;
	struct held_events held;
	struct trace_origin origin;
	char *err;
	size_t errlen;
	struct source_offset *sources;
	size_t nsources, sources_cap;
	size_t last_source; /* where the last lookup found its source */
	struct input_run run;
	struct site_set sites; /* the events' call sites, named at the end */
};

/* A write into the trace failed: the run is not recorded.  The reason
 * is taken now, before the next call to the trace replaces it. */
static void write_failed(struct record_sink *rs)
{
	if (!rs->failed && rs->t)
		trace_write_error(rs->t, rs->write_error, sizeof(rs->write_error));
	rs->failed = true;
}

/* Where in rs->sources the count of bytes `process` read from `name` so
 * far is; false when memory runs out.  Reads come in runs from one
 * source, so the last one found is tried first. */
static bool source_offset(struct record_sink *rs, uint32_t process, const char *name, size_t *at)
{
	for (size_t k = 0; k < rs->nsources; k++) {
		size_t i = (rs->last_source + k) % rs->nsources;
		struct source_offset *so = &rs->sources[i];
		if (so->process == process && strcmp(so->name, name) == 0) {
			*at = rs->last_source = i;
			return true;
		}
	}
	if (!grow_array(&rs->sources, &rs->sources_cap, rs->nsources + 1, sizeof(*rs->sources),
			16))
		return false;
	struct source_offset *so = &rs->sources[rs->nsources];
	so->process = process;
	snprintf(so->name, sizeof(so->name), "%s", name);
	so->read = 0;
	*at = rs->last_source = rs->nsources++;
	return true;
}

/* Write the run of reads gathered so far as its inputs row. */
static void end_input_run(struct record_sink *rs)
{
	struct input_run *r = &rs->run;
	if (!r->open)
		return;
	r->open = false;
	struct source_offset *so = &rs->sources[r->source];
	enum trace_status st =
		r->process ? trace_put_process_input(rs->t, r->process, r->first, r->last, so->name,
						     so->read, r->length)
			   : trace_put_input(rs->t, r->first, r->last, so->name, so->read, r->length);
	if (st != TRACE_OK)
		write_failed(rs);
	so->read += r->length;
}

/* Note that `process` read `len` bytes from `source` in its event `seq`:
 * the run of reads goes on if its last read was the event before, from
 * the same source. */
static void put_input(struct record_sink *rs, uint32_t process, uint64_t seq,
		      const char *source, uint32_t len)
{
	const char *name = source[0] ? source : "?";
	struct input_run *r = &rs->run;
	if (r->open && r->process == process && r->last + 1 == seq &&
	    strcmp(rs->sources[r->source].name, name) == 0) {
		r->last = seq;
		r->length += len;
		return;
	}
	end_input_run(rs);
	size_t at;
	if (!source_offset(rs, process, name, &at)) {
		rs->failed = true;
		return;
	}
	*r = (struct input_run){ .open = true, .process = process, .source = at, .first = seq,
				 .last = seq, .length = len };
}

/* Commit what was written since the last commit, its run of reads too. */
static void commit_written(struct record_sink *rs)
{
	end_input_run(rs);
	if (trace_commit(rs->t) != TRACE_OK)
		write_failed(rs); /* a full disk: the run must not look recorded */
}

/* ... and begin the next batch. */
static void commit_batch(struct record_sink *rs)
{
	commit_written(rs);
	trace_begin(rs->t);
	rs->pending = 0;
}

/* An input syscall's bytes in the data ring: [u16 source length, source]
 * if it is a read, then what the program got.  Splits them: *bytes and
 * *len are what it got, source (if not NULL) the source, or "". */
static void split_data(const struct deja_event *ev, const uint8_t *data, const uint8_t **bytes,
		       uint32_t *len, char source[257])
{
	*bytes = data;
	*len = ev->data_len;
	if (source)
		source[0] = '\0';
	if (!(ev->flags & DEJA_EVENT_SOURCE) || *len < 2)
		return;
	uint16_t n;
	memcpy(&n, data, sizeof(n));
	if (n > 256 || (uint32_t)n + 2 > *len)
		n = 0;
	if (source) {
		memcpy(source, data + 2, n);
		source[n] = '\0';
	}
	*bytes += 2 + n;
	*len -= 2 + (uint32_t)n;
}

static void put_data(struct record_sink *rs, const struct deja_event *ev, const uint8_t *bytes,
		     uint32_t len, const char *source)
{
	if (trace_put_syscall_data(rs->t, ev->seq, bytes, len) != TRACE_OK)
		write_failed(rs);
	if (ev->flags & DEJA_EVENT_SOURCE)
		put_input(rs, 0, ev->seq, source, len);
}

/* Write one event (digest already chained) into the trace. */
static void write_event(struct record_sink *rs, const struct deja_event *ev, uint64_t digest,
			const uint8_t *data)
{
	if (rs->failed)
		return; /* the run is being stopped: its trace is lost */
	struct trace_event te = { .ev = *ev, .digest = digest };
	const uint8_t *bytes = NULL;
	char source[257] = "";
	te.ev.data_len = 0;
	if (ev->data_len && data)
		split_data(ev, data, &bytes, &te.ev.data_len, source);
	if (trace_put_event(rs->t, &te) != TRACE_OK)
		write_failed(rs);
	if (!site_set_add(&rs->sites, 0, ev->image, ev->site))
		rs->failed = true;
	if (bytes)
		put_data(rs, ev, bytes, te.ev.data_len, source);
	if (++rs->pending >= EVENTS_PER_COMMIT)
		commit_batch(rs);
}

static enum record_status start_trace(const struct trace_origin *origin, bool reserved,
				      struct trace **t, char *err, size_t errlen);

static void *make_trace(void *arg)
{
	struct trace_maker *m = arg;
	m->status = start_trace(m->origin, true, &m->t, m->err, sizeof(m->err));
	return NULL;
}

/* Claim the trace's file, so that a trace that cannot be made there stops
 * the recording before the program runs, as it did; the trace itself is
 * made once the program's process is forked (begin_making). */
static enum record_status claim_trace(struct record_sink *rs, char *err, size_t errlen)
{
	const char *path = rs->origin.o->trace_path;
	char why[256];
	if (trace_reserve(path, why, sizeof(why)) != TRACE_OK) {
		snprintf(err, errlen, "cannot create the trace %s: %s", path, why);
		return RECORD_ERR_TRACE;
	}
	rs->maker = (struct trace_maker){ .origin = &rs->origin };
	return RECORD_OK;
}

/* The session's forked hook: make the trace on a thread (signals stay
 * the main thread's), or at once if no thread can be had. */
static void begin_making(void *ctx)
{
	struct trace_maker *m = &((struct record_sink *)ctx)->maker;
	if (!m->origin || m->made)
		return;
	m->made = true;
	sigset_t all, was;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &was);
	m->running = pthread_create(&m->thread, NULL, make_trace, m) == 0;
	pthread_sigmask(SIG_SETMASK, &was, NULL);
	if (!m->running)
		make_trace(m);
}

/* Wait for the trace being created, if it is; false when creating it
 * failed (the run is then to stop, with the reason in rs->err). */
static bool trace_made(struct record_sink *rs)
{
	struct trace_maker *m = &rs->maker;
	if (!m->origin)
		return true; /* none to make, or taken over */
	if (!m->made) { /* no fork of deja's started it (a served run) */
		m->made = true;
		make_trace(m);
	}
	if (m->running) {
		pthread_join(m->thread, NULL);
		m->running = false;
	}
	if (m->status != RECORD_OK) {
		if (!rs->failed)
			snprintf(rs->err, rs->errlen, "%s", m->err);
		rs->failed = true;
	}
	rs->t = m->t;
	m->origin = NULL;
	m->t = NULL;
	return !rs->failed;
}

/* A forked child's event, its digest chained over its own stream, into
 * the trace; the bytes of an input into process_data, and a read's source
 * into process_inputs. */
static void write_child_event(struct record_sink *rs, uint32_t process,
			      const struct deja_event *ev, const uint8_t *data)
{
	struct child_process *c = &rs->children[process - 1];
	c->digest = deja_event_digest(c->digest, ev);
	struct trace_event te = { .ev = *ev, .digest = c->digest };
	const uint8_t *bytes = NULL;
	char source[257] = "";
	te.ev.data_len = 0;
	if (ev->data_len && data)
		split_data(ev, data, &bytes, &te.ev.data_len, source);
	if (trace_put_process_event(rs->t, process, &te) != TRACE_OK)
		write_failed(rs);
	if (!site_set_add(&rs->sites, process, ev->image, ev->site))
		rs->failed = true;
	if (bytes && trace_put_process_data(rs->t, process, ev->seq, bytes, te.ev.data_len) !=
		     TRACE_OK)
		write_failed(rs);
	if (bytes && (ev->flags & DEJA_EVENT_SOURCE))
		put_input(rs, process, ev->seq, source, te.ev.data_len);
	if (++rs->pending >= EVENTS_PER_COMMIT)
		commit_batch(rs);
}

/* ---- process hooks (processes.h) ---- */

#define NO_RECORDED_PROCESS UINT32_MAX

/* The script of the recorded process a new child of `parent` (this run's
 * number) at `fork_index` is, if the options give one. */
static const struct process_script *child_script(const struct record_sink *rs,
						 uint32_t parent, uint32_t fork_index)
{
	const struct record_options *o = rs->origin.o;
	uint32_t recorded_parent = parent == 0 ? 0 : rs->children[parent - 1].recorded;
	for (size_t i = 0; recorded_parent != NO_RECORDED_PROCESS && i < o->nchild_scripts; i++) {
		const struct process_script *ps = &o->child_scripts[i];
		if (ps->parent == recorded_parent && ps->fork_index == fork_index)
			return ps;
	}
	return NULL;
}

static bool admit_child(void *ctx, uint32_t parent, uint32_t fork_index, int32_t pid,
			uint32_t *process, struct process_setup *setup, char *why, size_t whylen)
{
	(void)pid;
	struct record_sink *rs = ctx;
	if (!grow_array(&rs->children, &rs->children_cap, rs->nchildren + 1,
			sizeof(*rs->children), 8)) {
		snprintf(why, whylen, "deja is out of memory");
		return false;
	}
	const struct process_script *ps = child_script(rs, parent, fork_index);
	rs->children[rs->nchildren] = (struct child_process){
		.parent = parent, .fork_index = fork_index,
		.recorded = ps ? ps->process : NO_RECORDED_PROCESS };
	if (ps)
		*setup = (struct process_setup){ .scripted = true, .script = ps->script,
						 .script_len = ps->len };
	*process = (uint32_t)++rs->nchildren;
	return true;
}

static bool child_event(void *ctx, uint32_t process, const struct deja_event *ev,
			const uint8_t *data)
{
	struct record_sink *rs = ctx;
	if (!trace_made(rs))
		return false;
	rs->children[process - 1].events++;
	if (!rs->t) {
		if (!held_events_add(&rs->held_children, process, ev, data))
			rs->failed = true;
		return !rs->failed;
	}
	write_child_event(rs, process, ev, data);
	return !rs->failed;
}

static bool model_wait(const struct deja_model *m, uint32_t i, struct trace_wait *w);
static bool ended_waiting(const struct deja_shared *sh, enum deja_outcome_kind kind);

/* A child that ended waiting: its wait-for graph, kept until the trace's
 * processes are written (its channel goes when it has ended). */
static void keep_child_waits(struct child_process *c, const struct deja_shared *sh)
{
	const struct deja_model *m = &sh->model;
	uint32_t n = m->nthreads < DEJA_MAX_THREADS ? m->nthreads : DEJA_MAX_THREADS;
	c->waits = calloc(n ? n : 1, sizeof(*c->waits));
	if (!c->waits)
		return; /* the graph is left out, as for a run with none */
	for (uint32_t i = 0; i < n; i++)
		if (model_wait(m, i, &c->waits[c->nwaits])) {
			c->waits[c->nwaits].image = sh->image;
			c->nwaits++;
		}
}

static void keep_child_modules(struct child_process *c, const struct deja_shared *sh)
{
	uint32_t n = sh->nmodules < DEJA_MAX_MODULES ? sh->nmodules : DEJA_MAX_MODULES;
	c->modules = n ? malloc(n * sizeof(*c->modules)) : NULL;
	if (!c->modules)
		return; /* its call sites are left unnamed */
	memcpy(c->modules, sh->modules, n * sizeof(*c->modules));
	c->nmodules = n;
}

/* How many of the `taken` names a process's Python gave fell past its
 * channel's table. */
static uint32_t python_codes_dropped(uint32_t taken)
{
	return taken > DEJA_PYTHON_CODES ? taken - DEJA_PYTHON_CODES : 0;
}

/* The names a process's channel holds, copied out (none if memory runs
 * out: its events' lines are then shown without names). */
static void keep_python_names(struct python_names *pn, const struct deja_shared *sh)
{
	uint32_t taken = __atomic_load_n(&sh->python_codes_taken, __ATOMIC_ACQUIRE);
	uint32_t dropped = python_codes_dropped(taken);
	uint32_t n = taken - dropped;
	*pn = (struct python_names){ .dropped = dropped };
	pn->v = n ? malloc(n * sizeof(*pn->v)) : NULL;
	for (uint32_t i = 0; pn->v && i < n; i++) /* a slot not yet filled is left out */
		if (__atomic_load_n(&sh->python_codes[i].ready, __ATOMIC_ACQUIRE))
			pn->v[pn->n++] = sh->python_codes[i];
}

/* A process's python_code rows.  The names came from the target: each is
 * read only within its slot, whatever it holds. */
static void put_python_names(struct trace *t, uint32_t process, const struct python_names *pn)
{
	for (uint32_t i = 0; i < pn->n; i++) {
		const struct deja_python_code *c = &pn->v[i];
		char names[DEJA_PYTHON_NAME_MAX + 1];
		memcpy(names, c->names, DEJA_PYTHON_NAME_MAX);
		names[DEJA_PYTHON_NAME_MAX] = '\0';
		size_t file = strlen(names);
		struct trace_python_code row = {
			.process = process, .image = c->image, .code = c->code, .file = names,
			.function = file < DEJA_PYTHON_NAME_MAX ? names + file + 1 : "?",
		};
		trace_put_python_code(t, &row);
	}
}

static void child_ended(void *ctx, uint32_t process, const struct process_end *end,
			const struct deja_shared *sh)
{
	struct record_sink *rs = ctx;
	struct child_process *c = &rs->children[process - 1];
	c->ended = true;
	c->end = *end;
	if (ended_waiting(sh, end->kind) && !c->waits)
		keep_child_waits(c, sh);
	if (!c->modules)
		keep_child_modules(c, sh);
	if (!c->python.v && !c->python.dropped)
		keep_python_names(&c->python, sh);
	c->last_image = sh->image;
}

/* The held run is kept after all: create its trace and write it out. */
static void write_out_held(struct record_sink *rs)
{
	rs->holding = false;
	if (start_trace(&rs->origin, false, &rs->t, rs->err, rs->errlen) != RECORD_OK) {
		rs->failed = true;
		return;
	}
	uint64_t digest = 0;
	size_t at = 0;
	for (size_t i = 0; i < rs->held.n; i++) {
		const struct deja_event *ev = &rs->held.ev[i];
		digest = deja_event_digest(digest, ev);
		write_event(rs, ev, digest, ev->data_len ? rs->held.bytes + at : NULL);
		at += ev->data_len;
	}
	held_events_free(&rs->held);
	at = 0;
	for (size_t i = 0; i < rs->held_children.n; i++) {
		const struct deja_event *ev = &rs->held_children.ev[i];
		write_child_event(rs, rs->held_children.process[i], ev,
				  ev->data_len ? rs->held_children.bytes + at : NULL);
		at += ev->data_len;
	}
	held_events_free(&rs->held_children);
}

static bool sink_event(void *ctx, const struct deja_event *ev, const uint8_t *data)
{
	struct record_sink *rs = ctx;
	if (!trace_made(rs))
		return false;
	const struct record_options *o = rs->origin.o;
	if (o->observe)
		o->observe(o->observe_ctx, ev);
	rs->digest = deja_event_digest(rs->digest, ev);
	if (rs->holding) {
		if (held_events_add(&rs->held, 0, ev, data) && rs->held.n < HELD_EVENTS_MAX)
			return true;
		write_out_held(rs); /* too long to hold (or no memory): stream it */
		return !rs->failed;
	}
	write_event(rs, ev, rs->digest, data);
	return !rs->failed; /* a trace that cannot be written: stop the run */
}

static const char *outcome_name(enum deja_outcome_kind k);

/* The processes table: the top process, then every followed child. */
static void put_processes(struct record_sink *rs, const struct session_result *res,
			  const struct deja_shared *sh, uint64_t digest)
{
	struct trace_process top = {
		.id = 0, .parent = -1, .fork_index = -1,
		.pid = sh->target_pid, .ppid = sh->target_ppid,
		.outcome = (char *)outcome_name(res->kind),
		.exit_code = res->kind == DEJA_OUTCOME_EXIT ? res->exit_code : -1,
		.signal = res->signal,
		.message = res->message[0] ? (char *)res->message : NULL,
		.events = res->events, .final_digest = digest,
		.python_codes_dropped = python_codes_dropped(
			__atomic_load_n(&sh->python_codes_taken, __ATOMIC_ACQUIRE)),
	};
	trace_put_process(rs->t, &top);
	for (size_t i = 0; i < rs->nchildren; i++) {
		const struct child_process *c = &rs->children[i];
		const struct process_end *e = &c->end;
		struct trace_process p = {
			.id = (uint32_t)i + 1, .parent = c->parent, .fork_index = c->fork_index,
			.pid = e->pid, .ppid = e->ppid,
			.outcome = c->ended ? (char *)outcome_name(e->kind) : "incomplete",
			.exit_code = c->ended && e->kind == DEJA_OUTCOME_EXIT ? e->exit_code : -1,
			.signal = e->signal,
			.message = e->message[0] ? (char *)e->message : NULL,
			.events = c->events, .final_digest = c->digest,
			.fault_thread = e->thread == DEJA_NO_THREAD ? -1 : (int64_t)e->thread,
			.fault_site = c->ended ? e->fault_site : 0,
			.fault_image = c->last_image,
			.python_codes_dropped = c->python.dropped,
		};
		trace_put_process(rs->t, &p);
		for (size_t k = 0; k < c->nwaits; k++)
			trace_put_process_wait(rs->t, p.id, &c->waits[k]);
	}
}

static const char *outcome_name(enum deja_outcome_kind k)
{
	switch (k) {
	case DEJA_OUTCOME_EXIT: return "exit";
	case DEJA_OUTCOME_SIGNAL: return "signal";
	case DEJA_OUTCOME_DEADLOCK: return "deadlock";
	case DEJA_OUTCOME_TIMEOUT: return "timeout";
	case DEJA_OUTCOME_DIVERGENCE: return "divergence";
	case DEJA_OUTCOME_ERROR: return "error";
	case DEJA_OUTCOME_NONE: break;
	}
	return "incomplete";
}

/* Whether a run (or a child) that ended so left a wait-for graph to
 * record: a deadlock, or a step budget's timeout.  A run cut short from
 * outside (a wall-clock timeout, deja interrupted, a kill) leaves pending
 * operations that say nothing while a thread runs, but every one of them
 * when it came while the program waited for the world: a hang's picture. */
static bool ended_waiting(const struct deja_shared *sh, enum deja_outcome_kind kind)
{
	if (kind != DEJA_OUTCOME_DEADLOCK && kind != DEJA_OUTCOME_TIMEOUT &&
	    kind != DEJA_OUTCOME_SIGNAL)
		return false;
	if (sh->outcome != DEJA_OUTCOME_NONE)
		return kind != DEJA_OUTCOME_SIGNAL;
	return __atomic_load_n(&sh->world_waiting, __ATOMIC_ACQUIRE) != 0;
}

/* What a wait for the world waits for (cli_print_wait_graph says it),
 * else `kind`. */
static const char *world_wait_kind(const struct deja_pending *p, const char *kind)
{
	if (p->op == DEJA_OP_REAP && p->wait_io)
		return "child";
	if (p->op == DEJA_OP_SYSCALL && p->wait_io)
		return "input";
	if (p->interrupt & DEJA_INTERRUPT_SIGNAL_ONLY)
		return "signal";
	return kind;
}

/* Thread i's edge of the wait-for graph, if it was still waiting. */
static bool model_wait(const struct deja_model *m, uint32_t i, struct trace_wait *w)
{
	const struct deja_thread *th = &m->threads[i];
	if (th->state != DEJA_THREAD_LIVE)
		return false;
	const struct deja_pending *p = &th->pending;
	const struct deja_object *o = p->object ? &m->objects[p->object - 1] : NULL;
	uint32_t holder = deja_model_blocker(m, i);
	*w = (struct trace_wait){
		.thread = i,
		.op = deja_op_name(p->op),
		.object = o ? o->id : 0,
		.object_kind = deja_object_kind_name(o ? o->kind : DEJA_OBJ_NONE),
		.object_addr = o ? o->addr : 0,
		.holder = holder == DEJA_NO_THREAD ? -1 : (int64_t)holder,
		.site = p->site,
	};
	if (p->op == DEJA_OP_JOIN)
		w->object_kind = "thread";
	if (p->op == DEJA_OP_SYSCALL) { /* read, poll, pause, ...: by its name */
		const char *name = deja_syscall((long)p->arg)->name;
		w->op = name ? name : w->op;
	}
	w->object_kind = world_wait_kind(p, w->object_kind);
	return true;
}

static void put_threads_and_waits(struct trace *t, const struct deja_shared *sh,
				  enum deja_outcome_kind kind)
{
	const struct deja_model *m = &sh->model;
	for (uint32_t i = 0; i < m->nthreads; i++) {
		const struct deja_thread *th = &m->threads[i];
		struct trace_thread tt = {
			.id = i,
			.os_tid = th->os_tid,
			.start_routine = th->start_routine,
			.finished = th->state == DEJA_THREAD_FINISHED,
			.events = th->events,
			.ticks = m->coverage[i].ticks,
			.longest_ticks = m->coverage[i].longest_ticks,
			.longest_dark_ns = m->coverage[i].longest_dark_ns,
			.stopped_tick = th->state == DEJA_THREAD_LIVE
						? m->coverage[i].stopped_tick
						: DEJA_NO_TICK,
			.stopped_ip = th->state == DEJA_THREAD_LIVE ? m->coverage[i].stopped_ip : 0,
			.stopped_regs = m->coverage[i].stopped_regs,
		};
		trace_put_thread(t, &tt);
		struct trace_wait w;
		if (ended_waiting(sh, kind) && model_wait(m, i, &w)) {
			w.image = sh->image;
			trace_put_wait(t, &w);
		}
	}
}

/* Every process's modules, then the call sites named with them. */
static void put_modules_and_sites(struct record_sink *rs, const struct deja_shared *sh)
{
	struct code_sites *cs = code_sites_new();
	if (!cs)
		return; /* call sites are left unnamed */
	uint32_t n = sh->nmodules < DEJA_MAX_MODULES ? sh->nmodules : DEJA_MAX_MODULES;
	code_sites_put_modules(cs, rs->t, 0, sh->modules, n);
	for (size_t i = 0; i < rs->nchildren; i++)
		code_sites_put_modules(cs, rs->t, (uint32_t)i + 1, rs->children[i].modules,
				       rs->children[i].nmodules);
	code_sites_name_all(cs, rs->t, &rs->sites);
	code_sites_free(cs);
}

/* Every process's Python code objects: the top process's from its channel,
 * still there, the children's as kept when they ended. */
static void put_python_code(struct record_sink *rs, const struct deja_shared *sh)
{
	struct python_names top;
	keep_python_names(&top, sh);
	put_python_names(rs->t, 0, &top);
	free(top.v);
	for (size_t i = 0; i < rs->nchildren; i++)
		put_python_names(rs->t, (uint32_t)i + 1, &rs->children[i].python);
}

void record_remove_trace(const char *path)
{
	static const char *const sides[] = { "", "-wal", "-shm", "-journal" };
	for (unsigned k = 0; k < sizeof(sides) / sizeof(*sides); k++) {
		char file[4096];
		snprintf(file, sizeof(file), "%s%s", path, sides[k]);
		unlink(file);
	}
}

static void now_iso8601(char buf[32])
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int count_strings(char *const *list)
{
	int n = 0;
	while (list && list[n])
		n++;
	return n;
}

/* Create the trace (in its file claimed already, if reserved) and write
 * the run into it, in a transaction left open for the events. */
static enum record_status start_trace(const struct trace_origin *origin, bool reserved,
				      struct trace **t, char *err, size_t errlen)
{
	const struct record_options *o = origin->o;
	const char *exe = origin->exe, *hash = origin->hash;
	const struct deja_shared *sh = origin->sh;
	char cwd[PATH_MAX], started[32];
	if (!getcwd(cwd, sizeof(cwd)))
		snprintf(cwd, sizeof(cwd), "?");
	now_iso8601(started);
	char why[256];
	enum trace_status ts = reserved ? trace_create_reserved(o->trace_path, t, why, sizeof(why))
				      : trace_create(o->trace_path, t, why, sizeof(why));
	if (ts != TRACE_OK) {
		snprintf(err, errlen, "cannot create the trace %s: %s", o->trace_path, why);
		return RECORD_ERR_TRACE;
	}
	struct trace_run run = {
		.deja_version = (char *)o->deja_version,
		.cwd = cwd,
		.exe_path = (char *)exe,
		.exe_hash = (char *)hash,
		.strategy = (char *)o->strategy,
		.started_at = started,
		.argv = (char **)o->argv,
		.argc = o->argc,
		.envp = (char **)(o->envp ? o->envp : environ),
		.envc = count_strings(o->envp ? o->envp : environ),
		.seed = o->seed,
		.run_index = o->run_index,
		.max_steps = o->max_steps,
		.realtime_start = sh->realtime_start_ns,
		.monotonic_start = sh->monotonic_start_ns,
		.entropy_seed = sh->entropy_seed,
		.time = o->real_time ? "real" : "virtual",  /* (not freed) */
	};
	/* The run, its argv and its environment in the transaction the events
	 * go on in, not a commit per row. */
	if (trace_begin(*t) != TRACE_OK || trace_put_run(*t, &run) != TRACE_OK) {
		snprintf(err, errlen, "cannot write the run to the trace");
		return RECORD_ERR_TRACE;
	}
	return RECORD_OK;
}

/* The syscalls that escaped the runtime, and the expected kinds' counts. */
static void put_escapes(struct trace *t, const struct escape_log *log)
{
	for (size_t i = 0; log && i < log->n; i++) {
		const struct escape_entry *e = &log->v[i];
		const struct deja_syscall_info *sc = deja_syscall(e->nr);
		struct trace_escape te = {
			.pid = e->pid, .tid = e->tid, .process = e->process,
			.kind = (char *)escape_kind_name((enum escape_kind)e->kind),
			.syscall = (char *)sc->name, .nr = e->nr,
			.klass = (char *)deja_syscall_class_name((enum deja_syscall_class)sc->klass),
			.count = e->count, .first_ip = e->first_ip, .first_us = e->first_us,
		};
		trace_put_escape(t, &te);
	}
}

/* The run's outcome and tables after its events; whether they are in the
 * trace. */
static bool finish_trace(struct record_sink *rs, const struct record_options *o,
			 const struct session_result *res, const struct deja_shared *sh,
			 uint64_t digest, const struct escape_log *escapes)
{
	struct trace *t = rs->t;
	/* The notebook says how the run was made: strategy, seed, run. */
	char command[512];
	snprintf(command, sizeof(command), "record (strategy %s, seed %llu, run %llu%s)",
		 o->strategy, (unsigned long long)o->seed, (unsigned long long)o->run_index,
		 o->script ? ", script given" : "");
	struct trace_run run = {
		.outcome = (char *)outcome_name(res->kind),
		.exit_code = res->exit_code,
		.signal = res->signal,
		.message = res->message[0] ? (char *)res->message : NULL,
		.outcome_thread = res->thread == DEJA_NO_THREAD ? -1 : (int64_t)res->thread,
		.fault_site = res->fault_site,
		.events = res->events,
		.preemptions = sh->model.preemptions,
		.switches = sh->model.switches,
		.interrupted = res->interrupted,
		.forks = sh->forks,
		.final_digest = digest,
		.pid = sh->target_pid,
		.ppid = sh->target_ppid,
		.stdio_kinds = sh->stdio_kinds,
	};
	trace_begin(t);
	trace_put_outcome(t, &run);
	put_threads_and_waits(t, sh, res->kind);
	put_processes(rs, res, sh, digest);
	put_modules_and_sites(rs, sh);
	put_python_code(rs, sh);
	put_escapes(t, escapes);
	trace_put_history(t, command, run.outcome);
	bool stored = trace_commit(t) == TRACE_OK;
	if (!stored)
		write_failed(rs);
	trace_seal(t); /* if it fails, the trace is whole, beside its side files */
	return stored;
}

/* A session of its own, or the next run of the caller's fork server. */
static struct session *open_session(const struct record_options *o, struct session_config *cfg,
				    char *err, size_t errlen)
{
	if (o->server && *o->server)
		return session_next_run(*o->server, cfg, err, errlen) == 0 ? *o->server : NULL;
	cfg->fork_server = o->server != NULL;
	struct session *s = session_new(cfg, err, errlen);
	if (o->server)
		*o->server = s;
	return s;
}

static bool program_is_static(const char *exe)
{
	char head[DEJA_ELF_HEAD_BYTES];
	int fd = open(exe, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false; /* hashing it will say what is wrong */
	ssize_t n = read(fd, head, sizeof(head));
	close(fd);
	return n > 0 && deja_elf_is_static(head, (size_t)n);
}

/* Why a program named by a path cannot be run, as the shell would say
 * it: "cannot find program" alone sent the user looking for a file that
 * was there, only not executable (or a directory). */
static void explain_unrunnable(const char *prog, char *err, size_t errlen)
{
	struct stat st;
	if (!strchr(prog, '/')) {
		snprintf(err, errlen, "cannot find program '%s' in PATH", prog);
		return;
	}
	if (stat(prog, &st) != 0) {
		snprintf(err, errlen, "cannot find program '%s': %s", prog, strerror(errno));
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "cannot run program '%s': it is a directory", prog);
		return;
	}
	int why = access(prog, X_OK) != 0 ? errno : EACCES;
	snprintf(err, errlen, "cannot run program '%s': %s", prog, strerror(why));
}

void explain_not_replaced(const char *path, char *err, size_t errlen)
{
	snprintf(err, errlen,
		 "%s exists and is not a deja trace: not deleting it to write one there"
		 " (remove it, or give another output file)", path);
}

/* The message of a run whose trace could not be written. */
static void explain_write_failure(struct record_sink *rs, const char *path, const char *what)
{
	if (!rs->write_error[0] && rs->t)
		trace_write_error(rs->t, rs->write_error, sizeof(rs->write_error));
	snprintf(rs->err, rs->errlen, "cannot write %s into the trace %s: %s; no trace was kept",
		 what, path, rs->write_error[0] ? rs->write_error : "deja is out of memory");
}

enum record_status record_run(const struct record_options *o, struct session_result *res,
			      char *err, size_t errlen)
{
	if (!trace_may_replace(o->trace_path)) {
		explain_not_replaced(o->trace_path, err, errlen);
		return RECORD_ERR_TRACE; /* (before anything that removes it on failure) */
	}
	char *exe = session_find_program(o->argv[0]);
	if (!exe) {
		explain_unrunnable(o->argv[0], err, errlen);
		return RECORD_ERR_PROGRAM;
	}
	if (program_is_static(exe)) {
		snprintf(err, errlen,
			 "'%s' is statically linked: deja's runtime enters a program through "
			 "the dynamic loader (LD_PRELOAD) and cannot enter it; link it dynamically",
			 exe);
		free(exe);
		return RECORD_ERR_PROGRAM;
	}
	char hash[17];
	if (deja_file_identity(exe, hash) != 0) {
		snprintf(err, errlen, "cannot read program '%s'", exe);
		free(exe);
		return RECORD_ERR_PROGRAM;
	}
	struct session_config cfg = {
		.argv = o->argv,
		.envp = o->envp,
		.exe_path = exe,
		.runtime_path = o->runtime_path,
		.strategy = strcmp(o->strategy, "parallel") == 0 ? "nonpreemptive" : o->strategy,
		.parallel = strcmp(o->strategy, "parallel") == 0,
		.seed = o->seed,
		.max_steps = o->max_steps,
		.wall_timeout = o->wall_timeout,
		.pct_steps = o->pct_steps,
		.child_pct_steps = o->child_pct_steps,
		.surw_events = o->surw_events,
		.script = o->script,
		.script_len = o->script_len,
		.real_time = o->real_time,
		.entropy_seed = o->entropy_seed,
		.realtime_start_ns = o->realtime_start_ns,
		.monotonic_start_ns = o->monotonic_start_ns,
		.expected_ticks = o->expected_ticks,
		.output_to = o->output_to,
		.input_from = o->input_from,
	};
	struct record_sink rs = {
		.holding = o->discard_passing,
		.err = err,
		.errlen = errlen,
	};
	struct process_hooks hooks = { &rs, admit_child, child_event, child_ended, NULL, NULL };
	cfg.processes = &hooks;
	cfg.forked = begin_making;
	cfg.forked_ctx = &rs;
	struct session *s = open_session(o, &cfg, err, errlen);
	if (!s) {
		free(exe);
		return RECORD_ERR_SESSION;
	}
	record_remove_trace(o->trace_path);
	rs.origin = (struct trace_origin){ o, exe, hash, session_shared(s) };
	enum record_status st = RECORD_OK;
	if (!rs.holding)
		st = claim_trace(&rs, err, errlen);
	bool discard = false;
	if (st == RECORD_OK) {
		if (session_run(s, sink_event, &rs, res, err, errlen) != 0)
			st = RECORD_ERR_PROGRAM;
		if (!trace_made(&rs) && st == RECORD_OK)
			st = RECORD_ERR_TRACE;
		res->final_digest = rs.digest;
		if (st == RECORD_OK && rs.holding && session_passed(res) && !res->interrupted)
			discard = true;
		else if (st == RECORD_OK && rs.holding)
			write_out_held(&rs);
		if (rs.t)
			commit_written(&rs);
		if (rs.failed && st == RECORD_OK) {
			if (!err[0])
				explain_write_failure(&rs, o->trace_path, "the run's events");
			st = RECORD_ERR_TRACE;
		}
		if (st == RECORD_OK && !discard &&
		    !finish_trace(&rs, o, res, session_shared(s), rs.digest, session_escapes(s))) {
			explain_write_failure(&rs, o->trace_path, "the run's outcome");
			st = RECORD_ERR_TRACE;
		}
	}
	trace_close(rs.t);
	held_events_free(&rs.held);
	held_events_free(&rs.held_children);
	for (size_t i = 0; i < rs.nchildren; i++) {
		free(rs.children[i].waits);
		free(rs.children[i].modules);
		free(rs.children[i].python.v);
	}
	free(rs.children);
	free(rs.sources);
	site_set_free(&rs.sites);
	/* A trace that could not be written whole (a full disk) is removed,
	 * its journal too: what a failed batch left half-written is no run
	 * that show or replay could read, and the space is the user's. */
	if (st == RECORD_ERR_PROGRAM || st == RECORD_ERR_TRACE || discard)
		record_remove_trace(o->trace_path);
	if (!o->server)
		session_free(s);
	free(exe);
	return st;
}
