/*
 * cmd_record.c: `deja record [OPTIONS] [--] PROG [ARGS...]`.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "describe.h"
#include "escapes_report.h"
#include "record.h"
#include "script_file.h"

static const char usage[] =
	"usage: deja record [OPTIONS] [--] PROG [ARGS...]\n"
	"\n"
	"Run PROG under deja's serialised scheduler and record every scheduling\n"
	"decision into a trace that `deja replay` re-runs exactly.\n"
	"\n"
	"options:\n"
	"  -o, --output TRACE     trace file to write (replaced if it exists);\n"
	"                         default PROG-N.deja in the current directory\n"
	"  -s, --strategy NAME[:PARAM]\n"
	"                         nonpreemptive (default): run each thread until it blocks\n"
	"                         random[:PERCENT]: seeded random walk over runnable threads\n"
	"                         pct[:DEPTH]: probabilistic concurrency testing\n"
	"                         pos: partial order sampling\n"
	"                         surw: random walk weighted by remaining events\n"
	"                         (uniform per step under record: no estimates)\n"
	"                         script: the switches --script FILE names, else\n"
	"                         nonpreemptive (implied by --script)\n"
	"                         parallel: threads run in parallel between scheduling\n"
	"                         points and the order they reach them in is recorded;\n"
	"                         lowest overhead, exact for programs without data races\n"
	"      --script FILE      switch threads where FILE says: lines THREAD AFTER TO\n"
	"                         (`deja show --script TRACE` writes one)\n"
	"      --seed N           seed of the strategy's random choices (default 0)\n"
	"      --time virtual|real\n"
	"                         virtual (default): the clocks run on the schedule's\n"
	"                         time and sleeps end at once; real: they read the\n"
	"                         real time and sleeps take it (a replay still reads\n"
	"                         the recorded times without waiting)\n"
	"      --max-steps N      end the run as `timeout` after N events\n"
	"                         (default 10000000; 0: no budget)\n"
	"      --python-lines     in CPython, every line a thread runs is a tick,\n"
	"                         where a strategy may switch threads (see\n"
	"                         docs/architecture.md, Ticks in CPython)\n"
	"      --timeout S        end the run as `timeout` after S seconds of real\n"
	"                         time (default: none), e.g. for a thread spinning\n"
	"                         where deja has no scheduling point\n"
	"  -q, --quiet            print nothing but errors\n"
	"  -h, --help             this text\n"
	"\n"
	"exit codes: 0 the program exited 0; 1 it failed (non-zero exit, signal,\n"
	"deadlock, timeout); 2 usage error; 3 deja could not run it; 130 interrupted.\n";

struct record_args {
	const char *output;
	const char *strategy;
	const char *script;
	bool real_time;
	unsigned long long seed;
	unsigned long long max_steps;
	unsigned long long timeout;
	bool quiet;
	bool python_lines;
};

static int parse(int argc, char **argv, struct record_args *a)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "strategy", required_argument, NULL, 's' },
		{ "seed", required_argument, NULL, 'S' },
		{ "script", required_argument, NULL, 'x' },
		{ "time", required_argument, NULL, 't' },
		{ "max-steps", required_argument, NULL, 'm' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "python-lines", no_argument, NULL, 'P' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "+o:s:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'P': a->python_lines = true; break;
		case 'o': a->output = optarg; break;
		case 's': a->strategy = optarg; break;
		case 'q': a->quiet = true; break;
		case 'x': a->script = optarg; break;
		case 't':
			if (strcmp(optarg, "real") != 0 && strcmp(optarg, "virtual") != 0) {
				fprintf(stderr, "deja record: --time takes virtual or real, not '%s'\n",
					optarg);
				return DEJA_EXIT_USAGE;
			}
			a->real_time = strcmp(optarg, "real") == 0;
			break;
		case 'h': fputs(usage, stdout); return -1;
		case 'S':
			if (!cli_parse_u64(optarg, &a->seed)) {
				fprintf(stderr, "deja record: --seed needs a number, not '%s'\n", optarg);
				return DEJA_EXIT_USAGE;
			}
			break;
		case 'T':
			if (!cli_parse_u64(optarg, &a->timeout) || a->timeout > 86400) {
				fprintf(stderr, "deja record: --timeout needs seconds (up to 86400), not '%s'\n",
					optarg);
				return DEJA_EXIT_USAGE;
			}
			break;
		case 'm':
			if (!cli_parse_u64(optarg, &a->max_steps)) {
				fprintf(stderr, "deja record: --max-steps needs a number, not '%s'\n", optarg);
				return DEJA_EXIT_USAGE;
			}
			break;
		default:
			fputs(usage, stderr);
			return DEJA_EXIT_USAGE;
		}
	}
	if (a->script && strcmp(a->strategy, "nonpreemptive") != 0 &&
	    strcmp(a->strategy, "script") != 0) {
		fprintf(stderr, "deja record: --script runs the script strategy, not %s\n",
			a->strategy);
		return DEJA_EXIT_USAGE;
	}
	if (a->script)
		a->strategy = "script";
	if (a->real_time && strcmp(a->strategy, "parallel") == 0) {
		fprintf(stderr, "deja record: --time real is for the serialised mode, not parallel\n");
		return DEJA_EXIT_USAGE;
	}
	if (optind >= argc) {
		fprintf(stderr, "deja record: no program given\n\n%s", usage);
		return DEJA_EXIT_USAGE;
	}
	return 0;
}

/* PROG-N.deja, the first N not taken. */
static char *default_output(const char *prog)
{
	const char *base = strrchr(prog, '/');
	base = base ? base + 1 : prog;
	for (int n = 1; n < 100000; n++) {
		char *path;
		if (asprintf(&path, "%s-%d.deja", base, n) < 0)
			return NULL;
		if (access(path, F_OK) != 0)
			return path;
		free(path);
	}
	return NULL;
}

/* Refuse a bad --strategy before anything touches a file. */
static int check_strategy(const char *spec)
{
	if (strcmp(spec, "parallel") == 0)
		return 0;
	return cli_check_strategy("record", spec,
				  "nonpreemptive, random[:PERCENT], pct[:DEPTH], pos, surw, script or parallel");
}

static int summarise(const char *path, const struct session_result *res, bool quiet)
{
	struct trace *t;
	char err[256];
	if (trace_open_own(path, &t, err, sizeof(err)) != TRACE_OK) {
		fprintf(stderr, "deja record: the trace %s cannot be read back: %s\n", path, err);
		return DEJA_EXIT_INTERNAL;
	}
	struct trace_run run;
	if (trace_get_run(t, &run) == TRACE_OK && !quiet) {
		fprintf(stderr, "deja: recorded %llu events, %llu preemptions -> %s\n",
			(unsigned long long)run.events, (unsigned long long)run.preemptions, path);
		fprintf(stderr, "deja: ");
		struct site_table sites;
		site_table_load(t, &sites);
		cli_report_outcome(stderr, t, &sites, &run);
		site_table_free(&sites);
		cli_coverage_warn(stderr, "record", res->dark_thread, res->dark_ns, res->ticks);
	}
	struct trace_escape *esc;
	size_t nesc;
	if (trace_get_escapes(t, &esc, &nesc) == TRACE_OK) {
		escapes_report_stderr(esc, nesc, "recorded");
		trace_escapes_free(esc, nesc);
	}
	trace_run_free(&run);
	trace_close(t);
	if (res->interrupted)
		return DEJA_EXIT_INTERRUPTED;
	return session_passed(res) ? DEJA_EXIT_OK : DEJA_EXIT_FAILED;
}

int cmd_record(int argc, char **argv)
{
	struct record_args a = { .strategy = "nonpreemptive", .max_steps = 10000000 };
	int r = parse(argc, argv, &a);
	if (r != 0)
		return r < 0 ? DEJA_EXIT_OK : r;
	if (check_strategy(a.strategy) != 0)
		return DEJA_EXIT_USAGE;
	struct deja_script_entry *script = NULL;
	uint64_t script_len = 0;
	char err[512] = "";
	if (a.script && script_file_read(a.script, &script, &script_len, err, sizeof(err)) != 0) {
		fprintf(stderr, "deja record: %s\n", err);
		return DEJA_EXIT_USAGE;
	}
	const char *runtime = cli_runtime_path();
	if (!runtime || (a.python_lines && cli_python_lines(runtime) != 0)) {
		free(script);
		return DEJA_EXIT_INTERNAL;
	}
	char *output = a.output ? strdup(a.output) : default_output(argv[optind]);
	if (!output) {
		fprintf(stderr, "deja record: cannot choose a trace file name\n");
		free(script);
		return DEJA_EXIT_INTERNAL;
	}
	struct record_options o = {
		.argv = argv + optind,
		.argc = argc - optind,
		.strategy = a.strategy,
		.seed = a.seed,
		.max_steps = a.max_steps,
		.wall_timeout = (unsigned)a.timeout,
		.run_index = 1,
		.real_time = a.real_time,
		.script = script,
		.script_len = script_len,
		.trace_path = output,
		.runtime_path = runtime,
		.deja_version = DEJA_VERSION,
	};
	struct session_result res;
	enum record_status st = record_run(&o, &res, err, sizeof(err));
	int code;
	switch (st) {
	case RECORD_OK:
		code = summarise(output, &res, a.quiet);
		break;
	default:
		fprintf(stderr, "deja record: %s\n", err);
		code = DEJA_EXIT_INTERNAL;
		break;
	}
	free(output);
	free(script);
	return code;
}
