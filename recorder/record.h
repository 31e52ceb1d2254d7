/*
 * record.h: record one run of a program into a new trace file.
 */
#ifndef DEJA_RECORD_H
#define DEJA_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "session.h"

/* A recorded child process's switches: the child of `parent` (a recorded
 * process; 0: the top one) at `fork_index` follows them as a script. */
struct process_script {
	uint32_t process, parent, fork_index;
	const struct deja_script_entry *script;
	uint64_t len;
};

struct record_options {
	char *const *argv;
	char *const *envp;        /* the environment: NULL for deja's own */
	int argc;
	const char *strategy;     /* NAME[:PARAM], or "parallel" */
	bool real_time;           /* --time real */
	/* The randomness and the clocks' readings at virtual time 0 of an
	 * earlier run, to make a run differ from it only in its schedule
	 * (shrink, bisect); 0: drawn and read anew. */
	uint64_t entropy_seed;
	int64_t realtime_start_ns, monotonic_start_ns;
	uint64_t seed;
	uint64_t max_steps;
	unsigned wall_timeout;    /* seconds of real time; 0: none */
	uint64_t run_index;       /* 1 for a single record */
	uint64_t pct_steps;       /* pct: expected events in a run (0: default) */
	uint64_t child_pct_steps; /* pct: expected events of a forked child (0: default) */
	const uint32_t *surw_events; /* surw: events per thread (DEJA_MAX_THREADS) in an earlier run, or NULL */
	const struct deja_script_entry *script; /* strategy script: its switches */
	uint64_t script_len;
	/* Shrink and bisect: the switches each forked child follows, by the
	 * recorded process it is (its parent's and its fork index). */
	const struct process_script *child_scripts;
	size_t nchild_scripts;
	uint64_t expected_ticks;  /* ticks a run passes, if known (0: not) */
	const char *output_to;    /* hunt: the program's stdout and stderr go to this file */
	const char *input_from;   /* hunt: the program's stdin is this file (NULL: deja's) */
	bool discard_passing;     /* hunt: a run that exits 0 leaves no trace (its
	                             events are held in memory until it is kept) */
	/* hunt: run from a fork server kept in *server (started by the first
	 * run, freed by the caller with session_free); NULL: exec each run. */
	struct session **server;
	/* hunt: sees every event as it is drained (ipb learns the choices
	 * of a run this way, whether or not its trace is kept); may be NULL. */
	void (*observe)(void *ctx, const struct deja_event *ev);
	void *observe_ctx;
	const char *trace_path;   /* replaced once the program is known to run */
	const char *runtime_path;
	const char *deja_version;
};

enum record_status {
	RECORD_OK = 0,
	RECORD_ERR_PROGRAM,  /* the program cannot be found or run */
	RECORD_ERR_SESSION,  /* no shared channel (memory, memfd), or a bad strategy */
	RECORD_ERR_TRACE,    /* the trace cannot be written */
};

/* Remove a trace and any of SQLite's side files (-wal, -shm, -journal). */
void record_remove_trace(const char *path);
/* The message for an output file that trace_may_replace refuses. */
void explain_not_replaced(const char *path, char *err, size_t errlen);

enum record_status record_run(const struct record_options *o, struct session_result *res,
			      char *err, size_t errlen);

#endif /* DEJA_RECORD_H */
