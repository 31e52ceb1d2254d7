/*
 * cmd_cflags.c: `deja cflags`: the compiler flags that give a program
 * ticks, scheduling points inside plain code (runtime/ticks.c).
 *
 * -fsanitize-coverage=trace-pc (gcc and clang) makes every basic block call
 * __sanitizer_cov_trace_pc; -include of deja-ticks.h, installed beside the
 * runtime, defines that function as a countdown of the program's own that
 * calls into the runtime only when it reaches zero (and only if the runtime
 * is there), so the program needs no extra library and still runs normally
 * outside deja.
 * The same flags serve compiling and linking.  --stores adds clang's
 * trace-stores (a tick before every store; deja-ticks.h defines the hooks
 * when compiled by clang).
 */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char usage[] =
	"usage: deja cflags [--stores]\n"
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
	"The program still runs normally without deja.  gcc or clang, x86-64.\n"
	"\n"
	"options:\n"
	"  --stores     clang only: a tick before every store as well, so that a\n"
	"               load and a store in one basic block (counter++ at -O0,\n"
	"               a pointer stored before the object is filled in) can be\n"
	"               split; more ticks, so slower\n"
	"  -h, --help   this text\n";

int cmd_cflags(int argc, char **argv)
{
	if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		fputs(usage, stdout);
		return DEJA_EXIT_OK;
	}
	bool stores = argc > 1 && strcmp(argv[1], "--stores") == 0;
	if (argc > (stores ? 2 : 1)) {
		fprintf(stderr, "deja cflags: unexpected argument '%s'\n\n%s", argv[stores ? 2 : 1],
			usage);
		return DEJA_EXIT_USAGE;
	}
	const char *runtime = cli_runtime_path();
	if (!runtime)
		return DEJA_EXIT_INTERNAL;
	/* deja-ticks.h lies beside the runtime, installed or in the build tree. */
	const char *slash = strrchr(runtime, '/');
	int dir_len = slash ? (int)(slash - runtime) : 1;
	char header[PATH_MAX + 64];
	snprintf(header, sizeof(header), "%.*s/deja-ticks.h", dir_len, slash ? runtime : ".");
	char real[PATH_MAX]; /* absolute: builds run in other directories */
	if (access(header, R_OK) != 0 || !realpath(header, real)) {
		fprintf(stderr, "deja cflags: %s is missing beside the runtime\n", header);
		return DEJA_EXIT_INTERNAL;
	}
	if (strchr(real, ' ')) /* $(deja cflags) would split it */
		fprintf(stderr, "deja cflags: warning: the path %s has a space in it\n", real);
	printf("-fsanitize-coverage=trace-pc%s -include %s\n", stores ? ",trace-stores" : "", real);
	return DEJA_EXIT_OK;
}
