/*
 * main.c: `deja`, the supervisor's command line: dispatch to subcommands.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
	"usage: deja COMMAND [OPTIONS]\n"
	"\n"
	"Deterministic record and replay of multithreaded programs.\n"
	"\n"
	"commands:\n"
	"  cflags   print the compiler flags that let deja preempt inside plain code\n"
	"  hunt     run a program under many controlled schedules until one fails\n"
	"  record   run a program under deja's scheduler and record it into a trace\n"
	"  replay   re-run a recorded program, following its trace exactly\n"
	"  show     print a trace: schedule, preemptions, outcome (--json for tools)\n"
	"  shrink   cut a failing run's schedule down to the preemptions it needs\n"
	"  bisect   name the pair of events whose order decides a failure\n"
	"\n"
	"options:\n"
	"  -h, --help     this text;  deja COMMAND --help for a command\n"
	"  --version      print the version\n"
	"\n"
	"exit codes:\n"
	"  0    record: the program exited 0;  replay: identical to the recording;\n"
	"       hunt: no run failed;  shrink: shrunk;  bisect: pair found\n"
	"  1    record: the run failed (non-zero exit, signal, deadlock, timeout);\n"
	"       hunt: a run failed and its trace was kept;\n"
	"       replay: the replay diverged from the recording;\n"
	"       shrink, bisect: the failure does not come back, nothing decides\n"
	"  2    usage error, or a trace that cannot be read\n"
	"  3    deja could not do its job (program not runnable, trace not writable)\n"
	"  130  interrupted (the trace is still complete up to that point)\n";

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage, stderr);
		return DEJA_EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
		fputs(usage, stdout);
		return DEJA_EXIT_OK;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
		printf("deja %s (trace version %d)\n", DEJA_VERSION, TRACE_VERSION);
		return DEJA_EXIT_OK;
	}
	if (strcmp(cmd, "record") == 0)
		return cmd_record(argc - 1, argv + 1);
	if (strcmp(cmd, "hunt") == 0)
		return cmd_hunt(argc - 1, argv + 1);
	if (strcmp(cmd, "replay") == 0)
		return cmd_replay(argc - 1, argv + 1);
	if (strcmp(cmd, "cflags") == 0)
		return cmd_cflags(argc - 1, argv + 1);
	if (strcmp(cmd, "show") == 0)
		return cmd_show(argc - 1, argv + 1);
	if (strcmp(cmd, "shrink") == 0)
		return cmd_shrink(argc - 1, argv + 1);
	if (strcmp(cmd, "bisect") == 0)
		return cmd_bisect(argc - 1, argv + 1);
	fprintf(stderr, "deja: unknown command '%s'\n\n%s", cmd, usage);
	return DEJA_EXIT_USAGE;
}
