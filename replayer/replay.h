/*
 * replay.h: re-run a recorded program, following its recorded schedule,
 * and check that every event and the outcome come out the same.
 */
#ifndef DEJA_REPLAY_H
#define DEJA_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "session.h"
#include "trace.h"

enum replay_status {
	REPLAY_IDENTICAL = 0,
	REPLAY_DIVERGED,
	REPLAY_ERR_TRACE,   /* unreadable trace */
	REPLAY_ERR_EXE,     /* the executable changed or is gone */
	REPLAY_ERR_PROGRAM, /* cannot start it */
	REPLAY_ERR_USAGE,   /* an option the trace cannot serve (--gdb past its events) */
};

/* What a replay may do besides replaying (NULL: nothing). */
struct debug_gdb;

#define REPLAY_GDB_LAST UINT64_MAX

struct replay_options {
	/* Stop before event gdb_event of process gdb_process (0: the top
	 * one) and attach gdb (debug_stop.h), when gdb is set: the
	 * debugger's executable. */
	const char *gdb;
	uint64_t gdb_event;       /* REPLAY_GDB_LAST: the process's last event */
	uint32_t gdb_process;
	const char *gdb_commands; /* run this file of gdb commands, then quit; NULL: a session */
	struct debug_gdb *gdb_run; /* the gdb, kept across the runs it starts again (debug_stop.h) */
};

struct replay_report {
	struct trace_run recorded;
	struct session_result res;
	uint64_t recorded_events;
	uint64_t divergence_seq;  /* first event that differs */
	char divergence[2048];    /* expected vs got (512 bytes each), what differs, a hint */
	struct escape_log escapes; /* syscalls that escaped the runtime in the replay */
	bool gdb_stopped;          /* --gdb: the replay stopped at the event */
	bool gdb_attached;         /* and gdb attached to it there */
	uint64_t gdb_restart;      /* 1 + the event gdb asked a new run to stop before; 0: none */
	uint64_t gdb_event;        /* the event --gdb stopped before (--gdb last: which it is) */
};

enum replay_status replay_run(const char *trace_path, const char *runtime_path,
			      const struct replay_options *opt, struct replay_report *rep,
			      char *err, size_t errlen);
void replay_report_free(struct replay_report *rep);

#endif /* DEJA_REPLAY_H */
