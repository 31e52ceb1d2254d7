/*
 * cmd_cflags.c: `deja cflags`: the compiler flags that give a program
 * ticks, scheduling points inside plain code (runtime/ticks.c).
 *
 * -fsanitize-coverage=trace-pc (gcc and clang) makes every basic block call
 * __sanitizer_cov_trace_pc; -include of deja-ticks.h, installed beside the
 * runtime, defines that function as a forwarder to the runtime, so the
 * program needs no extra library and still runs normally outside deja.
 * The same flags serve compiling and linking.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char usage[] =
	"usage: deja cflags\n"
	"\n"
	"Print the compiler flags that instrument a C or C++ program for deja:\n"
	"every basic block becomes a tick, a point where deja's strategies may\n"
	"preempt the thread, so that races on plain memory (counter++, a pointer\n"
	"read before it is initialised) can be found and replayed.  Use them for\n"
	"compiling and linking, e.g.\n"
	"\n"
	"  cc $(deja cflags) -O2 -pthread prog.c -o prog\n"
	"  make CFLAGS=\"$(deja cflags) -O2\"\n"
	"  cmake -DCMAKE_C_FLAGS=\"$(deja cflags)\" ...\n"
	"  ./configure CFLAGS=\"$(deja cflags) -O2\"\n"
	"\n"
	"The program still runs normally without deja.  gcc or clang, x86-64.\n";

int cmd_cflags(int argc, char **argv)
{
	if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		fputs(usage, stdout);
		return DEJA_EXIT_OK;
	}
	if (argc > 1) {
		fprintf(stderr, "deja cflags: unexpected argument '%s'\n\n%s", argv[1], usage);
		return DEJA_EXIT_USAGE;
	}
	const char *runtime = cli_runtime_path();
	if (!runtime)
		return DEJA_EXIT_INTERNAL;
	char header[PATH_MAX + 64];
	snprintf(header, sizeof(header), "%s", runtime);
	char *slash = strrchr(header, '/');
	snprintf(slash ? slash + 1 : header, sizeof(header) - (size_t)(slash ? slash + 1 - header : 0),
		 "deja-ticks.h");
	if (access(header, R_OK) != 0) {
		fprintf(stderr, "deja cflags: %s is missing beside the runtime\n", header);
		return DEJA_EXIT_INTERNAL;
	}
	if (strchr(header, ' ')) /* $(deja cflags) would split it */
		fprintf(stderr, "deja cflags: warning: the path %s has a space in it\n", header);
	printf("-fsanitize-coverage=trace-pc -include %s\n", header);
	return DEJA_EXIT_OK;
}
