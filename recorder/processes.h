/*
 * processes.h: the supervisor's side of following forked children.
 *
 * The top process's channel is the session's (session.c).  Every child
 * the target forks asks for a channel of its own on the process socket
 * (runtime/fork.c): processes.c answers each hello with a new channel
 * (channel.c) whose model continues the parent's clock, drains every
 * child's rings, and notices when a child has ended (a pidfd; deja is
 * not the child's parent, so the exit status comes from the child's
 * channel, where its runtime noted it).  What happens to a child's events
 * is up to the caller's hooks: the recorder writes them into the trace as
 * that process's stream, the replayer compares them with the recorded
 * stream of the child with the same identity.
 *
 * A child is named by its parent's process number and its place among the
 * parent's forks; the caller gives it its process number (record: the next
 * one; replay: the recorded child's).
 */
#ifndef DEJA_PROCESSES_H
#define DEJA_PROCESSES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "channel.h"
#include "protocol.h"

/* What a replay gives a child: its recorded run. */
struct process_setup {
	struct channel_spec channel; /* schedule, ticks, feed, vtimes (runtime_path is set here) */
	int32_t replay_pid, replay_ppid; /* the ids it had (0: unknown) */
	int32_t end_signal;              /* the signal it died of (0: none) */
	int32_t end_deadlock;            /* it ended in a deadlock */
	/* The signal to send it once it has replayed all schedule_len of its
	 * events (0: none): its recording was ended by one its runtime did
	 * not see, after its last event (SIGKILL from its parent). */
	int32_t kill_at_end;
	const int32_t *child_pids;       /* its own children's recorded pids, by fork index */
	uint32_t nchild_pids;
	uint64_t debug_stop_event;       /* deja replay --gdb: its event to stop before, + 1 (0: none) */
	/* Record: the child follows these switches (strategy script; shrink
	 * and bisect give each child its recorded process's); false: the
	 * run's strategy. */
	bool scripted;
	const struct deja_script_entry *script;
	uint64_t script_len;
};

/* How a child ended. */
struct process_end {
	enum deja_outcome_kind kind;
	int exit_code;      /* -1 unless EXIT */
	int signal;         /* SIGNAL: the signal, or 0 when deja did not see which */
	uint32_t thread;    /* the thread the runtime blamed, or DEJA_NO_THREAD */
	uint64_t fault_site;
	char message[DEJA_MESSAGE_MAX];
	uint64_t events;
	uint64_t forks;     /* children it forked and were followed */
	int32_t pid, ppid;  /* as it saw them */
};

struct process_hooks {
	void *ctx;
	/* A child asks to be followed: set *process and, in a replay, fill
	 * *setup; or return false with why filled (the child is refused and
	 * ends at once). */
	bool (*admit)(void *ctx, uint32_t parent, uint32_t fork_index, int32_t pid,
		      uint32_t *process, struct process_setup *setup, char *why, size_t whylen);
	/* Each of its events in order; false stops the run. */
	bool (*event)(void *ctx, uint32_t process, const struct deja_event *ev,
		      const uint8_t *data);
	/* It ended; its channel is still readable (threads, modules). */
	void (*ended)(void *ctx, uint32_t process, const struct process_end *end,
		      const struct deja_shared *sh);
	/* Optional: its channel is set up (fd, size bytes; the descriptor is
	 * closed, and the channel unmapped when it ends), before it runs. */
	void (*channel)(void *ctx, uint32_t process, int fd, uint64_t size);
	/* Optional (a replay): did a process of the recorded tree have the
	 * pid `shown`?  Also one the replay has not started yet. */
	bool (*recorded_pid)(void *ctx, int32_t shown);
};

/* What every child of one run shares with the top process. */
struct process_run {
	const struct process_hooks *hooks;
	const struct deja_shared *top; /* mode, clocks, entropy seed, runtime path */
	const char *strategy;          /* record: the children's strategy (seed mixed per child) */
	uint64_t seed;
	uint64_t max_steps;
	uint64_t pct_steps;            /* pct: a child's expected events (0: its default) */
};

struct processes;

/* sock: the supervisor's end of the process socket. */
struct processes *processes_new(int sock);
void processes_free(struct processes *p);
/* A new run: forget the last one's children. */
void processes_begin(struct processes *p, const struct process_run *run);
/* Answer hellos, drain the children's rings, notice ends.  stopped: a
 * sink asked to stop, events are discarded.  Returns false when a hook
 * asked to stop. */
bool processes_poll(struct processes *p, bool stopped);
/* The top process has ended: is the tree done too (every child that was
 * forked and followed has asked, ended and been drained)?  A fork whose
 * child never asks (killed first) is waited for two seconds. */
bool processes_done(struct processes *p, const struct deja_shared *top);
/* Kill every child still running. */
void processes_kill(struct processes *p);
/* The run is over: refuse the hellos still queued (their children end). */
void processes_end(struct processes *p);
/* Children admitted in this run. */
uint32_t processes_count(const struct processes *p);
/* The events drained from every child so far. */
uint64_t processes_events(const struct processes *p);
/* The CPU time (clock ticks) the live children and the process `top`
 * have used (read from /proc). */
uint64_t processes_cpu_ticks(const struct processes *p, int32_t top);
/* The most events one child made (0: none followed). */
uint64_t processes_longest(const struct processes *p);
/* The process number given to the child with this pid in this run, or -1. */
int32_t processes_number_of(const struct processes *p, int32_t pid);

#endif /* DEJA_PROCESSES_H */
