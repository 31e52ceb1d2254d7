/*
 * cli.h: what the subcommands of `deja` share: exit codes, the runtime's
 * location, and the outcome report.
 */
#ifndef DEJA_CLI_H
#define DEJA_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "trace.h"

struct site_table;

#define DEJA_VERSION "0.1.0"

/* Exit codes of deja, documented in `deja --help` and docs/cli.md. */
enum deja_exit {
	DEJA_EXIT_OK = 0,          /* record: program exited 0; replay: identical */
	DEJA_EXIT_FAILED = 1,      /* record: the run failed; replay: divergence */
	DEJA_EXIT_USAGE = 2,       /* bad command line, or an unreadable trace */
	DEJA_EXIT_INTERNAL = 3,    /* deja could not do its job (launch, write) */
	DEJA_EXIT_INTERRUPTED = 130,
};

int cmd_record(int argc, char **argv);
int cmd_hunt(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_cflags(int argc, char **argv);
int cmd_shrink(int argc, char **argv);
int cmd_bisect(int argc, char **argv);

/* run_stdin.c: deja's stdin, when a pipe, a socket or a file, copied once
 * into BESIDE.stdin for every run of a hunt to read from its start
 * (*path: that file, to unlink at the end; NULL when stdin is left as it
 * is).  -1 if it cannot be kept. */
int cli_keep_stdin(const char *beside, char **path);
/* The recorded run's stdin was a file or a pipe (stdio_kinds, as in
 * trace_run) and this one's runs get none (fed: the file they read
 * instead, or NULL): a run that then passes may just lack its input. */
bool cli_stdin_missing(uint32_t stdio_kinds, const char *fed);

/* libdeja-runtime.so: $DEJA_RUNTIME, else ../lib/deja/ beside the deja
 * executable (the same relative place in the build tree and installed).
 * NULL with a message on stderr when it is missing. */
const char *cli_runtime_path(void);

/* --python-lines: put the runtime's python/ directory (sitecustomize.py,
 * ticks for CPython) first in PYTHONPATH, for the program deja starts and
 * everything it starts.  0, or -1 with a message on stderr. */
int cli_python_lines(const char *runtime_path);

/* Print the outcome of a trace's run, with the wait-for graph of a
 * deadlock, in the form every command uses. sites is the trace's site
 * table, loaded once by the caller. */
void cli_report_outcome(FILE *out, struct trace *t, const struct site_table *sites,
			const struct trace_run *run);
/* One event of the process as `deja show` lists it: number, thread (with
 * '*' when preempted), operation, call site, the Python line in brackets,
 * and "<1" / "<2" when it is one of a critical pair's (findings f). */
void cli_print_event(FILE *out, const struct site_table *sites, uint32_t process,
		     const struct deja_event *ev, const struct trace_finding *f, size_t nf);
/* A wait-for graph (process's): the heading, each thread's wait (with
 * its last Python line, read from t if not NULL) and a cycle if there is
 * one, each line after indent; nothing if n is 0. */
void cli_print_wait_graph(FILE *out, struct trace *t, uint32_t process,
			  const struct trace_wait *w, size_t n, const struct site_table *sites,
			  const char *heading, const char *indent);

/* ---- coverage.c: scheduling points per thread ---- */
/* A thread that ran this long (real time) between two events, passing no
 * tick, makes deja hunt warn. */
#define CLI_DARK_WARN_NS 100000000ull
/* program: the run's executable, which says what no ticks means (a C
 * program not built with deja cflags, CPython not run with
 * --python-lines). */
void cli_show_coverage(FILE *out, struct trace *t, const char *program);
/* The program is a Python interpreter (python3, python3.11, ...). */
bool cli_runs_cpython(const char *program);
/* ,"coverage":[...] for show --json. */
void cli_coverage_json(FILE *out, struct trace *t);
/* Warn that a thread ran dark_ns without a scheduling point, if that is
 * long, pointing at deja cflags; ticks: all the run's ticks.  Returns
 * whether it warned. */
bool cli_coverage_warn(FILE *out, const char *cmd, uint32_t thread, uint64_t dark_ns,
		       uint64_t ticks);

/* Signal number to "SIGABRT". */
const char *cli_signal_name(int sig);

/* Parse "[--NAME|-L] [-h] TRACE" for a command that takes one trace and
 * one on/off option (short letter L, 0 for none).  Returns the trace path,
 * or NULL with *code set: DEJA_EXIT_OK after --help, DEJA_EXIT_USAGE. */
const char *cli_one_trace(int argc, char **argv, const char *cmd, const char *usage,
			  const char *name, char letter, bool *flag, int *code);

/* Check a --strategy NAME[:PARAM] for a command; 0, or -1 after telling
 * the user which strategies the command takes. */
int cli_check_strategy(const char *cmd, const char *spec, const char *known);

/* Parse a non-negative decimal number; false if it is not one. */
bool cli_parse_u64(const char *s, unsigned long long *out);

/* The long name of getopt_long's option `c` in `opts` ("runs" for 'n'),
 * for a message about its value: argv[optind - 1] is the value itself
 * when it came as a word of its own (`-n -1`). */
struct option;
const char *cli_option_name(const struct option *opts, int c);

#endif /* DEJA_CLI_H */
