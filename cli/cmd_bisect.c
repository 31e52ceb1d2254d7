/*
 * cmd_bisect.c: `deja bisect FAIL_TRACE [PASS_TRACE]`: the adjacent pair of
 * events whose order decides a failure.
 *
 * Schedules are scripts (script_file.h).  First deja finds one switch
 * whose presence decides the outcome: with a passing trace, a binary
 * search over the list of switches that turns the passing script into the
 * failing one; without, the nearest passing neighbour of the failing
 * script, that is the script without one of its preemptions (the last one
 * that makes the run pass; after `deja shrink` every one does).
 *
 * That switch, "when T has executed k events, run U", is then refined:
 * schedule C_j lets the other threads run the first j of the events they
 * ran between the switch and T's next event (U's, and those of threads U
 * started or woke) and switches back to T.  C_0 is the schedule without
 * the switch and C_J the one with it, and their outcomes differ, so a
 * binary search over j finds C_{j-1} and C_j with different outcomes.
 * They differ only in the order of the j-th of those events and T's next
 * event: that adjacent pair decides.  Without a passing trace several
 * preemptions decide; each is refined in turn (up to MAX_NEIGHBOURS) and
 * the pair with most events in the program's own code is reported
 * (own_code.h), with the program's Python lines that ran across its
 * switch in the failing trace (bisect_report.c names, scores and stores
 * a pair).  The finding goes into the failing trace (findings table)
 * and both traces' history.  A decisive switch of T to
 * itself (T kept running at a yield) has no events of another thread to
 * refine over; it is turned around first (self_switch_turned).
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bisect.h"
#include "cli.h"
#include "grow.h"
#include "record.h"
#include "script.h"
#include "script_file.h"
#include "tree_scripts.h"
#include "trial.h"

static const char usage[] =
	"usage: deja bisect [OPTIONS] FAIL_TRACE [PASS_TRACE]\n"
	"\n"
	"Find the adjacent pair of events whose order decides the outcome: one\n"
	"order fails the way FAIL_TRACE does, the other passes.  Given a passing\n"
	"run of the same program, binary-search the switches between the two\n"
	"schedules; without one, start from the nearest passing neighbour of the\n"
	"failing schedule (one preemption removed; shrink it first with\n"
	"`deja shrink`); of several deciding preemptions, the one whose pair is\n"
	"most in the program's own code (not the standard library's, libc's or\n"
	"the interpreter's).  Prints both events with thread, operation, object\n"
	"and code location, then the program's Python lines that ran across the\n"
	"deciding switch in FAIL_TRACE, and stores the finding in FAIL_TRACE\n"
	"(`deja show`).\n"
	"A run of several processes is bisected in one of them, the one with the\n"
	"most preemptions in FAIL_TRACE or the one --process names; every other\n"
	"process runs as FAIL_TRACE recorded it.\n"
	"\n"
	"options:\n"
	"      --process N   bisect process N's schedule (`deja show` lists them)\n"
	"      --timeout S   a run longer than S seconds is a timeout (default 10)\n"
	"  -q, --quiet       print only the finding\n"
	"  -h, --help        this text\n"
	"\n"
	"exit codes: 0 found (stored in FAIL_TRACE); 1 no deciding pair found\n"
	"(the schedule does not fail again, or no passing neighbour, or\n"
	"PASS_TRACE fails too); 2 usage error, unreadable trace, a passing\n"
	"FAIL_TRACE, another program, or a changed executable; 3 deja could not\n"
	"run the program or write the trace; 130 interrupted.\n";

static int parse(int argc, char **argv, struct bisect *b)
{
	static const struct option opts[] = {
		{ "timeout", required_argument, NULL, 'T' },
		{ "process", required_argument, NULL, 'P' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		switch (c) {
		case 'q': b->quiet = true; break;
		case 'h': fputs(usage, stdout); return -1;
		case 'P':
			if (!cli_parse_u64(optarg, &b->process) || b->process > UINT32_MAX) {
				fprintf(stderr, "deja bisect: --process needs a process number, "
						"not '%s'\n", optarg);
				return DEJA_EXIT_USAGE;
			}
			b->process_given = true;
			break;
		case 'T':
			if (!cli_parse_u64(optarg, &b->timeout) || b->timeout == 0 ||
			    b->timeout > 86400) {
				fprintf(stderr, "deja bisect: --timeout needs seconds (1 to 86400), "
						"not '%s'\n", optarg);
				return DEJA_EXIT_USAGE;
			}
			break;
		default: fputs(usage, stderr); return DEJA_EXIT_USAGE;
		}
	}
	if (optind != argc - 1 && optind != argc - 2) {
		fprintf(stderr, "deja bisect: give a failing trace and optionally a passing one\n\n%s",
			usage);
		return DEJA_EXIT_USAGE;
	}
	b->fail_path = argv[optind];
	b->pass_path = optind == argc - 2 ? argv[optind + 1] : NULL;
	return 0;
}

static bool passed(const struct trace_run *r)
{
	return strcmp(r->outcome, "exit") == 0 && r->exit_code == 0;
}

static bool same_program(const struct trace_run *a, const struct trace_run *b)
{
	if (strcmp(a->exe_hash, b->exe_hash) != 0 || strcmp(a->cwd, b->cwd) != 0 ||
	    a->argc != b->argc)
		return false;
	for (int i = 0; i < a->argc; i++)
		if (strcmp(a->argv[i], b->argv[i]) != 0)
			return false;
	return true;
}

/* FAIL_TRACE's process to bisect (--process, or the one with the most
 * preemptions) and every process's switches. */
static int load_focus(struct bisect *b, struct trace *t)
{
	return tree_scripts_load_focus(t, "bisect", b->fail_path, b->process_given, b->process,
				       &b->tree) == 0 ? DEJA_EXIT_OK : DEJA_EXIT_USAGE;
}

/* The focus's number in a trace (FAIL_TRACE's, or the same process in
 * another run); -1 if the run had none. */
int focus_in(const struct bisect *b, struct trace *t, uint32_t *process)
{
	return tree_scripts_find(&b->tree, t, process);
}

/* Open a trace and read its run and the focus's script (FAIL_TRACE first:
 * it decides the focus).  Returns an exit code. */
static int load(struct bisect *b, const char *path, struct trace_run *run, struct script *s)
{
	struct trace *t;
	char why[512];
	enum trace_status ts = trace_open(path, false, &t, why, sizeof(why));
	if (ts != TRACE_OK) {
		fprintf(stderr, "deja bisect: %s: %s (%s)\n", path, trace_strerror(ts), why);
		return DEJA_EXIT_USAGE;
	}
	bool fail_trace = s == &b->fail;
	int code = DEJA_EXIT_OK;
	ts = trace_get_run(t, run);
	if (ts != TRACE_OK) {
		fprintf(stderr, "deja bisect: %s: %s\n", path,
			ts == TRACE_ERR_NO_RUN ? trace_strerror(ts)
					       : "the run or its events cannot be read");
		code = DEJA_EXIT_USAGE;
	}
	if (code == DEJA_EXIT_OK && fail_trace)
		code = load_focus(b, t);
	uint32_t focus;
	if (code == DEJA_EXIT_OK && focus_in(b, t, &focus) != 0) {
		fprintf(stderr, "deja bisect: %s has no process %u of %s\n", path, b->tree.focus,
			b->fail_path);
		code = DEJA_EXIT_USAGE;
	} else if (code == DEJA_EXIT_OK &&
		   script_from_trace(t, focus, &s->e, &s->preempt, NULL, &s->n) != 0) {
		fprintf(stderr, "deja bisect: %s: the run or its events cannot be read\n", path);
		code = DEJA_EXIT_USAGE;
	} else if (code == DEJA_EXIT_OK &&
		   (strcmp(run->strategy, "parallel") == 0 || run->interrupted)) {
		/* (Only for a run that was read: an unreadable one's strategy
		 * is NULL, and bisect died of SIGSEGV here.) */
		fprintf(stderr, "deja bisect: %s: a parallel or interrupted recording is not a "
				"schedule deja can re-run\n", path);
		code = DEJA_EXIT_USAGE;
	}
	trace_close(t);
	return code;
}

static int check_inputs(struct bisect *b)
{
	int code = load(b, b->fail_path, &b->run, &b->fail);
	if (code == DEJA_EXIT_OK && passed(&b->run)) {
		fprintf(stderr, "deja bisect: %s: the recorded run passed; the first trace must "
				"be a failing run\n", b->fail_path);
		code = DEJA_EXIT_USAGE;
	}
	if (code == DEJA_EXIT_OK && !trial_same_executable(&b->run)) {
		fprintf(stderr, "deja bisect: %s is gone or has changed since it was recorded\n",
			b->run.exe_path);
		code = DEJA_EXIT_USAGE;
	}
	if (code != DEJA_EXIT_OK || !b->pass_path)
		return code;
	struct trace_run prun;
	memset(&prun, 0, sizeof(prun));
	code = load(b, b->pass_path, &prun, &b->pass);
	if (code == DEJA_EXIT_OK && !same_program(&b->run, &prun)) {
		fprintf(stderr, "deja bisect: %s and %s are runs of different programs (or "
				"arguments, or directories)\n", b->fail_path, b->pass_path);
		code = DEJA_EXIT_USAGE;
	}
	trace_run_free(&prun);
	return code;
}

static int trouble(struct bisect *b)
{
	if (b->trouble == TRIAL_ERR_INTERRUPTED) {
		fprintf(stderr, "deja bisect: interrupted\n");
		return DEJA_EXIT_INTERRUPTED;
	}
	fprintf(stderr, "deja bisect: %s\n", b->err);
	return DEJA_EXIT_INTERNAL;
}

/* Run a script: 1 fails the target way, 0 not, -1 trouble.  The trace
 * is left in the scratch file; keep_as (may be NULL) takes it. */
static int fails(struct bisect *b, const struct deja_script_entry *e, uint64_t n,
		 const char *keep_as)
{
	struct trial_result r;
	enum trial_status st = trial_run(&b->prog, e, n, &r, b->err, sizeof(b->err));
	if (st != TRIAL_OK) {
		b->trouble = st;
		return -1;
	}
	if (keep_as && rename(b->prog.scratch, keep_as) != 0) {
		snprintf(b->err, sizeof(b->err), "cannot keep a trial as %s", keep_as);
		b->trouble = TRIAL_ERR_TRACE;
		return -1;
	}
	return failure_same(&r.sig, &b->target) ? 1 : 0;
}

static bool same_entry(const struct deja_script_entry *a, const struct deja_script_entry *b)
{
	return a->thread == b->thread && a->after == b->after && a->to == b->to;
}

static bool has_entry(const struct script *s, const struct deja_script_entry *e)
{
	for (uint64_t i = 0; i < s->n; i++)
		if (same_entry(&s->e[i], e))
			return true;
	return false;
}

/* The decisive switch: `base` without it and base+switch have different
 * outcomes; with_fails says which one fails. */
struct decision {
	struct script base;
	struct deja_script_entry sw;
	bool with_fails;
};

/* S_i: the passing script with the first i of the changes applied
 * (changes: pass-only entries to drop, then fail-only entries to add). */
static uint64_t apply_changes(const struct bisect *b, const struct deja_script_entry *chg,
			      const bool *is_add, uint64_t i, struct deja_script_entry *out)
{
	uint64_t m = 0;
	for (uint64_t k = 0; k < b->pass.n; k++) {
		bool dropped = false;
		for (uint64_t c = 0; c < i && !dropped; c++)
			dropped = !is_add[c] && same_entry(&chg[c], &b->pass.e[k]);
		if (!dropped)
			out[m++] = b->pass.e[k];
	}
	for (uint64_t c = 0; c < i; c++)
		if (is_add[c])
			out[m++] = chg[c];
	return m;
}

static int between_traces(struct bisect *b, struct decision *d)
{
	uint64_t total = b->pass.n + b->fail.n, nchg = 0;
	struct deja_script_entry *chg = malloc((total + 1) * sizeof(*chg));
	bool *is_add = malloc((total + 1) * sizeof(*is_add));
	struct deja_script_entry *work = malloc((total + 1) * sizeof(*work));
	d->base.e = malloc((total + 1) * sizeof(*d->base.e));
	if (!chg || !is_add || !work || !d->base.e) {
		free(chg), free(is_add), free(work);
		return DEJA_EXIT_INTERNAL;
	}
	for (uint64_t k = 0; k < b->pass.n; k++)
		if (!has_entry(&b->fail, &b->pass.e[k]))
			chg[nchg] = b->pass.e[k], is_add[nchg++] = false;
	for (uint64_t k = 0; k < b->fail.n; k++)
		if (!has_entry(&b->pass, &b->fail.e[k]))
			chg[nchg] = b->fail.e[k], is_add[nchg++] = true;
	int code = DEJA_EXIT_OK;
	int v = fails(b, b->pass.e, b->pass.n, NULL);
	if (v != 0) {
		if (v > 0)
			fprintf(stderr, "deja bisect: %s, run again as a script, fails too; give a "
					"passing run\n", b->pass_path);
		code = v < 0 ? trouble(b) : DEJA_EXIT_FAILED;
	}
	uint64_t lo = 0, hi = nchg; /* S_lo passes, S_hi fails */
	while (code == DEJA_EXIT_OK && hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;
		v = fails(b, work, apply_changes(b, chg, is_add, mid, work), NULL);
		if (v < 0)
			code = trouble(b);
		else if (v)
			hi = mid;
		else
			lo = mid;
	}
	if (code == DEJA_EXIT_OK) {
		/* The change lo -> hi: an added switch fails with it, a
		 * dropped one passes with it. */
		d->sw = chg[lo];
		d->with_fails = is_add[lo];
		d->base.n = apply_changes(b, chg, is_add, is_add[lo] ? lo : hi, d->base.e);
		if (!b->quiet)
			fprintf(stderr, "deja bisect: %llu switches differ; the decisive one: thread %u "
					"after %llu events -> thread %u (%s)\n",
				(unsigned long long)nchg, d->sw.thread, (unsigned long long)d->sw.after,
				d->sw.to, is_add[lo] ? "fails with it" : "passes with it");
	}
	free(chg);
	free(is_add);
	free(work);
	return code;
}

/* Without a passing run: the failing script minus one preemption, the
 * last first, until one passes; *from (start: the script's length) is
 * where the next call goes on.  1 when no preemption is left to try. */
static int next_neighbour(struct bisect *b, struct decision *d, uint64_t *from)
{
	free(d->base.e);
	*d = (struct decision){ 0 };
	d->base.e = malloc((b->fail.n + 1) * sizeof(*d->base.e));
	if (!d->base.e)
		return DEJA_EXIT_INTERNAL;
	while (*from > 0) {
		uint64_t k = --*from;
		if (!b->fail.preempt[k])
			continue;
		d->base.n = 0;
		for (uint64_t i = 0; i < b->fail.n; i++)
			if (i != k)
				d->base.e[d->base.n++] = b->fail.e[i];
		int v = fails(b, d->base.e, d->base.n, NULL);
		if (v < 0)
			return trouble(b);
		if (v == 0) {
			d->sw = b->fail.e[k];
			d->with_fails = true;
			if (!b->quiet)
				fprintf(stderr, "deja bisect: passing neighbour: the failing schedule "
						"without its preemption of thread %u after %llu events\n",
					d->sw.thread, (unsigned long long)d->sw.after);
			return DEJA_EXIT_OK;
		}
	}
	return 1;
}

static int no_neighbour(const struct bisect *b)
{
	bool any = false;
	for (uint64_t k = 0; k < b->fail.n; k++)
		any = any || b->fail.preempt[k];
	if (!any) /* shrinking cannot help: give the other side */
		fprintf(stderr, "deja bisect: %s fails with no preemption at all, so it has no "
				"passing neighbour; give a passing run of the same program "
				"(deja bisect FAIL_TRACE PASS_TRACE)\n", b->fail_path);
	else
		fprintf(stderr, "deja bisect: removing any one preemption of %s still fails; "
				"shrink it first (deja shrink) or give a passing run\n", b->fail_path);
	return DEJA_EXIT_FAILED;
}

/* A walk over a run's events in the focus process, with each thread's
 * events counted as scripts count them (deja_script_counts): the caller
 * looks at an event, then counts it (walk_count). */
bool walk_open(const struct bisect *b, const char *path, struct counted_walk *w)
{
	char why[256];
	*w = (struct counted_walk){ 0 };
	if (trace_open(path, false, &w->t, why, sizeof(why)) != TRACE_OK)
		return false;
	uint32_t focus;
	if (focus_in(b, w->t, &focus) == 0 && trace_stream_open(w->t, focus, &w->es) == TRACE_OK)
		w->count = calloc(DEJA_MAX_THREADS, sizeof(*w->count));
	return w->count != NULL;
}

/* The next event of a thread the model knows (w->e); false at the end. */
bool walk_next(struct counted_walk *w)
{
	while (trace_stream_next(&w->es, &w->e) == 1) {
		w->counts = deja_script_counts(w->e.ev.flags, &w->last_alone);
		if (w->e.ev.thread < DEJA_MAX_THREADS)
			return true;
	}
	return false;
}

void walk_count(struct counted_walk *w)
{
	if (w->counts)
		w->count[w->e.ev.thread]++;
}

void walk_close(struct counted_walk *w)
{
	free(w->count);
	trace_stream_close(&w->es);
	trace_close(w->t);
}

/* What the other threads ran, in a run, from the switch (T after k -> U)
 * to T's next event: each event's thread and its index among that
 * thread's counted events.  Not U's events alone: U may hand over to a
 * third thread (one it started, one its wait let run), and the race that
 * decides may be between T and that one, whose events then come between
 * U's and T's. */
struct window_event {
	uint32_t thread;
	uint64_t index;
};

struct window {
	struct window_event *e;
	size_t n, cap;
};

/* 0 with the window filled (empty when the switch was not taken). */
static int find_window(const struct bisect *b, const char *path,
		       const struct deja_script_entry *sw, struct window *win)
{
	struct counted_walk w;
	bool open = walk_open(b, path, &w), in = false, room = true;
	uint32_t prev = UINT32_MAX;
	win->n = 0;
	while (open && room && walk_next(&w)) {
		uint32_t th = w.e.ev.thread;
		if (!in && prev == sw->thread && th == sw->to && w.count[sw->thread] == sw->after)
			in = true;
		if (in && th == sw->thread)
			break;
		if (in && w.counts) {
			room = grow_array(&win->e, &win->cap, win->n + 1, sizeof(*win->e), 256);
			if (room)
				win->e[win->n++] = (struct window_event){ th, w.count[th] };
		}
		walk_count(&w);
		prev = th;
	}
	if (w.t)
		walk_close(&w);
	return open && room ? 0 : -1;
}

/* The thread that ran, in a run, right after `thread` had run `after`
 * events (*next); 0 if found. */
static int next_thread_at(const struct bisect *b, const char *path, uint32_t thread,
			  uint64_t after, uint32_t *next)
{
	struct counted_walk w;
	bool open = walk_open(b, path, &w);
	uint32_t prev = UINT32_MAX;
	int found = -1;
	while (open && found != 0 && walk_next(&w)) {
		uint32_t th = w.e.ev.thread;
		if (prev == thread && th != thread && w.count[thread] == after) {
			*next = th;
			found = 0;
		}
		walk_count(&w);
		prev = th;
	}
	if (w.t)
		walk_close(&w);
	return found;
}

/* A decisive switch of a thread to itself: where it yielded, the schedule
 * kept T running when the nonpreemptive choice, U, would have run
 * instead.  Such a switch has no other thread's events to refine over;
 * turned around it has: the base keeps T running (it takes the self
 * switch) and the switch is T's to U, which the base without the self
 * switch took, with the other outcome.  0, or an exit code. */
static int self_switch_turned(struct bisect *b, struct decision *d)
{
	if (d->sw.thread != d->sw.to)
		return DEJA_EXIT_OK;
	int v = fails(b, d->base.e, d->base.n, NULL); /* without the self switch */
	if (v < 0)
		return trouble(b);
	uint32_t other;
	if ((v == 1) == d->with_fails ||
	    next_thread_at(b, b->prog.scratch, d->sw.thread, d->sw.after, &other) != 0) {
		fprintf(stderr, "deja bisect: the switch of thread %u after %llu events to itself "
				"does not decide when run again\n",
			d->sw.thread, (unsigned long long)d->sw.after);
		return DEJA_EXIT_FAILED;
	}
	d->base.e[d->base.n++] = d->sw; /* room: both searches allocate one more */
	d->sw.to = other;
	d->with_fails = !d->with_fails;
	if (!b->quiet)
		fprintf(stderr, "deja bisect: that keeps thread %u running; without it thread %u "
				"runs there (%s)\n",
			d->sw.thread, other, d->with_fails ? "fails" : "passes");
	return DEJA_EXIT_OK;
}

/* C_j: base, the switch, and the return to T right after the window's
 * j-th event (j=0: base alone).  The return comes first so that it wins
 * over a base entry at the same point (deja_script_sort keeps the first). */
static uint64_t with_return(const struct decision *d, const struct window *win, uint64_t j,
			    struct deja_script_entry *out)
{
	uint64_t m = 0;
	if (j > 0) {
		const struct window_event *e = &win->e[j - 1];
		out[m++] = (struct deja_script_entry){ .thread = e->thread, .to = d->sw.thread,
						       .after = e->index + 1 };
		out[m++] = d->sw;
	}
	memcpy(out + m, d->base.e, d->base.n * sizeof(*out));
	return m + d->base.n;
}

/* The two schedules that put the pair in its two orders, kept so that
 * their traces can be made again (a later candidate's overwrote them). */
struct orders {
	struct deja_script_entry *hi, *lo;
	uint64_t nhi, nlo;
	bool hi_fails;
};

static void orders_free(struct orders *o)
{
	free(o->hi);
	free(o->lo);
	*o = (struct orders){ 0 };
}

static bool orders_keep(struct orders *o, const struct deja_script_entry *e, uint64_t n, bool hi)
{
	struct deja_script_entry *copy = malloc((n + 1) * sizeof(*copy));
	if (!copy)
		return false;
	memcpy(copy, e, n * sizeof(*copy));
	free(hi ? o->hi : o->lo);
	*(hi ? &o->hi : &o->lo) = copy;
	*(hi ? &o->nhi : &o->nlo) = n;
	return true;
}

/* Run the two orders again, keeping their traces as the failing and the
 * passing one. */
static int orders_rerun(struct bisect *b, const struct orders *o)
{
	const char *hi_keep = o->hi_fails ? b->keep_fail : b->keep_pass;
	const char *lo_keep = o->hi_fails ? b->keep_pass : b->keep_fail;
	int vh = fails(b, o->hi, o->nhi, hi_keep);
	int vl = vh < 0 ? -1 : fails(b, o->lo, o->nlo, lo_keep);
	return vh < 0 || vl < 0 ? trouble(b) : DEJA_EXIT_OK;
}

/* base + switch, run again: it must still decide; then its window. */
static int refine_window(struct bisect *b, const struct decision *d,
			 struct deja_script_entry *work, struct window *win)
{
	/* No return: the switch first, so that it wins over a base entry at
	 * the same point, as in with_return. */
	work[0] = d->sw;
	uint64_t n = with_return(d, win, 0, work + 1);
	int v = fails(b, work, n + 1, NULL);
	if (v < 0)
		return trouble(b);
	if ((v == 1) != d->with_fails) {
		fprintf(stderr, "deja bisect: the decisive switch does not decide when run again "
				"(the program is not deterministic under deja?)\n");
		return DEJA_EXIT_FAILED;
	}
	if (find_window(b, b->prog.scratch, &d->sw, win) != 0 || win->n == 0) {
		fprintf(stderr, "deja bisect: the switch of thread %u after %llu events was not "
				"taken when run again\n", d->sw.thread, (unsigned long long)d->sw.after);
		return DEJA_EXIT_FAILED;
	}
	return DEJA_EXIT_OK;
}

static int refine(struct bisect *b, const struct decision *d, struct pair *p, struct orders *o)
{
	struct deja_script_entry *work = malloc((d->base.n + 3) * sizeof(*work));
	if (!work)
		return DEJA_EXIT_INTERNAL;
	struct window win = { 0 };
	int code = refine_window(b, d, work, &win);
	uint64_t lo = 0, hi = win.n; /* outcome(lo) = without, outcome(hi) = with */
	while (code == DEJA_EXIT_OK && hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;
		int v = fails(b, work, with_return(d, &win, mid, work), NULL);
		if (v < 0)
			code = trouble(b);
		else if ((v == 1) == d->with_fails)
			hi = mid;
		else
			lo = mid;
	}
	if (code == DEJA_EXIT_OK) {
		/* C_hi: the window's event hi before T's event after; C_lo:
		 * the other order.  Keep both runs' traces to describe them. */
		o->hi_fails = d->with_fails;
		if (!orders_keep(o, work, with_return(d, &win, hi, work), true) ||
		    !orders_keep(o, work, with_return(d, &win, lo, work), false))
			code = DEJA_EXIT_INTERNAL;
		else
			code = orders_rerun(b, o);
		const struct window_event *e = &win.e[hi - 1];
		struct pair other_first = { e->thread, d->sw.thread, e->index, d->sw.after };
		struct pair t_first = { d->sw.thread, e->thread, d->sw.after, e->index };
		*p = d->with_fails ? other_first : t_first;
	}
	free(win.e);
	free(work);
	return code;
}

/* The event that is `thread`'s index-th in the focus's events of a trace,
 * and the focus's number there; 0 if found. */
enum { MAX_NEIGHBOURS = 12 };

/*
 * Without a passing run every preemption whose removal passes decides
 * (after `deja shrink`, every preemption), and each gives a pair.  The
 * last one's pair was the one reported; in a CPython run it was often two
 * events of threading.py or concurrent/futures (a thread's start, a work
 * item's hand-off) while another preemption decided between two lines of
 * the program.  So the neighbours are refined, the last first, until one
 * pair is the program's own on both sides, and the pair with most of its
 * events in the program's own code wins (the later one on a tie).
 */
static int best_neighbour(struct bisect *b, struct pair *best)
{
	uint64_t from = b->fail.n;
	struct decision d = { 0 };
	struct orders o = { 0 }, kept = { 0 };
	int best_score = -1, tried = 0, code = DEJA_EXIT_OK;
	bool last_is_best = false, undecided = false;
	while (code == DEJA_EXIT_OK && best_score < 2 && tried < MAX_NEIGHBOURS) {
		int r = next_neighbour(b, &d, &from);
		if (r == 1) /* none left */
			break;
		code = r;
		if (code == DEJA_EXIT_OK)
			code = self_switch_turned(b, &d);
		struct pair p;
		if (code == DEJA_EXIT_OK)
			code = refine(b, &d, &p, &o);
		tried++;
		if (code == DEJA_EXIT_FAILED) {
			/* This one did not decide when run again (said why); the
			 * next may. */
			undecided = true;
			code = DEJA_EXIT_OK;
			continue;
		}
		if (code != DEJA_EXIT_OK)
			break;
		int score = own_score(b, &p);
		last_is_best = score > best_score;
		if (last_is_best) {
			best_score = score;
			*best = p;
			b->decisive = d.sw;
			orders_free(&kept);
			kept = o;
			o = (struct orders){ 0 };
		}
	}
	if (code == DEJA_EXIT_OK && best_score < 0)
		code = undecided ? DEJA_EXIT_FAILED : no_neighbour(b);
	else if (code == DEJA_EXIT_OK && !last_is_best)
		code = orders_rerun(b, &kept); /* a later candidate's traces replaced them */
	if (code == DEJA_EXIT_OK && tried > 1 && !b->quiet)
		fprintf(stderr, "deja bisect: %d passing neighbours refined; the pair with the most "
				"events in the program's own code (%d of 2) is reported\n",
			tried, best_score);
	free(d.base.e);
	orders_free(&o);
	orders_free(&kept);
	return code;
}

/* With a passing run: the switch between the two schedules that decides. */
static int between(struct bisect *b, struct pair *p)
{
	struct decision d = { 0 };
	struct orders o = { 0 };
	int code = between_traces(b, &d);
	if (code == DEJA_EXIT_OK)
		code = self_switch_turned(b, &d);
	if (code == DEJA_EXIT_OK)
		code = refine(b, &d, p, &o);
	b->decisive = d.sw;
	free(d.base.e);
	orders_free(&o);
	return code;
}

static int setup(struct bisect *b)
{
	b->fail_abs = trial_absolute(b->fail_path);
	b->pass_abs = b->pass_path ? trial_absolute(b->pass_path) : NULL;
	char *scratch = NULL, *output = NULL;
	if (!b->fail_abs || (b->pass_path && !b->pass_abs) ||
	    asprintf(&scratch, "%s.bisect-try", b->fail_abs) < 0 ||
	    asprintf(&output, "%s.bisect-out", b->fail_abs) < 0 ||
	    asprintf(&b->keep_fail, "%s.bisect-fail", b->fail_abs) < 0 ||
	    asprintf(&b->keep_pass, "%s.bisect-pass", b->fail_abs) < 0)
		return DEJA_EXIT_INTERNAL;
	b->prog = (struct trial_program){
		.argv = b->run.argv, .argc = b->run.argc, .envp = b->run.envp,
		.max_steps = b->run.max_steps,
		.wall_timeout = (unsigned)b->timeout, .scratch = scratch, .output = output,
		.runtime = cli_runtime_path(),
		.entropy_seed = b->run.entropy_seed, .realtime_start_ns = b->run.realtime_start,
		.monotonic_start_ns = b->run.monotonic_start,
		.tree = &b->tree,
	};
	if (!b->prog.runtime)
		return DEJA_EXIT_INTERNAL;
	/* A program fed on stdin (`deja bisect T < input`) must read all of
	 * it in every trial, not the first trial alone: each trial opens a
	 * copy afresh (run_stdin.c, as deja hunt's runs do). */
	if (cli_keep_stdin(b->fail_abs, &b->stdin_kept) != 0)
		return DEJA_EXIT_INTERNAL;
	b->prog.stdin_from = b->stdin_kept;
	if (chdir(b->run.cwd) != 0) {
		fprintf(stderr, "deja bisect: cannot enter the recorded directory %s\n", b->run.cwd);
		return DEJA_EXIT_INTERNAL;
	}
	/* The failure to explain: the failing script run again. */
	struct trial_result r;
	enum trial_status st = trial_run(&b->prog, b->fail.e, b->fail.n, &r, b->err, sizeof(b->err));
	if (st != TRIAL_OK) {
		b->trouble = st;
		return trouble(b);
	}
	if (!failure_failed(&r.sig)) {
		fprintf(stderr, "deja bisect: %s's schedule, run again as a script, passes; "
				"nothing to explain\n", b->fail_path);
		if (cli_stdin_missing(b->run.stdio_kinds, b->stdin_kept))
			fprintf(stderr, "deja bisect: the recorded run's stdin was a file or a pipe,"
					" and this one's is not: give it the same input (deja bisect"
					" %s < FILE)\n", b->fail_path);
		return DEJA_EXIT_FAILED;
	}
	b->target = r.sig;
	return DEJA_EXIT_OK;
}

static void cleanup(struct bisect *b)
{
	const char *traces[3] = { b->prog.scratch, b->keep_fail, b->keep_pass };
	for (int i = 0; i < 3; i++)
		if (traces[i])
			record_remove_trace(traces[i]);
	if (b->prog.output)
		unlink(b->prog.output);
	if (b->stdin_kept)
		unlink(b->stdin_kept);
	free(b->stdin_kept);
	free((char *)b->prog.scratch);
	free((char *)b->prog.output);
	free(b->keep_fail);
	free(b->keep_pass);
	free(b->fail_abs);
	free(b->pass_abs);
	free(b->fail.e);
	free(b->fail.preempt);
	free(b->pass.e);
	free(b->pass.preempt);
	tree_scripts_free(&b->tree);
	trace_run_free(&b->run);
}

int cmd_bisect(int argc, char **argv)
{
	struct bisect b = { .timeout = 10 };
	int code = parse(argc, argv, &b);
	if (code != 0)
		return code < 0 ? DEJA_EXIT_OK : code;
	struct pair p = { 0 };
	code = check_inputs(&b);
	if (code == DEJA_EXIT_OK)
		code = setup(&b);
	if (code == DEJA_EXIT_OK)
		code = b.pass_path ? between(&b, &p) : best_neighbour(&b, &p);
	if (code == DEJA_EXIT_OK)
		code = report(&b, &p);
	cleanup(&b);
	return code;
}
