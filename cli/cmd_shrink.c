/*
 * cmd_shrink.c: `deja shrink TRACE [-o OUT]`: cut a failing run's schedule
 * down to a 1-minimal one that still fails the same way.
 *
 * The run's schedule is its script (script_file.h): one entry per context
 * switch, "when thread T has executed K events, run U next", every other
 * choice nonpreemptive.  Removing an entry leaves the others meaning what
 * they meant, so ddmin (ddmin.h) can cut the list: first the preemptions,
 * keeping the switches a blocked thread forced, then all entries left.
 * Each candidate is a recorded run (trial.h) that counts only if it fails
 * the same way.  Finally every preemption of the result is removed alone
 * and must make the run pass: that is the 1-minimality deja reports.  OUT
 * is the last failing candidate's trace, so `deja replay OUT` re-creates
 * it exactly, and both traces get the shrink in their history.
 *
 * With --input FILE the input is shrunk first (shrink_input.h), written
 * beside OUT, and the schedule of its failing run is shrunk as above.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "grow.h"
#include "cli.h"
#include "ddmin.h"
#include "record.h"
#include "script_file.h"
#include "shrink.h"
#include "shrink_input.h"
#include "trial.h"

static const char usage[] =
	"usage: deja shrink [OPTIONS] TRACE\n"
	"\n"
	"Cut a failing run's schedule down with delta debugging: first its\n"
	"preemptions, then its other context switches, re-running the program\n"
	"(the script strategy) for each candidate.  A candidate counts only if it\n"
	"fails the same way: same outcome, signal, assertion message, or deadlock\n"
	"cycle.  The result is checked to be 1-minimal (removing any one of its\n"
	"preemptions makes the run pass) and written as a trace that `deja replay`\n"
	"re-creates.  The program is run in the recorded directory with the\n"
	"recorded arguments; a program that reads stdin gets deja's stdin (all\n"
	"of it in every run: a pipe or a file is kept and read afresh).\n"
	"\n"
	"A run of several processes is shrunk in one of them, the one with the\n"
	"most preemptions or the one --process names (a test program that a\n"
	"shell script runs, say); every other process runs as recorded.\n"
	"\n"
	"With --input FILE, shrink the program's input first: ddmin over FILE's\n"
	"lines, then bytes, each candidate getting a bounded hunt (the last\n"
	"failing schedule, then --hunt-runs runs of random, pct and pos; an\n"
	"eighth of that for a byte candidate).  FILE is the input file named on\n"
	"the recorded command line, or else the program's stdin (give the bytes\n"
	"it read).  The shrunk input is written beside OUT, named like OUT with\n"
	".input for .deja, and OUT's run reads it.\n"
	"\n"
	"options:\n"
	"  -o, --output OUT    the shrunk run's trace (default TRACE-shrunk.deja)\n"
	"      --input FILE    shrink this input too (see above)\n"
	"      --hunt-runs N   runs per candidate input (default 200)\n"
	"      --process N     shrink process N's schedule (`deja show` lists\n"
	"                      them; default: the one with the most preemptions)\n"
	"      --max-runs N    give up after N candidate runs (default 5000)\n"
	"      --search-time S once the schedule is 1-minimal, look for one with\n"
	"                      fewer preemptions for at most S seconds (default\n"
	"                      60; 0: do not look)\n"
	"      --timeout S     a candidate running longer than S seconds is a\n"
	"                      timeout (default 10)\n"
	"  -q, --quiet         print only the result line\n"
	"  -h, --help          this text\n"
	"\n"
	"exit codes: 0 shrunk (OUT written); 1 the recorded schedule does not fail\n"
	"again the same way, or the run budget ran out; 2 usage error, unreadable\n"
	"trace or FILE, a passing run, or a changed executable; 3 deja could not\n"
	"run the program or write OUT; 130 interrupted.\n";

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int parse(int argc, char **argv, struct shrink_args *a)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "max-runs", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "input", required_argument, NULL, 'i' },
		{ "hunt-runs", required_argument, NULL, 'H' },
		{ "search-time", required_argument, NULL, 'S' },
		{ "process", required_argument, NULL, 'P' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
		unsigned long long *num = NULL;
		switch (c) {
		case 'o': a->output = optarg; break;
		case 'q': a->quiet = true; break;
		case 'n': num = &a->max_runs; break;
		case 'T': num = &a->timeout; break;
		case 'H': num = &a->hunt_runs; break;
		case 'S': num = &a->search_time; break;
		case 'P': num = &a->process; a->process_given = true; break;
		case 'i': a->input = optarg; break;
		case 'h': fputs(usage, stdout); return -1;
		default: fputs(usage, stderr); return DEJA_EXIT_USAGE;
		}
		unsigned long long least = num == &a->search_time || num == &a->process ? 0 : 1;
		if (num && (!cli_parse_u64(optarg, num) || *num < least || *num > 1000000)) {
			fprintf(stderr, "deja shrink: --%s needs a number from %llu to 1000000, not '%s'\n",
				cli_option_name(opts, c), least, optarg);
			return DEJA_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "deja shrink: give exactly one trace\n\n%s", usage);
		return DEJA_EXIT_USAGE;
	}
	a->trace = argv[optind];
	return 0;
}

/* The process to shrink (--process, or the one with the most
 * preemptions), every process's switches and the focus's counts. */
static int load_focus(struct shrink *s, struct trace *t)
{
	if (tree_scripts_load_focus(t, "shrink", s->a.trace, s->a.process_given, s->a.process,
				    &s->tree) != 0)
		return DEJA_EXIT_USAGE;
	uint32_t focus = s->tree.focus;
	if (focus == 0) {
		s->recorded = (struct trace_counts){ s->run.events, s->run.preemptions,
						     s->run.switches };
		return DEJA_EXIT_OK;
	}
	if (trace_get_process_counts(t, focus, &s->recorded) != TRACE_OK) {
		fprintf(stderr, "deja shrink: %s: the events cannot be read\n", s->a.trace);
		return DEJA_EXIT_USAGE;
	}
	return DEJA_EXIT_OK;
}

/* Read the run and its script; refuse what cannot be shrunk. */
static int load(struct shrink *s)
{
	struct trace *t;
	char why[512];
	enum trace_status ts = trace_open(s->a.trace, false, &t, why, sizeof(why));
	if (ts != TRACE_OK) {
		fprintf(stderr, "deja shrink: %s: %s (%s)\n", s->a.trace, trace_strerror(ts), why);
		return DEJA_EXIT_USAGE;
	}
	int code = DEJA_EXIT_OK;
	if ((ts = trace_get_run(t, &s->run)) != TRACE_OK) {
		fprintf(stderr, "deja shrink: %s: %s\n", s->a.trace,
			ts == TRACE_ERR_NO_RUN ? trace_strerror(ts) : "the trace has no readable run");
		code = DEJA_EXIT_USAGE;
	} else {
		code = load_focus(s, t);
	}
	if (code == DEJA_EXIT_OK && script_from_trace(t, s->tree.focus, &s->script, &s->preempt,
						      &s->timed_out, &s->nscript) != 0) {
		fprintf(stderr, "deja shrink: %s: the events cannot be read\n", s->a.trace);
		code = DEJA_EXIT_USAGE;
	}
	trace_close(t);
	return code;
}

static int check_shrinkable(const struct shrink *s)
{
	const struct trace_run *r = &s->run;
	if (strcmp(r->outcome, "exit") == 0 && r->exit_code == 0) {
		fprintf(stderr, "deja shrink: %s: the recorded run passed (exit 0); "
				"shrink needs a failing run\n", s->a.trace);
		return DEJA_EXIT_USAGE;
	}
	if (strcmp(r->strategy, "parallel") == 0) {
		fprintf(stderr, "deja shrink: %s was recorded in parallel mode; its schedule is "
				"not a script deja can re-run (record it serialised)\n", s->a.trace);
		return DEJA_EXIT_USAGE;
	}
	if (r->interrupted || strcmp(r->outcome, "incomplete") == 0) {
		fprintf(stderr, "deja shrink: %s: the recording was cut short\n", s->a.trace);
		return DEJA_EXIT_USAGE;
	}
	if (!trial_same_executable(r)) {
		fprintf(stderr, "deja shrink: %s is gone or has changed since it was recorded; "
				"shrink needs the same binary\n", r->exe_path);
		return DEJA_EXIT_USAGE;
	}
	return DEJA_EXIT_OK;
}

/* The candidate: fixed entries and the chosen ones, in recorded order. */
static uint64_t build_candidate(struct shrink *s, const size_t *items, size_t n)
{
	uint64_t m = 0;
	size_t k = 0;
	for (uint64_t i = 0; i < s->nscript; i++) {
		bool chosen = k < n && items[k] == i;
		if (chosen)
			k++;
		if (chosen || s->fixed[i])
			s->cand[m++] = s->script[i];
	}
	return m;
}

/* Run one script; keep its trace as the best when it fails the same way
 * with at most `limit` preemptions. */
enum ddmin_verdict shrink_try_limited(struct shrink *s, const struct deja_script_entry *e,
				      uint64_t n, uint64_t limit)
{
	struct trial_result r;
	enum trial_status st = trial_run(&s->prog, e, n, &r, s->err, sizeof(s->err));
	if (st != TRIAL_OK) {
		s->trouble = st;
		return DDMIN_ERROR;
	}
	if (!failure_same(&r.sig, &s->target) || r.preemptions > limit)
		return DDMIN_PASSES;
	if (rename(s->prog.scratch, s->best_path) != 0) {
		snprintf(s->err, sizeof(s->err), "cannot keep the candidate as %s", s->best_path);
		s->trouble = TRIAL_ERR_TRACE;
		return DDMIN_ERROR;
	}
	s->best = r;
	return DDMIN_FAILS;
}

/* Candidates of ddmin and of the 1-minimality check: any preemption
 * count until the preemptions are settled, then at most the best's. */
static enum ddmin_verdict try_script(struct shrink *s, const struct deja_script_entry *e,
				     uint64_t n)
{
	return shrink_try_limited(s, e, n, s->settled ? s->best.preemptions : UINT64_MAX);
}

static enum ddmin_verdict oracle(void *ctx, const size_t *items, size_t n)
{
	struct shrink *s = ctx;
	return try_script(s, s->cand, build_candidate(s, items, n));
}

/* ddmin over the entries not fixed: the preemptions only, or all; the
 * survivors (and the fixed ones) then become script[], in order. */
static int reduce(struct shrink *s, bool only_preemptions, struct ddmin_stats *stats)
{
	size_t *items = malloc((s->nscript + 1) * sizeof(*items));
	if (!items)
		return -1;
	size_t n = 0;
	for (uint64_t i = 0; i < s->nscript; i++) {
		s->fixed[i] = only_preemptions && !s->preempt[i];
		if (!s->fixed[i])
			items[n++] = i;
	}
	enum ddmin_status st = ddmin(items, &n, oracle, s, stats);
	uint64_t k = 0;
	size_t j = 0;
	for (uint64_t i = 0; i < s->nscript; i++) {
		bool chosen = j < n && items[j] == i;
		if (chosen)
			j++;
		if (!chosen && !s->fixed[i])
			continue;
		s->script[k] = s->script[i];
		s->preempt[k] = s->preempt[i];
		s->timed_out[k] = s->timed_out[i];
		k++;
	}
	free(items);
	s->nscript = k;
	return st == DDMIN_OK ? 0 : -1;
}

static uint64_t preemptions_in_script(const struct shrink *s)
{
	uint64_t n = 0;
	for (uint64_t i = 0; i < s->nscript; i++)
		n += s->preempt[i];
	return n;
}

/* The best run's own switches (what actually happened under the last
 * failing candidate: ignored entries gone, forced switches listed). */
static int reload_best(struct shrink *s)
{
	struct trace *t;
	char why[256];
	if (trace_open(s->best_path, false, &t, why, sizeof(why)) != TRACE_OK)
		return -1;
	free(s->script);
	free(s->preempt);
	free(s->timed_out);
	s->script = NULL;
	s->preempt = s->timed_out = NULL;
	uint32_t focus;
	int r = tree_scripts_find(&s->tree, t, &focus);
	if (r == 0)
		r = script_from_trace(t, focus, &s->script, &s->preempt, &s->timed_out,
				      &s->nscript);
	free(s->threads);
	s->threads = NULL;
	if (r == 0)
		r = tree_process_threads(t, focus, &s->threads, &s->nthreads);
	if (r == 0) /* the moves place switches by script position */
		r = script_positions(t, focus, s->threads, s->nthreads);
	trace_close(t);
	if (r == 0) {
		free(s->fixed);
		free(s->cand);
		s->fixed = calloc(s->nscript + 1, sizeof(*s->fixed));
		s->cand = malloc((s->nscript + 1) * sizeof(*s->cand));
		r = s->fixed && s->cand ? 0 : -1;
	}
	return r;
}

/* Remove each preemption of the best run alone; every removal must pass.
 * One that still fails is taken (it is smaller) and the check goes on
 * from the same place in the new best run: starting over from its first
 * preemption after each one taken made the check quadratic in a long
 * run's preemptions.  Only a whole pass that takes nothing proves the
 * run 1-minimal, so a pass that took some is followed by another.
 * Returns the number of preemptions checked, or -1 on trouble. */
static int check_one_minimal(struct shrink *s, uint64_t *checks)
{
	uint64_t from = 0; /* the ordinal of the preemption to try first */
	bool took = false; /* this pass took a removal */
	for (;;) {
		if (reload_best(s) != 0)
			return -1;
		bool smaller = false;
		uint64_t ordinal = 0, count = 0;
		for (uint64_t drop = 0; drop < s->nscript && !smaller; drop++) {
			if (!s->preempt[drop] || ordinal++ < from)
				continue;
			count++;
			uint64_t m = 0;
			for (uint64_t i = 0; i < s->nscript; i++)
				if (i != drop)
					s->cand[m++] = s->script[i];
			(*checks)++;
			enum ddmin_verdict v = try_script(s, s->cand, m);
			if (v == DDMIN_ERROR)
				return -1;
			smaller = v == DDMIN_FAILS;
		}
		if (smaller) { /* the dropped one's successor has its ordinal now */
			from = ordinal - 1;
			took = true;
		} else if (took || from > 0) {
			from = 0;
			took = false;
		} else {
			return (int)count;
		}
	}
}

static char *history_command(const struct shrink *s)
{
	char *cmd;
	if (asprintf(&cmd, "deja shrink %s -o %s (strategy script, runs of the recorded "
			   "argv; target: recorded %s, seed %llu)", s->a.trace, s->a.output,
		     s->run.strategy, (unsigned long long)s->run.seed) < 0)
		return NULL;
	return cmd;
}

/* OUT gets TRACE's notebook and the shrink; TRACE gets the shrink too. */
static int write_history(struct shrink *s, const char *out_abs, const char *trace_abs,
			 const char *result)
{
	char *cmd = history_command(s);
	struct trace *src = NULL, *dst = NULL;
	char why[256];
	struct trace_history *h = NULL;
	size_t nh = 0;
	int r = cmd ? 0 : -1;
	if (r == 0 && trace_open(trace_abs, true, &src, why, sizeof(why)) == TRACE_OK) {
		trace_get_history(src, &h, &nh);
		if (trace_put_history(src, cmd, result) != TRACE_OK)
			fprintf(stderr, "deja shrink: note: cannot add to the history of %s\n",
				s->a.trace);
	}
	trace_close(src);
	if (r == 0 && trace_open(out_abs, true, &dst, why, sizeof(why)) == TRACE_OK) {
		trace_begin(dst);
		for (size_t i = 0; i < nh; i++)
			trace_put_history_at(dst, h[i].at, h[i].command, h[i].result);
		if (trace_put_history(dst, cmd, result) != TRACE_OK)
			r = -1;
		trace_commit(dst);
	} else {
		r = -1;
	}
	trace_close(dst);
	trace_history_free(h, nh);
	free(cmd);
	return r;
}

static int fail_trial(struct shrink *s)
{
	if (s->trouble == TRIAL_ERR_INTERRUPTED) {
		fprintf(stderr, "deja shrink: interrupted\n");
		return DEJA_EXIT_INTERRUPTED;
	}
	fprintf(stderr, "deja shrink: %s\n", s->err);
	return DEJA_EXIT_INTERNAL;
}

static int baseline(struct shrink *s)
{
	struct failure_sig recorded = {
		.kind = DEJA_OUTCOME_NONE, .exit_code = (int)s->run.exit_code,
		.signal = (int)s->run.signal,
	};
	struct trial_result r;
	enum trial_status st = trial_run(&s->prog, s->script, s->nscript, &r, s->err,
					 sizeof(s->err));
	if (st != TRIAL_OK) {
		s->trouble = st;
		return fail_trial(s);
	}
	char got[1200];
	failure_describe(&r.sig, got, sizeof(got));
	bool same_kind = strcmp(s->run.outcome, "deadlock") == 0 ? r.sig.kind == DEJA_OUTCOME_DEADLOCK
			 : strcmp(s->run.outcome, "signal") == 0  ? r.sig.kind == DEJA_OUTCOME_SIGNAL &&
									  r.sig.signal == recorded.signal
			 : strcmp(s->run.outcome, "exit") == 0	  ? r.sig.kind == DEJA_OUTCOME_EXIT &&
									  r.sig.exit_code == recorded.exit_code
								  : failure_failed(&r.sig);
	if (!same_kind) {
		char want[64];
		if (strcmp(s->run.outcome, "exit") == 0 || strcmp(s->run.outcome, "signal") == 0)
			snprintf(want, sizeof(want), "%s %lld", s->run.outcome,
				 strcmp(s->run.outcome, "exit") == 0 ? (long long)s->run.exit_code
								     : (long long)s->run.signal);
		else
			snprintf(want, sizeof(want), "%s", s->run.outcome);
		fprintf(stderr, "deja shrink: the recorded schedule, run again as a script, does "
				"not fail as recorded (%s, got %s); nothing to shrink\n",
			want, got);
		if (cli_stdin_missing(s->run.stdio_kinds, s->prog.stdin_from ? s->prog.stdin_from
									      : s->stdin_kept))
			fprintf(stderr, "deja shrink: the recorded run's stdin was a file or a pipe,"
					" and this one's is not: give it the same input (deja shrink"
					" %s < FILE, or --input FILE)\n", s->a.trace);
		return DEJA_EXIT_FAILED;
	}
	s->target = r.sig;
	if (rename(s->prog.scratch, s->best_path) != 0) {
		fprintf(stderr, "deja shrink: cannot write %s\n", s->best_path);
		return DEJA_EXIT_INTERNAL;
	}
	s->best = r;
	if (!s->a.quiet)
		fprintf(stderr, "deja shrink: the recorded schedule fails again: %s\n", got);
	return DEJA_EXIT_OK;
}

static int gave_up(struct shrink *s, const struct ddmin_stats *stats)
{
	if (s->trouble != TRIAL_OK)
		return fail_trial(s);
	fprintf(stderr, "deja shrink: gave up after %llu candidate runs (--max-runs); "
			"the smallest failing run so far is in %s\n",
		(unsigned long long)stats->tests, s->best_path);
	free(s->best_path); /* kept, as said: cleanup must not remove it */
	s->best_path = NULL;
	return DEJA_EXIT_FAILED;
}

bool shrink_may_search(struct shrink *s)
{
	if (now_seconds() >= s->search_until)
		s->search_out_of_time = true;
	return !s->search_out_of_time;
}

/* From a removal-minimum down: check 1-minimality, then fold, search and
 * move until nothing gives fewer preemptions, or --search-time is up.
 * These are the optional runs: the result is 1-minimal already, and a
 * program whose runs are slow (CPython with --python-lines: about 0.4 s a
 * run, thousands of ticks to move a preemption to) was still here after
 * 10 minutes under --max-runs alone. */
#define NEAR_MOVES_RUNS 100 /* shrink_try_near_moves: see there */

/* Whether the run had the Python-lines hook (deja --python-lines: deja's
 * python directory in its PYTHONPATH), whose runs are long and whose
 * start-up takes the search's runs, so the near moves go first there:
 * where the search finds the minimum (py_job_queue without the hook),
 * trying them first took twice the candidate runs. */
static bool with_python_lines(const struct shrink *s)
{
	for (char *const *e = s->run.envp; e && *e; e++)
		if (strncmp(*e, "PYTHONPATH=", 11) == 0 && strstr(*e, "deja/python"))
			return true;
	return false;
}

static int fewer_preemptions(struct shrink *s, uint64_t *checks, int *remaining)
{
	s->search_until = now_seconds() + (double)s->a.search_time;
	int moves;
	do {
		*remaining = check_one_minimal(s, checks);
		if (*remaining < 0)
			return fail_trial(s);
		moves = shrink_try_folds(s);
		if (moves == 0 && with_python_lines(s))
			moves = shrink_try_near_moves(s, NEAR_MOVES_RUNS);
		if (moves == 0)
			moves = shrink_try_search(s);
		if (moves == 0)
			moves = shrink_try_moves(s);
		if (moves == 0)
			moves = shrink_try_single_switch(s);
		if (moves == 0)
			moves = shrink_try_tick_switch(s);
		if (moves < 0 && s->trouble != TRIAL_OK)
			return fail_trial(s);
		if (moves < 0 && !s->a.quiet)
			fprintf(stderr, "deja shrink: %s reached while moving preemptions; "
					"the result is 1-minimal but may not be the fewest\n",
				s->search_out_of_time ? "--search-time" : "--max-runs");
	} while (moves > 0);
	return DEJA_EXIT_OK;
}

/*
 * ddmin over the preemptions, again and again while the kept schedule's
 * run preempts more than the script asked.  The forced switches stay
 * where they were while ddmin cuts the preemptions, and once the
 * preemptions before one are gone it may switch from a thread that could
 * go on: a preemption of its own.  A random run of a long program has
 * thousands of forced switches, and its removal-minimum ran with
 * thousands of such preemptions, which the 1-minimality check then cut
 * one run each.  ddmin over the run's own switches cuts them in halves.
 * 0 done, 1 the run budget is spent (or a run failed), -1 the best run
 * cannot be read back.
 */
static int reduce_preemptions(struct shrink *s, struct ddmin_stats *stats)
{
	uint64_t ran = UINT64_MAX; /* the previous best run's preemptions */
	for (;;) {
		if (reduce(s, true, stats) != 0)
			return 1;
		uint64_t kept = preemptions_in_script(s);
		if (reload_best(s) != 0)
			return -1;
		uint64_t now = preemptions_in_script(s);
		if (now <= kept || now >= ran)
			return 0;
		ran = now;
	}
}

/*
 * ddmin over the preemptions, then fewer_preemptions, and only then ddmin
 * over all the switches left (forced ones too) and the 1-minimality
 * check again.  Cutting the forced switches last costs few runs: the
 * search's result has a handful of entries, where the removal-minimum
 * of a CPython run had dozens, which cost 220 candidate runs to cut
 * and were then replaced anyway.
 */
static int shrink_schedule(struct shrink *s, uint64_t *checks, int *remaining)
{
	s->schedule_start = s->prog.runs;
	/* From here on argv and stdin stay as they are: the runs can come
	 * from a fork server, as a hunt's do. */
	s->prog.serve = s->prog.stdin_from == NULL;
	free(s->fixed);
	free(s->cand);
	s->fixed = calloc(s->nscript + 1, sizeof(*s->fixed));
	s->cand = malloc((s->nscript + 1) * sizeof(*s->cand));
	if (!s->fixed || !s->cand)
		return DEJA_EXIT_INTERNAL;
	struct ddmin_stats stats = { .max_tests = s->a.max_runs };
	int r = reduce_preemptions(s, &stats);
	if (r > 0)
		return gave_up(s, &stats);
	if (r < 0) {
		snprintf(s->err, sizeof(s->err), "cannot read back %s", s->best_path);
		return fail_trial(s);
	}
	int code = fewer_preemptions(s, checks, remaining);
	if (code != DEJA_EXIT_OK)
		return code;
	if (reload_best(s) != 0) {
		snprintf(s->err, sizeof(s->err), "cannot read back %s", s->best_path);
		return fail_trial(s);
	}
	s->settled = true;
	if (reduce(s, false, &stats) != 0)
		return gave_up(s, &stats);
	*remaining = check_one_minimal(s, checks);
	return *remaining < 0 ? fail_trial(s) : DEJA_EXIT_OK;
}

static int read_whole(const char *path, uint8_t **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	uint8_t *buf = NULL;
	size_t n = 0, cap = 0, got;
	do {
		if (!grow_array(&buf, &cap, n + 1, 1, 4096))
			break;
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	bool ok = !ferror(f) && buf;
	fclose(f);
	if (!ok) {
		free(buf);
		return -1;
	}
	*out = buf;
	*len = n;
	return 0;
}

/* The argv index naming FILE (compared as real paths, FILE's from the
 * user's directory, argv's from the recorded one), or -1. */
static int input_arg(const struct shrink *s, const char *file_real)
{
	for (int i = 1; i < s->run.argc; i++) {
		char *r = realpath(s->run.argv[i], NULL);
		bool same = r && strcmp(r, file_real) == 0;
		free(r);
		if (same)
			return i;
	}
	return -1;
}

/* Before the chdir: read FILE and decide how the program gets it. */
static int input_setup(struct shrink *s, const char *out_abs)
{
	s->input_real = realpath(s->a.input, NULL);
	if (!s->input_real ||
	    read_whole(s->input_real, &s->input_orig, &s->input_orig_len) != 0) {
		fprintf(stderr, "deja shrink: cannot read the input %s\n", s->a.input);
		return DEJA_EXIT_USAGE;
	}
	const char *dot = strrchr(out_abs, '.');
	int stem = dot && strcmp(dot, ".deja") == 0 ? (int)(dot - out_abs) : (int)strlen(out_abs);
	char *candidate = NULL;
	if (asprintf(&s->input_final, "%.*s.input", stem, out_abs) < 0 ||
	    asprintf(&candidate, "%s.input-try", out_abs) < 0)
		return DEJA_EXIT_INTERNAL;
	s->in.candidate = candidate;
	s->in.hunt_runs = s->a.hunt_runs;
	s->in.max_candidates = s->a.max_runs;
	s->in.best_path = s->best_path;
	s->in.target = &s->target;
	return DEJA_EXIT_OK;
}

/* In the recorded directory: FILE is an argument, or the stdin. */
static void input_locate(struct shrink *s)
{
	s->in.arg = input_arg(s, s->input_real);
	s->in.argv = s->argv;
	s->in.prog = &s->prog;
	if (s->in.arg < 0) {
		if (!s->a.quiet)
			fprintf(stderr, "deja shrink: %s is not on the recorded command line; "
					"the program gets it as its stdin\n", s->a.input);
		/* The baseline run reads the original; candidates their own. */
		s->prog.stdin_from = s->input_real;
	}
}

/* Shrink the input, then make the best run read it beside OUT. */
static int shrink_input(struct shrink *s)
{
	s->in.best = malloc(s->input_orig_len ? s->input_orig_len : 1);
	if (!s->in.best)
		return DEJA_EXIT_INTERNAL;
	memcpy(s->in.best, s->input_orig, s->input_orig_len);
	s->in.best_len = s->input_orig_len;
	s->in.best_run = s->best;
	s->in.hint = malloc((s->nscript + 1) * sizeof(*s->in.hint));
	if (!s->in.hint)
		return DEJA_EXIT_INTERNAL;
	memcpy(s->in.hint, s->script, s->nscript * sizeof(*s->in.hint));
	s->in.nhint = s->nscript;
	enum ddmin_status st = input_shrink_run(&s->in);
	if (st == DDMIN_ERR_ORACLE) {
		s->trouble = s->in.trouble;
		snprintf(s->err, sizeof(s->err), "%s", s->in.err);
		return fail_trial(s);
	}
	if (st != DDMIN_OK && !s->a.quiet)
		fprintf(stderr, "deja shrink: the input's ddmin stopped early (--max-runs); "
				"keeping the smallest failing input so far\n");
	/* The final run reads the shrunk input where it is kept. */
	unlink(s->in.candidate);
	free((char *)s->in.candidate);
	s->in.candidate = strdup(s->input_final);
	uint8_t *final = malloc(s->in.best_len ? s->in.best_len : 1);
	if (!s->in.candidate || !final) {
		free(final);
		return DEJA_EXIT_INTERNAL;
	}
	memcpy(final, s->in.best, s->in.best_len);
	enum ddmin_verdict v = input_try(&s->in, final, s->in.best_len);
	free(final);
	if (v == DDMIN_ERROR) {
		s->trouble = s->in.trouble;
		snprintf(s->err, sizeof(s->err), "%s", s->in.err);
		return fail_trial(s);
	}
	if (v != DDMIN_FAILS) {
		fprintf(stderr, "deja shrink: the shrunk input, read from %s, does not fail again\n",
			s->input_final);
		return DEJA_EXIT_FAILED;
	}
	s->best = s->in.best_run;
	/* The file is the result now: keep it, and let the runs to come read
	 * it through input_final, which lives as long as s. */
	if (s->in.arg >= 0)
		s->argv[s->in.arg] = s->input_final;
	else
		s->prog.stdin_from = s->input_final;
	free((char *)s->in.candidate);
	s->in.candidate = NULL;
	return reload_best(s) == 0 ? DEJA_EXIT_OK : DEJA_EXIT_INTERNAL;
}

static int report(struct shrink *s, const char *out_abs, const char *trace_abs,
		  uint64_t checks, int remaining)
{
	char result[1500], what[1200], whose[64] = "";
	/* The shrunk run's own failure: a deadlock may now leave other
	 * threads waiting on other objects (failure_same says why). */
	failure_describe(&s->best.sig, what, sizeof(what));
	if (s->tree.focus != 0)
		snprintf(whose, sizeof(whose), "process %u: ", s->tree.focus);
	snprintf(result, sizeof(result),
		 "%spreemptions %llu -> %llu, context switches %llu -> %llu, events %llu -> %llu; "
		 "1-minimal (each of the %d preemption%s is needed: %llu check runs); %llu runs, %.1f s",
		 whose, (unsigned long long)s->recorded.preemptions,
		 (unsigned long long)s->best.preemptions,
		 (unsigned long long)s->recorded.switches, (unsigned long long)s->best.switches,
		 (unsigned long long)s->recorded.events, (unsigned long long)s->best.events, remaining,
		 remaining == 1 ? "" : "s", (unsigned long long)checks,
		 (unsigned long long)s->prog.runs, now_seconds() - s->started);
	if (s->a.input) {
		size_t used = strlen(result);
		snprintf(result + used, sizeof(result) - used,
			 "; input %s: lines %zu -> %zu, bytes %zu -> %zu, shrunk input in %s",
			 s->a.input, input_count_lines(s->input_orig, s->input_orig_len),
			 input_count_lines(s->in.best, s->in.best_len), s->input_orig_len,
			 s->in.best_len, s->input_final);
	}
	if (rename(s->best_path, out_abs) != 0 ||
	    write_history(s, out_abs, trace_abs, result) != 0) {
		fprintf(stderr, "deja shrink: cannot write %s\n", s->a.output);
		return DEJA_EXIT_INTERNAL;
	}
	printf("shrunk: %s\n", result);
	printf("fails the same way: %s\n", what);
	printf("trace: %s (deja replay %s; deja show %s; deja bisect %s names the racing pair)\n",
	       s->a.output, s->a.output, s->a.output, s->a.output);
	return DEJA_EXIT_OK;
}

static int prepare(struct shrink *s, char **out_abs, char **trace_abs, char **default_out)
{
	if (!s->a.output) {
		const char *dot = strrchr(s->a.trace, '.');
		int stem = dot && strcmp(dot, ".deja") == 0 ? (int)(dot - s->a.trace)
							    : (int)strlen(s->a.trace);
		if (asprintf(default_out, "%.*s-shrunk.deja", stem, s->a.trace) < 0)
			return DEJA_EXIT_INTERNAL;
		s->a.output = *default_out;
	}
	*out_abs = trial_absolute(s->a.output);
	*trace_abs = trial_absolute(s->a.trace);
	if (*out_abs && !trace_may_replace(*out_abs)) {
		char why[512];
		explain_not_replaced(s->a.output, why, sizeof(why));
		fprintf(stderr, "deja shrink: %s\n", why);
		return DEJA_EXIT_INTERNAL;
	}
	char *scratch = NULL, *output = NULL;
	if (!*out_abs || !*trace_abs || asprintf(&scratch, "%s.try", *out_abs) < 0 ||
	    asprintf(&output, "%s.out", *out_abs) < 0 ||
	    asprintf(&s->best_path, "%s.best", *out_abs) < 0)
		return DEJA_EXIT_INTERNAL;
	s->argv = calloc((size_t)s->run.argc + 1, sizeof(*s->argv));
	if (!s->argv)
		return DEJA_EXIT_INTERNAL;
	memcpy(s->argv, s->run.argv, (size_t)s->run.argc * sizeof(*s->argv));
	s->prog = (struct trial_program){
		.argv = s->argv, .argc = s->run.argc, .envp = s->run.envp,
		.max_steps = s->run.max_steps,
		.wall_timeout = (unsigned)s->a.timeout, .scratch = scratch, .output = output,
		.entropy_seed = s->run.entropy_seed, .realtime_start_ns = s->run.realtime_start,
		.monotonic_start_ns = s->run.monotonic_start, .discard_passing = true,
		.tree = &s->tree,
	};
	s->prog.runtime = cli_runtime_path();
	if (!s->prog.runtime)
		return DEJA_EXIT_INTERNAL;
	/* A program fed on stdin (`deja shrink T < input`) reads all of it in
	 * every candidate run: from a pipe the first run read it all and the
	 * others found nothing, passed, and every preemption looked needed. */
	if (cli_keep_stdin(*out_abs, &s->stdin_kept) != 0)
		return DEJA_EXIT_INTERNAL;
	s->prog.input_from = s->stdin_kept;
	if (s->a.input) {
		int code = input_setup(s, *out_abs);
		if (code != DEJA_EXIT_OK)
			return code;
	}
	if (chdir(s->run.cwd) != 0) {
		fprintf(stderr, "deja shrink: cannot enter the recorded directory %s\n", s->run.cwd);
		return DEJA_EXIT_INTERNAL;
	}
	if (s->a.input)
		input_locate(s);
	return DEJA_EXIT_OK;
}

static void cleanup(struct shrink *s)
{
	trial_end_server(&s->prog);
	if (s->prog.scratch)
		record_remove_trace(s->prog.scratch);
	if (s->best_path)
		record_remove_trace(s->best_path);
	if (s->prog.output)
		unlink(s->prog.output);
	free((char *)s->prog.scratch);
	free((char *)s->prog.output);
	free(s->best_path);
	free(s->script);
	free(s->preempt);
	free(s->timed_out);
	free(s->fixed);
	free(s->cand);
	free(s->threads);
	free(s->argv);
	if (s->in.candidate)
		unlink(s->in.candidate);
	free((char *)s->in.candidate);
	free(s->in.hint);
	free(s->in.best);
	free(s->input_orig);
	free(s->input_final);
	free(s->input_real);
	if (s->stdin_kept)
		unlink(s->stdin_kept);
	free(s->stdin_kept);
	tree_scripts_free(&s->tree);
	trace_run_free(&s->run);
}

int cmd_shrink(int argc, char **argv)
{
	struct shrink s = { .a = { .max_runs = 5000, .timeout = 10, .hunt_runs = 200,
				   .search_time = 60 } };
	int code = parse(argc, argv, &s.a);
	if (code != 0)
		return code < 0 ? DEJA_EXIT_OK : code;
	s.started = now_seconds();
	char *out_abs = NULL, *trace_abs = NULL, *default_out = NULL;
	code = load(&s);
	if (code == DEJA_EXIT_OK)
		code = check_shrinkable(&s);
	if (code == DEJA_EXIT_OK)
		code = prepare(&s, &out_abs, &trace_abs, &default_out);
	if (code == DEJA_EXIT_OK)
		code = baseline(&s);
	if (code == DEJA_EXIT_OK && s.a.input)
		code = shrink_input(&s);
	uint64_t checks = 0;
	int remaining = 0;
	if (code == DEJA_EXIT_OK)
		code = shrink_schedule(&s, &checks, &remaining);
	if (code == DEJA_EXIT_OK)
		code = report(&s, out_abs, trace_abs, checks, remaining);
	cleanup(&s);
	free(out_abs);
	free(trace_abs);
	free(default_out);
	return code;
}
