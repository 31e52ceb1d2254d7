/*
 * cmd_replay.c: `deja replay [OPTIONS] TRACE`.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "debug_stop.h"
#include "escapes_report.h"
#include "replay.h"
#include "session.h"

static const char usage[] =
	"usage: deja replay [OPTIONS] TRACE\n"
	"\n"
	"Re-run the program recorded in TRACE, following its recorded schedule,\n"
	"and check that every event and the outcome are the same.  The program's\n"
	"own output is shown as it runs.\n"
	"\n"
	"options:\n"
	"  -q, --quiet   print nothing but a divergence or an error\n"
	"  --gdb EVENT   stop before event EVENT (the number `deja show` prints in\n"
	"                its first column; the top process's events; `last`: the\n"
	"                last one, where a failing run ends) and attach\n"
	"                gdb (from PATH) there: the thread that makes the event\n"
	"                stands just before it, in the program's frame that makes\n"
	"                it, the other threads wait for deja's scheduler;\n"
	"                `continue` (or quitting gdb) finishes the replay;\n"
	"                in gdb, `deja-goto N` goes to event N (back to an\n"
	"                earlier one by starting the replay again), `deja-when`\n"
	"                names the next event, `deja-finish` makes it,\n"
	"                `deja-last-change EXPR` goes back to EXPR's last change,\n"
	"                `deja-reverse-continue` to the last breakpoint stop\n"
	"  --gdb-process P  with --gdb: EVENT is one of forked process P's events\n"
	"                (`deja show` lists each process's own, numbered from 0)\n"
	"  --gdb-command FILE  with --gdb: gdb runs the commands in FILE, then\n"
	"                quits (for scripts and tests), instead of a session\n"
	"  -h, --help    this text\n"
	"\n"
	"exit codes: 0 identical; 1 diverged (the first differing event is named);\n"
	"2 usage error (an EVENT the trace does not have), unreadable trace, or an\n"
	"executable that differs from the recorded one; 3 the program could not be\n"
	"started, or --gdb found no gdb, or gdb did not attach; 130 interrupted.\n";

struct replay_args {
	const char *path;
	bool quiet;
	bool gdb;
	unsigned long long event;
	unsigned long long process;
	bool process_given;
	const char *gdb_commands;
};

/* Parse the command line; 0, or -1 with *code set (after --help, or a
 * usage error). */
static int parse_args(int argc, char **argv, struct replay_args *a, int *code)
{
	enum { OPT_GDB = 256, OPT_GDB_COMMAND, OPT_GDB_PROCESS };
	const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "gdb", required_argument, NULL, OPT_GDB },
		{ "gdb-command", required_argument, NULL, OPT_GDB_COMMAND },
		{ "gdb-process", required_argument, NULL, OPT_GDB_PROCESS },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	*a = (struct replay_args){ 0 };
	*code = DEJA_EXIT_USAGE;
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "+qh", opts, NULL)) != -1) {
		if (c == 'q') {
			a->quiet = true;
		} else if (c == OPT_GDB) {
			a->gdb = true;
			if (strcmp(optarg, "last") == 0) {
				a->event = REPLAY_GDB_LAST;
			} else if (!cli_parse_u64(optarg, &a->event) || a->event == REPLAY_GDB_LAST) {
				fprintf(stderr, "deja replay: --gdb takes an event number or 'last',"
					" not '%s'\n", optarg);
				return -1;
			}
		} else if (c == OPT_GDB_PROCESS) {
			a->process_given = true;
			if (!cli_parse_u64(optarg, &a->process) || a->process >= UINT32_MAX) {
				fprintf(stderr, "deja replay: --gdb-process takes a process number,"
					" not '%s'\n", optarg);
				return -1;
			}
		} else if (c == OPT_GDB_COMMAND) {
			a->gdb_commands = optarg;
		} else if (c == 'h') {
			fputs(usage, stdout);
			*code = DEJA_EXIT_OK;
			return -1;
		} else {
			fputs(usage, stderr);
			return -1;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "deja replay: give exactly one trace\n\n%s", usage);
		return -1;
	}
	a->path = argv[optind];
	if ((a->gdb_commands || a->process_given) && !a->gdb) {
		fprintf(stderr, "deja replay: --gdb-command and --gdb-process go with --gdb EVENT\n");
		return -1;
	}
	if (a->gdb_commands && access(a->gdb_commands, R_OK) != 0) {
		fprintf(stderr, "deja replay: --gdb-command %s cannot be read\n", a->gdb_commands);
		return -1;
	}
	return 0;
}

int cmd_replay(int argc, char **argv)
{
	struct replay_args a;
	int code;
	if (parse_args(argc, argv, &a, &code) != 0)
		return code;
	const char *path = a.path;
	bool quiet = a.quiet;
	const char *runtime = cli_runtime_path();
	if (!runtime)
		return DEJA_EXIT_INTERNAL;
	struct replay_options opt = { .gdb_event = a.event, .gdb_process = (uint32_t)a.process,
				      .gdb_commands = a.gdb_commands };
	char *gdb = NULL;
	if (a.gdb && !(opt.gdb = gdb = session_find_program("gdb"))) {
		fprintf(stderr, "deja replay: --gdb needs gdb, and there is none on PATH\n");
		return DEJA_EXIT_INTERNAL;
	}
	struct replay_report rep;
	char err[1024] = "";
	struct debug_gdb gdb_run = { 0 };
	opt.gdb_run = &gdb_run;
	enum replay_status st = replay_run(path, runtime, &opt, &rep, err, sizeof(err));
	/* gdb's `deja-goto` to an event made already: it killed the run,
	 * which is no verdict, and waits for a new one's stop there. */
	while (rep.gdb_restart && gdb_run.pid > 0) {
		opt.gdb_event = rep.gdb_restart - 1;
		replay_report_free(&rep);
		st = replay_run(path, runtime, &opt, &rep, err, sizeof(err));
	}
	free(gdb);
	if (a.gdb && !rep.gdb_stopped && (st == REPLAY_IDENTICAL || st == REPLAY_DIVERGED))
		fprintf(stderr, "deja: the replay ended before event %llu: %s\n",
			(unsigned long long)rep.gdb_event,
			opt.gdb_event == a.event ? "gdb was not started"
						 : "the run gdb's deja-goto started did not stop there");
	switch (st) {
	case REPLAY_IDENTICAL:
		if (!quiet)
			fprintf(stderr, "deja: replay identical: %llu events, outcome %s\n",
				(unsigned long long)rep.recorded_events, rep.recorded.outcome);
		code = rep.res.interrupted ? DEJA_EXIT_INTERRUPTED : DEJA_EXIT_OK;
		if (code == DEJA_EXIT_OK && rep.gdb_stopped && !rep.gdb_attached)
			code = DEJA_EXIT_INTERNAL; /* identical, but the debugging asked for did not happen */
		break;
	case REPLAY_DIVERGED:
		/* Interrupted (SIGINT, SIGTERM), deja ended the replay: it
		 * stopped short of the recording's end but did not differ. */
		if (rep.res.interrupted && rep.res.kind != DEJA_OUTCOME_DIVERGENCE)
			fprintf(stderr,
				"deja: replay interrupted at event %llu of the %llu recorded events,"
				" identical up to there\n",
				(unsigned long long)rep.divergence_seq,
				(unsigned long long)rep.recorded_events);
		else
			fprintf(stderr, "deja: replay diverged: %s\n", rep.divergence);
		code = rep.res.interrupted ? DEJA_EXIT_INTERRUPTED : DEJA_EXIT_FAILED;
		break;
	case REPLAY_ERR_TRACE:
		fprintf(stderr, "deja replay: %s: %s\n", path, err);
		code = DEJA_EXIT_USAGE;
		break;
	case REPLAY_ERR_USAGE:
		fprintf(stderr, "deja replay: %s\n", err);
		code = DEJA_EXIT_USAGE;
		break;
	case REPLAY_ERR_EXE:
		fprintf(stderr, "deja replay: refusing to replay: %s\n", err);
		code = DEJA_EXIT_USAGE;
		break;
	default:
		fprintf(stderr, "deja replay: %s\n", err);
		code = DEJA_EXIT_INTERNAL;
		break;
	}
	struct trace_escape *esc;
	size_t nesc;
	if (escapes_from_log(&rep.escapes, &esc, &nesc) == 0) {
		escapes_report_stderr(esc, nesc, "replayed");
		trace_escapes_free(esc, nesc);
	}
	replay_report_free(&rep);
	/* Said first, so that a gdb whose deja-goto the replay ended
	 * before can be told why: it is waited for here. */
	debug_gdb_end(&gdb_run);
	return code;
}
