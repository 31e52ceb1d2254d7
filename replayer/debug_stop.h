/*
 * debug_stop.h: a replay that stops before one event of one process (the
 * top one, or a forked child) and hands the program to gdb there (deja
 * replay --gdb EVENT [--gdb-process P]).
 *
 * The runtime makes the stop (runtime/debug_stop.c: the thread that is
 * to make the event waits in deja_stopped_at_event, every other thread
 * waits for the baton); this side watches that process's channel for it
 * from a thread of its own, while the session goes on draining events, then
 * attaches gdb to the stopped process with commands that pass deja's own
 * signals through and select the stopped thread and the program's frame
 * that makes the event, and lets the runtime go on once gdb has exited.
 *
 * gdb outlives a run: `deja-goto N` to an event made already kills the
 * stopped process and asks for the replay again, stopping before N; the
 * next run's watch hands its stop to the same gdb, which attaches to it
 * (struct debug_gdb, through files in a directory of its own).
 */
#ifndef DEJA_DEBUG_STOP_H
#define DEJA_DEBUG_STOP_H

#include <stdbool.h>
#include <stddef.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "protocol.h"

/* The gdb of a replay, which lives across the runs its `deja-goto` to an
 * earlier event starts: the caller keeps it, zeroed at first, for every
 * run, and ends it with debug_gdb_end. */
struct debug_gdb {
	pid_t pid;     /* gdb, running (0: not started, or exited) */
	char dir[256]; /* its files: gdb's commands, the restart asked, the stop handed over */
	struct sigaction int_before; /* deja's SIGINT, ignored while gdb runs */
	bool quiet;    /* the restart asked for says nothing of its stop */
};

struct debug_stop_request {
	uint32_t process;         /* the process (0: the top one) */
	uint64_t event;           /* its event to stop before */
	const char *gdb;          /* the debugger's executable */
	const char *commands;     /* a file of gdb commands to run, then quit; NULL: a session */
	const char *runtime_path; /* libdeja-runtime.so: its frames are not the program's */
	const char *what;         /* the recorded event, for people */
	struct debug_gdb *gdb_run; /* the gdb that runs across restarts */
	/* Called, from the watch's thread, when gdb asks for a restart:
	 * the run is to end now, its whole tree with it. */
	void (*restarting)(void *ctx);
	void *restarting_ctx;
};

struct debug_stop;

/* Start the thread that waits for the stop; NULL with err filled if it
 * cannot be started.  It watches nothing until it is given the channel. */
struct debug_stop *debug_stop_start(const struct debug_stop_request *rq, char *err,
				    size_t errlen);
/* The process's channel, mapped for as long as the watch lasts (the top
 * process's: the session's). */
void debug_stop_watch(struct debug_stop *ds, struct deja_shared *sh);
/* The process's channel as a descriptor of size bytes (a child's, which
 * the session unmaps when the child ends): mapped here, for the watch. */
void debug_stop_watch_fd(struct debug_stop *ds, int fd, uint64_t size);
enum debug_stop_result {
	DEBUG_STOP_NONE,       /* the replay did not come to the event */
	DEBUG_STOP_ATTACHED,   /* it stopped there and gdb attached */
	DEBUG_STOP_UNATTACHED, /* it stopped there, but gdb exited without attaching */
};

/* The run is over: wait for gdb to exit, or to ask for a restart, if it
 * runs; stop watching, free.  Returns whether the replay stopped at the
 * event, and gdb attached; *restart is the event gdb asked to stop before
 * in a new run (`deja-goto` to an earlier one), else 0 (1 + the event). */
enum debug_stop_result debug_stop_end(struct debug_stop *ds, uint64_t *restart);
/* The replay is over: a gdb still waiting for a restarted run's stop is
 * told that the run ended before it, and waited for; its files go. */
void debug_gdb_end(struct debug_gdb *g);

/* The commands gdb runs on attaching: let the runtime's signals through
 * (its syscall trap's SIGSYS, its rdtsc faults' SIGSEGV), select the
 * thread with kernel id tid and, in it, the frame whose resume address
 * is site (the event's call site; 0: the stop function's own frame), else
 * the newest frame outside the runtime (runtime: the runtime library's
 * file name), and show it; and stop gdb, after a `continue`, at a crash by
 * SIGSEGV and where the runtime ends the run; and define deja's commands,
 * whose restarts go through the files in dir.  Written to f; -1 on a
 * write error. */
int debug_stop_write_commands(FILE *f, int32_t tid, uint64_t site, const char *runtime,
			      const char *dir);

#endif /* DEJA_DEBUG_STOP_H */
