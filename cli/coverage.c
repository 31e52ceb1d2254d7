/*
 * coverage.c: how well a run was covered by scheduling points, as `deja
 * show` prints it and `deja hunt` warns about it.
 *
 * deja can switch threads only at scheduling points: synchronisation calls,
 * syscalls, and, in a program built with `deja cflags`, ticks (basic
 * blocks, runtime/ticks.c).  Each thread's row in the trace says how many
 * events and ticks it passed, the most ticks between two of its events,
 * and the longest real time it ran between two events without passing a
 * tick: code in which no race can be explored.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

void cli_show_coverage(FILE *out, struct trace *t, const char *program)
{
	const char *no_ticks = cli_runs_cpython(program) ? "   no ticks (not run with --python-lines)"
							 : "   no ticks (not built with deja cflags)";
	struct trace_thread *th;
	size_t n = 0;
	if (trace_get_threads(t, &th, &n) != TRACE_OK)
		return;
	fprintf(out, "scheduling points per thread:\n");
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "  T%-4u %8" PRIu64 " events", th[i].id, th[i].events);
		if (th[i].ticks)
			fprintf(out, " %10" PRIu64 " ticks, at most %" PRIu64 " ticks between events",
				th[i].ticks, th[i].longest_ticks);
		else
			fputs(no_ticks, out);
		fprintf(out, "; longest run without either: %.1f ms",
			(double)th[i].longest_dark_ns / 1e6);
		if (th[i].stopped_tick != DEJA_NO_TICK)
			fprintf(out, "; stood at tick %" PRIu64 " at the end", th[i].stopped_tick);
		fputc('\n', out);
	}
	free(th);
}

void cli_coverage_json(FILE *out, struct trace *t)
{
	struct trace_thread *th;
	size_t n = 0;
	fprintf(out, ",\"coverage\":[");
	if (trace_get_threads(t, &th, &n) == TRACE_OK) {
		for (size_t i = 0; i < n; i++) {
			fprintf(out,
				"%s{\"thread\":%u,\"events\":%" PRIu64 ",\"ticks\":%" PRIu64
				",\"longest_ticks\":%" PRIu64 ",\"longest_dark_ns\":%" PRIu64
				",\"stopped_tick\":",
				i ? "," : "", th[i].id, th[i].events, th[i].ticks,
				th[i].longest_ticks, th[i].longest_dark_ns);
			if (th[i].stopped_tick != DEJA_NO_TICK)
				fprintf(out, "%" PRIu64 "}", th[i].stopped_tick);
			else
				fprintf(out, "null}");
		}
		free(th);
	}
	fprintf(out, "]");
}

bool cli_coverage_warn(FILE *out, const char *cmd, uint32_t thread, uint64_t dark_ns,
		       uint64_t ticks)
{
	if (dark_ns < CLI_DARK_WARN_NS || thread == DEJA_NO_THREAD)
		return false;
	fprintf(out,
		"deja %s: warning: thread %u ran %.0f ms without a scheduling point; deja"
		" cannot switch threads inside such code, so races on plain memory there go"
		" unexplored.\n",
		cmd, thread, (double)dark_ns / 1e6);
	if (ticks)
		fprintf(out, "deja %s: the program has ticks, so that code was not instrumented"
			     " (a library, or libc): build it with $(deja cflags) too.\n", cmd);
	else
		fprintf(out, "deja %s: build the program with $(deja cflags) (see deja cflags"
			     " --help) to give deja scheduling points inside plain code.\n", cmd);
	return true;
}
