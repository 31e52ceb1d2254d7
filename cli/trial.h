/*
 * trial.h: one candidate run of a recorded program under a script, and
 * the failure it ends in, for `deja shrink` and `deja bisect`.
 *
 * A trial records the program (recorder/record.c) with the script
 * strategy into a scratch trace and reads back a failure signature: the
 * outcome kind, exit code or signal, the assertion message the program
 * printed, and for a deadlock the set of (operation, call site) in the
 * wait-for graph, whichever threads and objects they are.  Two runs "fail
 * the same way" when their signatures are equal.
 */
#ifndef DEJA_TRIAL_H
#define DEJA_TRIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol.h"

struct session;
struct tree_scripts;

/* What every trial of one investigation shares. */
struct trial_program {
	char *const *argv;
	int argc;
	char *const *envp; /* the recorded environment */
	uint64_t max_steps;
	unsigned wall_timeout; /* seconds per run */
	const char *runtime;
	const char *scratch;   /* the candidate's trace (absolute path) */
	const char *output;    /* the program's stdout and stderr (absolute path) */
	const char *stdin_from; /* the program's stdin (NULL: deja's own) */
	/* Else deja's stdin kept in a file (cli_keep_stdin), which every run,
	 * served ones too, reads from its start (NULL: deja's own). */
	const char *input_from;
	/* The recording's randomness and clocks, so that a candidate differs
	 * from it only in its schedule (a CPython run's hash seed comes from
	 * getrandom); 0: drawn anew. */
	uint64_t entropy_seed;
	int64_t realtime_start_ns, monotonic_start_ns;
	uint64_t runs;         /* trials so far */
	/* A run that exits 0 leaves no trace at scratch (its events are held
	 * in memory and dropped): most candidates of a shrink pass, and
	 * writing their thousands of events is what a CPython run's trial
	 * spent most of its supervisor time on.  Its result then has no
	 * preemption or switch counts. */
	bool discard_passing;
	/* Start runs from a fork server (runtime/server.c), as deja hunt
	 * does, instead of exec'ing the program for each: only while argv
	 * and stdin stay the same (the server's children inherit both).
	 * trial_end stops it. */
	bool serve;
	struct session *server;
	/* A script run varies this tree's focus process and runs the others
	 * as recorded (tree_scripts.h); NULL: the script is the top
	 * process's, and children run under the default. */
	const struct tree_scripts *tree;
	/* Sees every event of every run as it is drained (NULL: nobody). */
	void (*observe)(void *ctx, const struct deja_event *ev);
	void *observe_ctx;
};

struct failure_sig {
	enum deja_outcome_kind kind;
	int exit_code;
	int signal;
	char detail[1024]; /* assertion message, or the deadlock's wait set */
	/* A deadlock's wait set without thread numbers and object addresses:
	 * what failure_same compares (deadlock_sig.h says why). */
	char key[1024];
};

struct trial_result {
	struct failure_sig sig;
	uint64_t events, preemptions, switches; /* the focus process's (tree), else the run's */
	bool traced; /* the run's trace is at scratch */
};

enum trial_status {
	TRIAL_OK = 0,
	TRIAL_ERR_RUN,         /* the program could not be run */
	TRIAL_ERR_TRACE,       /* the scratch trace cannot be read back */
	TRIAL_ERR_INTERRUPTED, /* deja got SIGINT or SIGTERM */
};

/* Run the program under the script; the trace is left at p->scratch. */
enum trial_status trial_run(struct trial_program *p, const struct deja_script_entry *script,
			    uint64_t n, struct trial_result *r, char *err, size_t errlen);
/* The same under another strategy (NAME[:PARAM]) and seed. */
enum trial_status trial_run_strategy(struct trial_program *p, const char *strategy,
				     uint64_t seed, const struct deja_script_entry *script,
				     uint64_t n, struct trial_result *r, char *err, size_t errlen);

/* Stop the fork server, if one was started; the next run execs again. */
void trial_end_server(struct trial_program *p);

bool failure_same(const struct failure_sig *a, const struct failure_sig *b);
/* Anything but exit 0. */
bool failure_failed(const struct failure_sig *s);
/* "signal 6 (SIGABRT): prog: x.c:3: f: Assertion `...' failed." */
void failure_describe(const struct failure_sig *s, char *buf, size_t len);

/* PATH made absolute against the current directory (malloc'd; NULL when
 * out of memory): trials run in the recorded directory. */
char *trial_absolute(const char *path);

struct trace_run;
/* The recorded executable is still there, byte for byte. */
bool trial_same_executable(const struct trace_run *run);

#endif /* DEJA_TRIAL_H */
