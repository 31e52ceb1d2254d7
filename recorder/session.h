/*
 * session.h: one controlled execution of the target.
 *
 * A session creates the shared channel (a memfd holding struct
 * deja_shared), sets up the scheduler model and strategy in it, starts the
 * target with the runtime preloaded and address-space randomisation off,
 * streams every event to a sink as it arrives (and every forked child's
 * to the process hooks, processes.h), and works out the outcome:
 * the runtime's verdict (deadlock, timeout, divergence) when it gave one,
 * otherwise the exit status.  Record and replay are both sessions; they
 * differ in the strategy and in what their sink does with the events, and
 * a replay starts the target before it lays out the channel
 * (session_start), so that its process starts while the trace is read.
 */
#ifndef DEJA_SESSION_H
#define DEJA_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "escape_log.h"
#include "processes.h"
#include "protocol.h"
#include "ring.h"

struct session_config {
	char *const *argv;        /* argv[0] as the user gave it */
	char *const *envp;        /* the environment: NULL for deja's own */
	const char *exe_path;     /* resolved executable */
	const char *runtime_path; /* libdeja-runtime.so */
	const char *cwd;          /* directory to run in; NULL: deja's own */
	const char *strategy;     /* NAME[:PARAM] */
	bool parallel;            /* run threads in parallel between operations */
	bool real_time;           /* the clocks read the real time (--time real) */
	const uint64_t *vtimes;   /* replay of real time: each event's clock */
	uint64_t vtimes_len;
	bool fork_server;         /* start the target once and fork each run from
	                             it (server.c in the runtime); see session_next_run */
	const char *output_to;    /* the target's stdout and stderr go to this file */
	const char *input_from;   /* the target's stdin is this file (NULL: deja's) */
	uint64_t seed;
	uint64_t max_steps;
	unsigned wall_timeout;    /* seconds; 0: none.  Past it the run ends as timeout */
	uint64_t pct_steps;       /* pct: expected events in a run (0: its default) */
	uint64_t child_pct_steps; /* pct: expected events of a forked child (0: its default) */
	const uint32_t *surw_events; /* surw: events per thread in an earlier run, or NULL */
	uint64_t expected_ticks;  /* ticks a run passes, if known (0: not) */
	const uint32_t *schedule; /* replay: thread of each event */
	const uint64_t *ticks;    /* replay: per event, its thread's next tick or interrupt stop */
	const struct deja_interrupt_stop *interrupts; /* replay: the interrupt stops */
	uint64_t ninterrupts;
	uint64_t schedule_len;
	/* Strategy script: the switches to make, any order (sorted here). */
	const struct deja_script_entry *script;
	uint64_t script_len;
	/* Replay: the clock readings at virtual time 0 the recording had.
	 * Record: leave 0 and the real clocks are read at launch. */
	int64_t realtime_start_ns;
	int64_t monotonic_start_ns;
	uint64_t entropy_seed; /* replay: the recorded one; record: drawn anew unless given */
	/* Replay: the kinds of descriptors 0-2 the recording started with
	 * (deja_shared.stdio_kinds); a recording's runtime finds its own. */
	uint32_t stdio_kinds;
	/* Replay: the ids the recording saw (0: unknown), and its threads'
	 * ids by model thread. */
	int32_t replay_pid, replay_ppid;
	int32_t replay_end_signal; /* the signal the recorded run died of (0: none) */
	int32_t replay_end_deadlock; /* the recorded run ended in a deadlock */
	/* The signal to send the top process once it has replayed all
	 * schedule_len events (0: none): its recording was ended there by one
	 * no runtime sees (SIGKILL), which a process spinning without calls
	 * would never meet at a call of its own (processes.c, the same for
	 * children). */
	int32_t replay_kill_at_end;
	const int32_t *replay_tids;
	uint32_t replay_nthreads;
	/* Replay: what the recorded input syscalls gave. */
	const struct deja_feed *feed;
	uint64_t feed_count;
	const uint8_t *feed_bytes;
	uint64_t feed_bytes_len;
	/* Not 0: the feed's bytes (feed_bytes NULL, feed_bytes_len of them)
	 * stream in through a ring of this size while the program runs, put
	 * there by whatever `starting` sets going (feed_stream.h). */
	uint64_t feed_ring_size;
	/* Replay under a debugger: the event before which its thread stops,
	 * plus one (0: none; protocol.h, debug_stop_event). */
	uint64_t debug_stop_event;
	/* Called with the channel, all laid out, right before the program is
	 * started, or, started early (session_start), let go: the feed's ring
	 * fills meanwhile. */
	void (*starting)(void *ctx, struct deja_shared *sh);
	void *starting_ctx;
	/* Called in deja right after it forked the program's process (or the
	 * fork server's), before it waits for the exec.  deja forks nothing
	 * else while the run goes on, so a thread started here is never in a
	 * forked child (where it could hold a lock the child needs: ASan's
	 * allocator's, e2e.asan). */
	void (*forked)(void *ctx);
	void *forked_ctx;
	/* Replay: the pids the top process's children had, by fork index. */
	const int32_t *child_pids;
	uint32_t nchild_pids;
	/* Forked children are followed, their events handed to these hooks
	 * (processes.h); NULL: children run unscheduled. */
	const struct process_hooks *processes;
};

/* The top process's events (ring.h). */
typedef ring_sink session_sink;

struct session_result {
	enum deja_outcome_kind kind;
	int exit_code;   /* -1 unless kind is EXIT */
	int signal;      /* 0 unless kind is SIGNAL */
	uint32_t thread; /* thread the runtime blamed, or DEJA_NO_THREAD */
	uint64_t fault_site; /* SIGNAL from a fault: the faulting instruction */
	bool interrupted;
	bool stopped_by_sink; /* the sink, or a child's hook, asked to stop */
	uint32_t processes;   /* forked children followed */
	uint64_t child_events; /* the most events one of them made */
	uint64_t events;
	uint64_t final_digest; /* record: digest of the last event (the run's fingerprint) */
	/* Coverage of scheduling points (runtime/ticks.c): ticks all threads
	 * passed, and the longest real time one thread (dark_thread) ran
	 * between two events without passing a tick. */
	uint64_t ticks;
	uint64_t dark_ns;
	uint32_t dark_thread;
	char message[DEJA_MESSAGE_MAX];
};

/* The program exited 0. */
static inline bool session_passed(const struct session_result *res)
{
	return res->kind == DEJA_OUTCOME_EXIT && res->exit_code == 0;
}

struct session;

/* Sets up the channel; returns NULL with err filled on failure
 * (bad strategy, no memory). */
struct session *session_new(const struct session_config *cfg, char *err, size_t errlen);
/* Starts the target before its channel is laid out, so that its process
 * starts (fork, exec, the dynamic loader) while the caller still reads
 * what the run needs (a replay, its trace); the runtime waits in it for
 * the channel.  cfg needs only what starting the process takes (argv,
 * envp, exe_path, runtime_path, cwd, output_to, input_from) and must
 * live until session_lay_out.  Returns NULL with err filled when the
 * target cannot be started; session_free kills a target never run. */
struct session *session_start(const struct session_config *cfg, char *err, size_t errlen);
/* Lays out the channel of a session_start'ed session for cfg (the same
 * program: the starting fields are not looked at again) and sets up its
 * run, as session_new does; session_run then lets the target go on.
 * Returns 0, or -1 with err filled. */
int session_lay_out(struct session *s, const struct session_config *cfg, char *err,
		    size_t errlen);
/* A fork-server session: set up its next run (same program, argv and
 * runtime; another strategy, seed, script or output).  Returns 0, or -1
 * with err filled. */
int session_next_run(struct session *s, const struct session_config *cfg, char *err,
		     size_t errlen);
/* Runs the target to its end.  Returns 0, or -1 with err filled when the
 * target could not be started at all. */
int session_run(struct session *s, session_sink sink, void *ctx,
		struct session_result *res, char *err, size_t errlen);
/* End the run under way, from another thread: the supervisor's loop
 * kills the whole tree when it next looks, and the run ends as stopped
 * by its sink would (res->stopped_by_sink). */
void session_stop_run(struct session *s);
/* The syscalls that escaped the runtime in the last run (escape_log.h),
 * readable after session_run until the next. */
const struct escape_log *session_escapes(const struct session *s);
/* The shared channel, readable after the run (threads, modules). */
const struct deja_shared *session_shared(const struct session *s);
void session_free(struct session *s);

/* Resolve PROG as execvp would; malloc'd absolute path or NULL. */
char *session_find_program(const char *prog);

#endif /* DEJA_SESSION_H */
