/*
 * cmd_hunt.c: `deja hunt [OPTIONS] [--] PROG [ARGS...]`: run the program
 * under controlled schedules, each from its own seed, until one fails or
 * the budget is spent, and keep the failing run's trace.
 *
 * Each run is a recording (recorder/record.c) into a scratch trace beside
 * the output; a passing run's trace is deleted, the first failing one is
 * renamed to the output.  A run's fingerprint is the digest of its last
 * event, which covers the whole schedule, so the number of distinct
 * fingerprints counts the distinct interleavings seen.
 *
 * Strategy ipb:K is systematic rather than seeded: search_ipb.c hands out
 * each run's schedule as a script and learns from its events where the
 * next schedules branch, until every schedule with at most K preemptions
 * has run.  The portfolio gives it one run in six.
 *
 * A CPython program hands the GIL over only where it checks for a waiter,
 * so a race between two Python lines shows only when every line is a tick
 * (--python-lines).  Hunting one without --python-lines or
 * --no-python-lines, the first fifth of the runs (or of the time budget)
 * tick only where CPython itself switches, the rest at every line: the
 * environment the runs start with changes (lines_from), so each kept
 * trace replays, shrinks and bisects as it ran.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <poll.h>
#include <regex.h>
#include <signal.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "grow.h"
#include "cli.h"
#include "json.h"
#include "record.h"
#include "search_ipb.h"
#include "strategy.h"
#include "trace.h"

static const char usage[] =
	"usage: deja hunt [OPTIONS] [--] PROG [ARGS...]\n"
	"\n"
	"Run PROG again and again under controlled schedules, each from its own\n"
	"seed, until a run fails (non-zero exit, signal, deadlock, timeout) or the\n"
	"budget is spent.  The failing run's trace is kept, ready for deja replay.\n"
	"\n"
	"options:\n"
	"  -n, --runs N           at most N runs (default 1000)\n"
	"  -t, --time-budget S    stop after S seconds (default: no limit)\n"
	"  -s, --strategy NAME    portfolio (default: random, pct:2, pos, ipb:3, pct:3\n"
	"                         and random:50 in turn), random[:PERCENT], pct[:DEPTH],\n"
	"                         pos, surw (random walk weighted by each thread's\n"
	"                         events in the longest run so far), or ipb[:K]:\n"
	"                         every schedule with at most K preemptions\n"
	"                         (default 2), fewest first, then stop\n"
	"      --seed N           seed the runs' seeds derive from (default 0)\n"
	"      --max-steps N      a run longer than N events is a timeout (default\n"
	"                         100000; 10000000 with --python-lines)\n"
	"      --timeout S        a run longer than S seconds is a timeout (default 10)\n"
	"      --python-lines     in CPython, every line a thread runs is a tick,\n"
	"                         where a strategy may switch threads: finds races\n"
	"                         between Python lines (docs/architecture.md,\n"
	"                         Ticks in CPython)\n"
	"      --no-python-lines  never; without either, a hunt of CPython (PROG\n"
	"                         named python*) ticks at every line after the\n"
	"                         first fifth of its runs or of its time budget\n"
	"  -o, --output TRACE     where to keep the failing run (default PROG-hunt.deja)\n"
	"  -j, --jobs N           run N programs at a time (default 1)\n"
	"      --fail-on-output RE a run whose output (stdout and stderr) matches the\n"
	"                         extended regular expression RE fails too\n"
	"      --ok-exit CODES    exit codes that pass, comma-separated (default 0)\n"
	"      --json             print a JSON summary on stdout\n"
	"  -q, --quiet            no progress line\n"
	"  -h, --help             this text\n"
	"\n"
	"The program's own output is discarded during the hunt; replay the kept\n"
	"trace to see it.\n"
	"\n"
	"exit codes: 0 no run failed; 1 a run failed and its trace was kept;\n"
	"2 usage error; 3 deja could not run the program; 130 interrupted.\n";

static const char *const portfolio[] = { "random", "pct:2", "pos", "ipb:3", "pct:3",
					 "random:50" };
#define PORTFOLIO_IPB_BOUND 3u

#define HUNT_MAX_STEPS 100000ull
#define HUNT_PYTHON_MAX_STEPS 10000000ull
#define HUNT_NO_MAX_STEPS (~0ull) /* not given: one of the above */

struct hunt {
	const char *strategy; /* NULL: portfolio */
	unsigned long long runs, seed, max_steps, time_budget, jobs, timeout;
	const char *output;
	const char *program; /* argv[0] of the runs */
	bool json, quiet, python_lines, no_python_lines;
	bool max_steps_given;
	/* CPython: the first run with every Python line a tick (1 with
	 * --python-lines; 0: none).  Before the switch it comes at the latest
	 * once a fifth of the time budget, if one was given, is spent. */
	unsigned long long lines_from;
	/* -j N: the next run index no worker has started. */
	unsigned long long next_index;
	double started; /* when the hunt began (now_seconds) */
	const char *fail_on_output;
	const char *input;    /* every run's stdin (run_stdin.c), or NULL: deja's */
	regex_t output_re;
	bool ok_exit[256];
	/* ipb: the search (NULL unless -s ipb or the portfolio); in a
	 * parallel hunt only worker 0 runs its schedules. */
	struct ipb_search *ipb;
	uint32_t ipb_bound;
	bool ipb_running; /* the run in progress is ipb's */
	unsigned worker;
	/* surw: events per thread of the run in progress, and of the
	 * longest run so far (its estimate of what each thread will do). */
	uint32_t run_events[DEJA_MAX_THREADS];
	uint32_t surw_events[DEJA_MAX_THREADS];
	/* results */
	unsigned long long done, distinct, longest;
	uint64_t child_longest; /* most events of one forked child so far (pct's length) */
	uint64_t last_fingerprint;
	uint64_t *seen; /* fingerprints, open addressing */
	size_t seen_cap;
	double seconds;
	bool found, interrupted, found_by_output;
	bool exhausted; /* ipb: every schedule within the bound has run */
	unsigned long long found_index, found_seed;
	const char *found_strategy;
	struct session_result found_res;
	/* The program is started once and each run forked from it (the fork
	 * server, runtime/server.c); one per worker process. */
	struct session *server;
	/* coverage (cli/coverage.c): most ticks in a run; the longest time a
	 * thread ran without a scheduling point, in any run, and which */
	uint64_t ticks, dark_ns;
	uint32_t dark_thread;
};

/* ipb ran every schedule within its bound.  Its search branches at the
 * events' choices only, never at a tick, so a run that passed ticks (built
 * with deja cflags, or Python lines) had schedules it did not try: a race
 * in plain code (a lost update at a tick) is no proof of absence there. */
static bool ipb_covered(const struct hunt *h)
{
	return ipb_complete(h->ipb) && h->ticks == 0;
}

static void note_coverage(struct hunt *h, uint64_t ticks, uint64_t dark_ns, uint32_t thread)
{
	if (ticks > h->ticks)
		h->ticks = ticks;
	if (dark_ns > h->dark_ns) {
		h->dark_ns = dark_ns;
		h->dark_thread = thread;
	}
}

static uint64_t derive_seed(uint64_t seed, uint64_t run)
{
	uint64_t z = seed + run * 0x9E3779B97F4A7C15ull;
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static void note_fingerprint(struct hunt *h, uint64_t f)
{
	if (h->distinct * 2 >= h->seen_cap) {
		size_t cap = h->seen_cap ? h->seen_cap * 2 : 1024;
		uint64_t *grown = calloc(cap, sizeof(*grown));
		if (!grown)
			return;
		for (size_t i = 0; i < h->seen_cap; i++)
			if (h->seen[i]) {
				size_t j = h->seen[i] & (cap - 1);
				while (grown[j])
					j = (j + 1) & (cap - 1);
				grown[j] = h->seen[i];
			}
		free(h->seen);
		h->seen = grown;
		h->seen_cap = cap;
	}
	f |= 1; /* 0 marks an empty slot */
	size_t j = f & (h->seen_cap - 1);
	while (h->seen[j] && h->seen[j] != f)
		j = (j + 1) & (h->seen_cap - 1);
	if (!h->seen[j]) {
		h->seen[j] = f;
		h->distinct++;
	}
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int parse_ok_exit(struct hunt *h, const char *list)
{
	memset(h->ok_exit, 0, sizeof(h->ok_exit));
	char *copy = strdup(list), *rest = copy;
	int r = copy ? 0 : -1;
	/* strsep, not strtok: an empty field ("1,,2", "", ",") is an error,
	 * where strtok skipped it and "" left no code passing, exit 0 too. */
	while (rest && r == 0) {
		char *tok = strsep(&rest, ",");
		unsigned long long code;
		if (!cli_parse_u64(tok, &code) || code > 255)
			r = -1;
		else
			h->ok_exit[code] = true;
	}
	if (r != 0)
		fprintf(stderr, "deja hunt: --ok-exit takes exit codes 0-255, comma-separated, not '%s'\n",
			list);
	free(copy);
	return r;
}

static int parse(int argc, char **argv, struct hunt *h)
{
	static const struct option opts[] = {
		{ "runs", required_argument, NULL, 'n' },
		{ "time-budget", required_argument, NULL, 't' },
		{ "strategy", required_argument, NULL, 's' },
		{ "seed", required_argument, NULL, 'S' },
		{ "max-steps", required_argument, NULL, 'm' },
		{ "output", required_argument, NULL, 'o' },
		{ "jobs", required_argument, NULL, 'J' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "fail-on-output", required_argument, NULL, 'F' },
		{ "ok-exit", required_argument, NULL, 'K' },
		{ "json", no_argument, NULL, 'j' },
		{ "python-lines", no_argument, NULL, 'P' },
		{ "no-python-lines", no_argument, NULL, 'N' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "+n:t:s:o:j:qh", opts, NULL)) != -1) {
		if (c == 'j' && optarg)
			c = 'J'; /* -j N is --jobs; --json has no argument */
		unsigned long long *num = NULL;
		switch (c) {
		case 'n': num = &h->runs; break;
		case 't': num = &h->time_budget; break;
		case 'S': num = &h->seed; break;
		case 'm': num = &h->max_steps; break;
		case 'J': num = &h->jobs; break;
		case 'T': num = &h->timeout; break;
		case 's': h->strategy = strcmp(optarg, "portfolio") == 0 ? NULL : optarg; break;
		case 'o': h->output = optarg; break;
		case 'F': h->fail_on_output = optarg; break;
		case 'K':
			if (parse_ok_exit(h, optarg) != 0)
				return DEJA_EXIT_USAGE;
			break;
		case 'j': h->json = true; break;
		case 'P': h->python_lines = true; break;
		case 'N': h->no_python_lines = true; break;
		case 'q': h->quiet = true; break;
		case 'h': fputs(usage, stdout); return -1;
		default: fputs(usage, stderr); return DEJA_EXIT_USAGE;
		}
		if (num && !cli_parse_u64(optarg, num)) {
			fprintf(stderr, "deja hunt: --%s needs a number, not '%s'\n",
				cli_option_name(opts, c), optarg);
			return DEJA_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "deja hunt: no program given\n\n%s", usage);
		return DEJA_EXIT_USAGE;
	}
	if (h->python_lines && h->no_python_lines) {
		fprintf(stderr, "deja hunt: --python-lines and --no-python-lines exclude each other\n");
		return DEJA_EXIT_USAGE;
	}
	if (h->runs == 0) {
		fprintf(stderr, "deja hunt: --runs takes at least 1\n");
		return DEJA_EXIT_USAGE;
	}
	if (h->jobs == 0 || h->jobs > 64) {
		fprintf(stderr, "deja hunt: --jobs takes 1 to 64\n");
		return DEJA_EXIT_USAGE;
	}
	if (h->fail_on_output && regcomp(&h->output_re, h->fail_on_output,
					 REG_EXTENDED | REG_NOSUB | REG_NEWLINE) != 0) {
		fprintf(stderr, "deja hunt: --fail-on-output: '%s' is not a regular expression\n",
			h->fail_on_output);
		h->fail_on_output = NULL;
		return DEJA_EXIT_USAGE;
	}
	return 0;
}

static bool is_ipb(const char *spec)
{
	return strncmp(spec, "ipb", 3) == 0 && (spec[3] == '\0' || spec[3] == ':');
}

/* ipb[:K]: 0 with the bound in *bound, or -1 after a message. */
static int parse_ipb(const char *spec, uint32_t *bound)
{
	unsigned long long k = 2;
	if (spec[3] == ':' && (!cli_parse_u64(spec + 4, &k) || k > IPB_MAX_BOUND)) {
		fprintf(stderr, "deja hunt: ipb:K takes a bound K of 0 to %u preemptions, not '%s'\n",
			IPB_MAX_BOUND, spec + 4);
		return -1;
	}
	*bound = (uint32_t)k;
	return 0;
}

static int check_strategy(struct hunt *h)
{
	static const char known[] =
		"portfolio, random[:PERCENT], pct[:DEPTH], pos, surw or ipb[:K]";
	if (!h->strategy) {
		h->ipb_bound = PORTFOLIO_IPB_BOUND;
	} else if (is_ipb(h->strategy)) {
		if (parse_ipb(h->strategy, &h->ipb_bound) != 0)
			return -1;
		if (h->jobs > 1) {
			fprintf(stderr, "deja hunt: ipb runs its schedules one at a time (drop -j)\n");
			return -1;
		}
	} else {
		return cli_check_strategy("hunt", h->strategy, known);
	}
	h->ipb = ipb_new(h->ipb_bound, 0);
	if (!h->ipb) {
		fprintf(stderr, "deja hunt: out of memory\n");
		return -1;
	}
	return 0;
}

/* Every event of every run: counted per thread for surw, and passed to
 * the ipb search when the run is one of its schedules. */
static void observe_run(void *ctx, const struct deja_event *ev)
{
	struct hunt *h = ctx;
	if (ev->thread < DEJA_MAX_THREADS)
		h->run_events[ev->thread]++;
	if (h->ipb_running)
		ipb_observe(h->ipb, ev);
}

/* Which strategy run `index` uses, and for ipb its script in *o.  NULL
 * when ipb has run every schedule within its bound: a plain ipb hunt is
 * then over; the portfolio gives the slot to random instead. */
static const char *plan_run(struct hunt *h, uint64_t index, struct record_options *o)
{
	const char *strategy = h->strategy ? h->strategy
					   : portfolio[(index - 1) % (sizeof(portfolio) / sizeof(*portfolio))];
	if (!is_ipb(strategy))
		return strategy;
	if (!h->strategy && h->worker != 0)
		return portfolio[0]; /* other workers would repeat worker 0's schedules */
	uint32_t preemptions;
	if (ipb_next(h->ipb, &o->script, &o->script_len, &preemptions) == IPB_EXHAUSTED) {
		if (!h->strategy)
			return portfolio[0];
		h->exhausted = true;
		return NULL;
	}
	o->strategy = "script";
	h->ipb_running = true;
	return strategy;
}

/* Whether the run's output matches --fail-on-output. */
static bool output_matches(const struct hunt *h, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	char *text = NULL;
	size_t cap = 0;
	size_t n = 0;
	char buf[65536];
	size_t got;
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (!grow_array(&text, &cap, n + got + 1, 1, sizeof(buf)))
			break;
		memcpy(text + n, buf, got);
		n += got;
	}
	fclose(f);
	bool match = text && (text[n] = '\0', regexec(&h->output_re, text, 0, NULL, 0) == 0);
	free(text);
	return match;
}

static bool failed(const struct hunt *h, const struct session_result *res, const char *out)
{
	if (res->kind != DEJA_OUTCOME_EXIT || res->exit_code < 0 || res->exit_code > 255 ||
	    !h->ok_exit[res->exit_code])
		return true;
	return h->fail_on_output && output_matches(h, out);
}

static void progress(const struct hunt *h, double start, bool last)
{
	if (h->quiet || h->json || !isatty(2))
		return;
	double t = now_seconds() - start;
	fprintf(stderr, "\rdeja hunt: %llu runs, %d failing, %llu distinct schedules, %.0f runs/s, %.1f s%s",
		h->done, h->found ? 1 : 0, h->distinct, t > 0 ? (double)h->done / t : 0.0, t,
		last ? "\n" : "");
}

static const char *outcome_text(const struct session_result *res, char *buf, size_t len)
{
	static const char *const kinds[] = { "incomplete", "exit", "signal", "deadlock",
					     "timeout", "divergence", "error" };
	const char *k = (unsigned)res->kind < 7 ? kinds[res->kind] : "?";
	if (res->kind == DEJA_OUTCOME_EXIT)
		snprintf(buf, len, "exit %d", res->exit_code);
	else if (res->kind == DEJA_OUTCOME_SIGNAL)
		snprintf(buf, len, "signal %d (%s)", res->signal, cli_signal_name(res->signal));
	else
		snprintf(buf, len, "%s", k);
	return buf;
}

/* Run number `index`: 0 on success (passing or failing), an exit code on
 * trouble.  A failing run's trace is renamed to keep_as, or left in
 * scratch when keep_as is NULL (a worker of a parallel hunt). */
static int one_run(struct hunt *h, uint64_t index, char **prog, int nprog, const char *runtime,
		   const char *scratch, const char *keep_as)
{
	struct record_options o = { .strategy = NULL };
	const char *strategy = plan_run(h, index, &o);
	if (!strategy)
		return 0; /* ipb is exhausted: no run */
	uint64_t seed = derive_seed(h->seed, index);
	char out[4096];
	snprintf(out, sizeof(out), "%s.out", scratch);
	bool plain = !h->fail_on_output && h->ok_exit[0];
	for (int code = 1; code < 256 && plain; code++)
		plain = !h->ok_exit[code];
	o.argv = prog;
	o.argc = nprog;
	o.strategy = o.strategy ? o.strategy : strategy;
	o.seed = seed;
	o.max_steps = h->max_steps;
	o.run_index = index;
	o.trace_path = scratch;
	o.wall_timeout = (unsigned)(h->timeout > 86400 ? 86400 : h->timeout);
	o.runtime_path = runtime;
	o.deja_version = DEJA_VERSION;
	o.pct_steps = h->longest ? h->longest : 0;
	o.child_pct_steps = h->child_longest;
	o.expected_ticks = h->ticks;
	o.output_to = h->fail_on_output ? out : "/dev/null";
	o.input_from = h->input;
	o.discard_passing = plain; /* exit 0 is exactly "passed" */
	o.surw_events = h->surw_events;
	o.observe = observe_run;
	o.observe_ctx = h;
	o.server = &h->server;
	memset(h->run_events, 0, sizeof(h->run_events));
	struct session_result res;
	char err[512] = "";
	enum record_status st = record_run(&o, &res, err, sizeof(err));
	if (h->ipb_running)
		ipb_end(h->ipb);
	h->ipb_running = false;
	if (st != RECORD_OK) {
		fprintf(stderr, "%sdeja hunt: %s\n", h->quiet || !isatty(2) ? "" : "\n", err);
		return DEJA_EXIT_INTERNAL;
	}
	h->done++;
	if (res.child_events > h->child_longest)
		h->child_longest = res.child_events;
	if (res.events > h->longest) {
		h->longest = res.events;
		memcpy(h->surw_events, h->run_events, sizeof(h->surw_events));
	}
	note_coverage(h, res.ticks, res.dark_ns, res.dark_thread);
	note_fingerprint(h, res.final_digest);
	h->last_fingerprint = res.final_digest;
	if (res.interrupted) {
		h->interrupted = true;
		unlink(scratch);
		return 0;
	}
	bool fail = failed(h, &res, out);
	if (h->fail_on_output)
		unlink(out);
	if (!fail) {
		unlink(scratch); /* (record_run removed it already when plain) */
		return 0;
	}
	h->found = true;
	h->found_index = index;
	h->found_seed = seed;
	h->found_strategy = strategy;
	h->found_res = res;
	h->found_by_output = res.kind == DEJA_OUTCOME_EXIT && res.exit_code >= 0 &&
			     res.exit_code < 256 && h->ok_exit[res.exit_code];
	if (keep_as && rename(scratch, keep_as) != 0) {
		fprintf(stderr, "deja hunt: cannot keep the trace as %s\n", h->output);
		return DEJA_EXIT_INTERNAL;
	}
	return 0;
}

/* A run that spent the step budget may be a livelock, or simply a run
 * that long (a CPython program's start-up alone is some 18,000 events):
 * say which budget it was and how to raise it. */
static const char *budget_hint(const struct hunt *h, char *buf, size_t len)
{
	snprintf(buf, len, " after %llu events: a livelock, or a program whose runs are that"
		 " long (then give it --max-steps above %llu)",
		 (unsigned long long)h->max_steps, (unsigned long long)h->max_steps);
	return buf;
}

static void report(const struct hunt *h)
{
	char out[128];
	if (h->json) {
		printf("{\"found\":%s,\"runs\":%llu,\"distinct_schedules\":%llu,\"seconds\":%.3f,"
		       "\"runs_per_second\":%.1f,\"trace\":", h->found ? "true" : "false", h->done,
		       h->distinct, h->seconds, h->seconds > 0 ? (double)h->done / h->seconds : 0.0);
		if (h->found) {
			json_string(stdout, h->output);
			printf(",\"failing_run\":{\"index\":%llu,\"seed\":%llu,\"strategy\":",
			       h->found_index, h->found_seed);
			json_string(stdout, h->found_strategy);
			printf(",\"outcome\":");
			json_string(stdout, outcome_text(&h->found_res, out, sizeof(out)));
			printf("}");
		} else {
			printf("null");
		}
		printf(",\"interrupted\":%s", h->interrupted ? "true" : "false");
		if (h->python_lines)
			printf(",\"python_lines_from\":%llu", h->lines_from);
		if (h->strategy && is_ipb(h->strategy))
			printf(",\"exhausted\":%s,\"complete\":%s", h->exhausted ? "true" : "false",
			       ipb_covered(h) ? "true" : "false");
		printf("}\n");
		return;
	}
	if (h->found) {
		fprintf(stderr, "deja hunt: run %llu (strategy %s, seed %llu%s) failed: %s%s\n",
			h->found_index, h->found_strategy, h->found_seed,
			h->python_lines && h->found_index >= h->lines_from
				? ", every Python line a tick" : "",
			outcome_text(&h->found_res, out, sizeof(out)),
			h->found_by_output ? ", and its output matched --fail-on-output" : "");
		if (h->found_res.kind == DEJA_OUTCOME_TIMEOUT && h->found_res.message[0])
			fprintf(stderr, "deja hunt: %s%s\n", h->found_res.message,
				strncmp(h->found_res.message, "step budget", 11) == 0
					? budget_hint(h, out, sizeof(out)) : "");
		fprintf(stderr,
			"deja hunt: trace kept in %s; reproduce it with:\n  deja replay %s\n"
			"deja hunt: cut it to its fewest preemptions with `deja shrink %s`, or debug"
			" where it fails with `deja replay --gdb last %s`\n",
			h->output, h->output, h->output, h->output);
	} else if (h->exhausted && ipb_complete(h->ipb) && h->ticks > 0) {
		fprintf(stderr, "deja hunt: ran all %llu schedules with at most %u preemptions at"
			" events, no failure (%.1f s); that is not every schedule: the runs passed up"
			" to %llu ticks (deja cflags or Python lines), where ipb does not preempt; for"
			" a race in plain code, hunt with random, pct or pos (the portfolio has them)\n",
			h->done, h->ipb_bound, h->seconds, (unsigned long long)h->ticks);
	} else if (h->exhausted && ipb_complete(h->ipb)) {
		fprintf(stderr, "deja hunt: explored all %llu schedules with at most %u preemptions; "
			"no failure (%.1f s)\n", h->done, h->ipb_bound, h->seconds);
		if (h->child_longest)
			fprintf(stderr, "deja hunt: ipb explores the top process's schedules only;"
					" its children ran under the default: for races in a child"
					" process, hunt with random, pct, pos or surw (the"
					" portfolio has them)\n");
	} else if (h->exhausted) {
		fprintf(stderr, "deja hunt: no failure in %llu schedules with at most %u preemptions, "
			"but not all of them: too many were waiting to run (%.1f s)\n",
			h->done, h->ipb_bound, h->seconds);
	} else {
		fprintf(stderr, "deja hunt: no failure in %llu runs (%llu distinct schedules, %.1f s%s)\n",
			h->done, h->distinct, h->seconds, h->interrupted ? ", interrupted" : "");
	}
	if (!h->found && !h->python_lines && cli_runs_cpython(h->program))
		fprintf(stderr, "deja hunt: the program is CPython, whose threads switch only"
				" where it hands the GIL over: for races between Python lines,"
				" hunt with --python-lines (every line a tick)\n");
	cli_coverage_warn(stderr, "hunt", h->dark_thread, h->dark_ns, h->ticks);
}

/* ---- CPython: from here on, every Python line a tick ---- */

/* Before the switch: its share of the time budget is spent. */
static bool lines_time_due(const struct hunt *h)
{
	return h->lines_from && !h->python_lines && h->time_budget &&
	       now_seconds() - h->started >= (double)h->time_budget / 5;
}

/* Whether the runs from `next` on tick at every Python line. */
static bool lines_due(const struct hunt *h, uint64_t next)
{
	return h->lines_from && !h->python_lines && (next >= h->lines_from || lines_time_due(h));
}

/* The runs from `next` on start with the hook in PYTHONPATH (a new fork
 * server, and new workers with -j), and, their runs being far longer,
 * with the step budget and the run lengths pct and surw learnt from
 * those runs forgotten; ipb starts its search again. */
static int switch_to_lines(struct hunt *h, uint64_t next, const char *runtime)
{
	if (cli_python_lines(runtime) != 0)
		return DEJA_EXIT_INTERNAL;
	h->python_lines = true;
	h->lines_from = next;
	if (!h->max_steps_given)
		h->max_steps = HUNT_PYTHON_MAX_STEPS;
	session_free(h->server);
	h->server = NULL;
	h->longest = h->child_longest = 0;
	memset(h->surw_events, 0, sizeof(h->surw_events));
	if (h->ipb) {
		ipb_free(h->ipb);
		h->ipb = ipb_new(h->ipb_bound, 0);
		if (!h->ipb)
			return DEJA_EXIT_INTERNAL;
	}
	if (!h->quiet && !h->json)
		fprintf(stderr, "%sdeja hunt: no failure in %llu runs of CPython: from run %llu on,"
			" every Python line is a tick (--python-lines)\n",
			isatty(2) && h->jobs == 1 ? "\n" : "", /* after the progress line */
			h->done, (unsigned long long)next);
	return 0;
}

/* ---- -j N: worker processes, each taking every N-th run ---- */

struct run_report {
	uint64_t index, seed, fingerprint, events, ticks, dark_ns;
	uint32_t dark_thread;
	int32_t failed, interrupted, trouble, strategy_slot;
	struct session_result res;
};

static int strategy_slot(const struct hunt *h, const char *strategy)
{
	for (unsigned i = 0; !h->strategy && i < sizeof(portfolio) / sizeof(*portfolio); i++)
		if (strategy == portfolio[i])
			return (int)i;
	return -1;
}

static void worker(struct hunt *h, unsigned w, int fd, char **prog, int nprog,
		   const char *runtime, const char *scratch)
{
	h->worker = w;
	for (uint64_t index = h->next_index + w; index <= h->runs; index += h->jobs) {
		struct run_report rep = { .index = index };
		bool was_found = h->found;
		rep.trouble = one_run(h, index, prog, nprog, runtime, scratch, NULL);
		rep.failed = h->found && !was_found;
		rep.interrupted = h->interrupted;
		rep.fingerprint = h->last_fingerprint;
		rep.events = h->longest;
		rep.ticks = h->ticks;
		rep.dark_ns = h->dark_ns;
		rep.dark_thread = h->dark_thread;
		if (rep.failed) {
			rep.seed = h->found_seed;
			rep.res = h->found_res;
			rep.strategy_slot = strategy_slot(h, h->found_strategy);
		}
		if (write(fd, &rep, sizeof(rep)) != (ssize_t)sizeof(rep))
			_exit(3);
		if (rep.failed || rep.interrupted || rep.trouble)
			break;
	}
	session_free(h->server);
	_exit(0);
}

/* SIGINT or SIGTERM sent to the parent of -j N's workers (by `timeout`
 * or `kill`, not to the whole group as a terminal's ^C is): it killed the
 * parent without a word (SIGTERM) or was ignored as a background job's
 * SIGINT is, and the hunt went on to its last run. */
static volatile sig_atomic_t parent_interrupted;

static void on_parent_interrupt(int sig)
{
	(void)sig;
	parent_interrupted = 1;
}

static void catch_interrupts(struct sigaction old[2])
{
	struct sigaction sa = { .sa_handler = on_parent_interrupt };
	sigemptyset(&sa.sa_mask);
	parent_interrupted = 0;
	sigaction(SIGINT, &sa, &old[0]);
	sigaction(SIGTERM, &sa, &old[1]);
}

static int hunt_parallel(struct hunt *h, char **prog, int nprog, const char *runtime)
{
	int fds[2];
	if (pipe(fds) != 0)
		return DEJA_EXIT_INTERNAL;
	pid_t pids[64];
	char *scratch[64];
	for (unsigned w = 0; w < h->jobs; w++) {
		if (asprintf(&scratch[w], "%s.run%u", h->output, w) < 0)
			return DEJA_EXIT_INTERNAL;
		pids[w] = fork();
		if (pids[w] == 0) {
			close(fds[0]);
			worker(h, w, fds[1], prog, nprog, runtime, scratch[w]);
		}
	}
	close(fds[1]);
	struct sigaction old_handlers[2];
	catch_interrupts(old_handlers); /* the parent's own: the workers have theirs */
	uint64_t first = h->next_index;
	double last_progress = 0;
	int code = 0, kept = -1;
	struct run_report rep;
	for (;;) {
		struct pollfd p = { .fd = fds[0], .events = POLLIN };
		if (poll(&p, 1, 200) > 0) {
			ssize_t n = read(fds[0], &rep, sizeof(rep));
			if (n != (ssize_t)sizeof(rep))
				break; /* every worker is done */
			h->done++;
			if (rep.index + 1 > h->next_index)
				h->next_index = rep.index + 1;
			note_fingerprint(h, rep.fingerprint);
			note_coverage(h, rep.ticks, rep.dark_ns, rep.dark_thread);
			if (rep.trouble)
				code = rep.trouble;
			h->interrupted |= rep.interrupted != 0;
			if (rep.failed && !h->found) {
				h->found = true;
				h->found_index = rep.index;
				h->found_seed = rep.seed;
				h->found_res = rep.res;
				h->found_by_output = rep.res.kind == DEJA_OUTCOME_EXIT &&
						     rep.res.exit_code >= 0 && rep.res.exit_code < 256 &&
						     h->ok_exit[rep.res.exit_code];
				h->found_strategy = rep.strategy_slot >= 0 ? portfolio[rep.strategy_slot]
									   : h->strategy;
				kept = (int)((rep.index - first) % h->jobs);
			}
		}
		bool out_of_time = h->time_budget &&
				   now_seconds() - h->started >= (double)h->time_budget;
		h->interrupted |= parent_interrupted != 0;
		if (h->found || code || h->interrupted || out_of_time || lines_time_due(h))
			break;
		if (now_seconds() - last_progress > 0.2) {
			progress(h, h->started, false);
			last_progress = now_seconds();
		}
	}
	for (unsigned w = 0; w < h->jobs; w++)
		kill(pids[w], SIGTERM); /* their current run ends as interrupted */
	for (unsigned w = 0; w < h->jobs; w++)
		waitpid(pids[w], NULL, 0);
	sigaction(SIGINT, &old_handlers[0], NULL);
	sigaction(SIGTERM, &old_handlers[1], NULL);
	close(fds[0]);
	if (kept >= 0 && rename(scratch[kept], h->output) != 0)
		code = DEJA_EXIT_INTERNAL;
	for (unsigned w = 0; w < h->jobs; w++) {
		/* A worker stopped in the middle of a run leaves its scratch
		 * trace and any of SQLite's side files. */
		record_remove_trace(scratch[w]);
		free(scratch[w]);
	}
	h->seconds = now_seconds() - h->started;
	progress(h, h->started, true);
	return code;
}

/* -j N: before the switch to Python lines, and after it. */
static int hunt_phases_parallel(struct hunt *h, char **prog, int nprog, const char *runtime)
{
	unsigned long long total = h->runs;
	h->next_index = 1;
	int code = 0;
	if (h->lines_from > 1 && !h->python_lines) {
		h->runs = h->lines_from - 1 < total ? h->lines_from - 1 : total;
		code = hunt_parallel(h, prog, nprog, runtime);
		h->runs = total;
	}
	bool out_of_time = h->time_budget && now_seconds() - h->started >= (double)h->time_budget;
	if (code || h->found || h->interrupted || out_of_time || h->next_index > total)
		return code;
	if (h->lines_from && !h->python_lines) /* phase 1 ran its runs, or its time */
		code = switch_to_lines(h, h->next_index, runtime);
	return code ? code : hunt_parallel(h, prog, nprog, runtime);
}

static int hunt_runs(struct hunt *h, char **prog, int nprog, const char *runtime);

int cmd_hunt(int argc, char **argv)
{
	struct hunt h = { .runs = 1000, .max_steps = HUNT_NO_MAX_STEPS, .jobs = 1, .timeout = 10 };
	h.ok_exit[0] = true;
	int r = parse(argc, argv, &h);
	if (r != 0)
		return r < 0 ? DEJA_EXIT_OK : r;
	if (check_strategy(&h) != 0)
		return DEJA_EXIT_USAGE;
	/* A CPython run that ticks at every line hands the GIL over many
	 * times, a dozen events each: far more events than a C program's. */
	h.max_steps_given = h.max_steps != HUNT_NO_MAX_STEPS;
	if (!h.max_steps_given)
		h.max_steps = h.python_lines ? HUNT_PYTHON_MAX_STEPS : HUNT_MAX_STEPS;
	const char *runtime = cli_runtime_path();
	if (!runtime || (h.python_lines && cli_python_lines(runtime) != 0))
		return DEJA_EXIT_INTERNAL;
	h.program = argv[optind];
	if (h.python_lines) {
		h.lines_from = 1;
	} else if (!h.no_python_lines && cli_runs_cpython(h.program) &&
		   !(h.strategy && is_ipb(h.strategy))) {
		h.lines_from = h.runs / 5 + 1;
	}
	char *default_out = NULL;
	if (!h.output) {
		const char *base = strrchr(argv[optind], '/');
		if (asprintf(&default_out, "%s-hunt.deja", base ? base + 1 : argv[optind]) < 0)
			return DEJA_EXIT_INTERNAL;
		h.output = default_out;
	}
	if (!trace_may_replace(h.output)) { /* said now, not after the hunt found a failure */
		char why[512];
		explain_not_replaced(h.output, why, sizeof(why));
		fprintf(stderr, "deja hunt: %s\n", why);
		free(default_out);
		return DEJA_EXIT_INTERNAL;
	}
	char *kept_stdin;
	if (cli_keep_stdin(h.output, &kept_stdin) != 0) {
		free(default_out);
		return DEJA_EXIT_INTERNAL;
	}
	h.input = kept_stdin;
	int code = hunt_runs(&h, argv + optind, argc - optind, runtime);
	if (kept_stdin)
		unlink(kept_stdin);
	free(kept_stdin);
	free(default_out);
	return code;
}

/* The hunt itself, once its output and stdin are settled. */
static int hunt_runs(struct hunt *h, char **prog, int nprog, const char *runtime)
{
	h->started = now_seconds();
	if (h->jobs > 1) {
		int code = hunt_phases_parallel(h, prog, nprog, runtime);
		if (code == 0)
			report(h);
		if (code)
			return code;
		if (h->interrupted && !h->found)
			return DEJA_EXIT_INTERRUPTED;
		return h->found ? DEJA_EXIT_FAILED : DEJA_EXIT_OK;
	}
	char *scratch;
	if (asprintf(&scratch, "%s.run", h->output) < 0)
		return DEJA_EXIT_INTERNAL;
	double start = h->started, last_progress = 0;
	int code = 0;
	while (!h->found && !h->interrupted && !h->exhausted && h->done < h->runs && code == 0) {
		if (h->time_budget && now_seconds() - start >= (double)h->time_budget)
			break;
		if (lines_due(h, h->done + 1) &&
		    (code = switch_to_lines(h, h->done + 1, runtime)) != 0)
			break;
		code = one_run(h, h->done + 1, prog, nprog, runtime, scratch,
			       h->output);
		if (now_seconds() - last_progress > 0.2) {
			progress(h, start, false);
			last_progress = now_seconds();
		}
	}
	h->seconds = now_seconds() - start;
	session_free(h->server);
	progress(h, start, true);
	if (code == 0)
		report(h);
	free(scratch);
	free(h->seen);
	ipb_free(h->ipb);
	if (h->fail_on_output)
		regfree(&h->output_re);
	if (code)
		return code;
	if (h->interrupted)
		return DEJA_EXIT_INTERRUPTED;
	return h->found ? DEJA_EXIT_FAILED : DEJA_EXIT_OK;
}
