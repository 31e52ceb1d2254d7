/*
 * cmd_replay.c: `deja replay [OPTIONS] TRACE`.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "escapes_report.h"
#include "replay.h"

static const char usage[] =
	"usage: deja replay [OPTIONS] TRACE\n"
	"\n"
	"Re-run the program recorded in TRACE, following its recorded schedule,\n"
	"and check that every event and the outcome are the same.  The program's\n"
	"own output is shown as it runs.\n"
	"\n"
	"options:\n"
	"  -q, --quiet   print nothing but a divergence or an error\n"
	"  -h, --help    this text\n"
	"\n"
	"exit codes: 0 identical; 1 diverged (the first differing event is named);\n"
	"2 usage error, unreadable trace, or an executable that differs from the\n"
	"recorded one; 3 the program could not be started; 130 interrupted.\n";

int cmd_replay(int argc, char **argv)
{
	bool quiet;
	int code;
	const char *path = cli_one_trace(argc, argv, "replay", usage, "quiet", 'q', &quiet, &code);
	if (!path)
		return code;
	const char *runtime = cli_runtime_path();
	if (!runtime)
		return DEJA_EXIT_INTERNAL;
	struct replay_report rep;
	char err[1024] = "";
	enum replay_status st = replay_run(path, runtime, &rep, err, sizeof(err));
	switch (st) {
	case REPLAY_IDENTICAL:
		if (!quiet)
			fprintf(stderr, "deja: replay identical: %llu events, outcome %s\n",
				(unsigned long long)rep.recorded_events, rep.recorded.outcome);
		code = rep.res.interrupted ? DEJA_EXIT_INTERRUPTED : DEJA_EXIT_OK;
		break;
	case REPLAY_DIVERGED:
		fprintf(stderr, "deja: replay diverged: %s\n", rep.divergence);
		code = rep.res.interrupted ? DEJA_EXIT_INTERRUPTED : DEJA_EXIT_FAILED;
		break;
	case REPLAY_ERR_TRACE:
		fprintf(stderr, "deja replay: %s: %s\n", path, err);
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
	return code;
}
