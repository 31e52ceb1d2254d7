/*
 * shrink.h: the state of one `deja shrink` (cmd_shrink.c), shared with the
 * moves that try to go below a removal-minimum (shrink_moves.c).
 */
#ifndef DEJA_SHRINK_H
#define DEJA_SHRINK_H

#include <stdbool.h>
#include <stdint.h>

#include "ddmin.h"
#include "shrink_input.h"
#include "trace.h"
#include "trial.h"
#include "tree_scripts.h"

struct shrink_args {
	const char *trace, *output, *input;
	unsigned long long max_runs, timeout, hunt_runs, search_time;
	unsigned long long process; /* --process */
	bool process_given;
	bool quiet;
};

struct shrink {
	struct shrink_args a;
	struct trace_run run;
	/* Every process's recorded switches; the focus's are shrunk. */
	struct tree_scripts tree;
	struct trace_counts recorded;     /* the focus's, as recorded */
	struct deja_script_entry *script; /* the focus's switches */
	bool *preempt;                    /* ... which preempted the running thread */
	bool *timed_out;                  /* ... whose event is a timed wait timing out */
	uint64_t nscript;
	struct trial_program prog;
	struct failure_sig target;  /* the failure every candidate must repeat */
	struct trial_result best;   /* the smallest failing run so far */
	char *best_path;
	/* ddmin's view: items index script[]; `fixed` entries are always in. */
	bool *fixed;
	struct deja_script_entry *cand;
	char **argv;                  /* the runs' argv (the input file replaced) */
	struct input_shrink in;       /* --input */
	uint8_t *input_orig;
	size_t input_orig_len;
	char *input_final;            /* the shrunk input beside OUT */
	char *stdin_kept;             /* deja's stdin for every run (run_stdin.c) */
	char *input_real;             /* FILE as an absolute path */
	struct trace_thread *threads; /* the best run's threads, with event counts */
	size_t nthreads;
	enum trial_status trouble;
	char err[512];
	double started;
	uint64_t schedule_start; /* runs made before the schedule phase */
	bool settled;            /* the preemptions are shrunk: keep them so */
	double search_until;     /* when the search for fewer preemptions stops */
	bool search_out_of_time; /* ... and it has */
	uint64_t moves_until;    /* nonzero: the near moves stop at this many runs */
};

/* Whether the search for fewer preemptions may make another run (false,
 * and search_out_of_time set, once --search-time is up). */
bool shrink_may_search(struct shrink *s);

/* Run one script; keep its trace as the best when it fails the same way
 * with at most `limit` preemptions (cmd_shrink.c). */
enum ddmin_verdict shrink_try_limited(struct shrink *s, const struct deja_script_entry *e,
				      uint64_t n, uint64_t limit);

/* shrink_moves.c: drop one preemption and move or retarget another; or,
 * for a small run, every one-switch schedule.  1 when a run with fewer
 * preemptions failed the same way (it is the new best), 0 when none did,
 * -1 on trouble or when the run budget or --search-time is spent. */
int shrink_try_moves(struct shrink *s);
/* shrink_moves.c: the moves of one preemption by a few events with
 * another dropped, at most `budget` runs of them.  Returns as
 * shrink_try_moves, but 0 when only the budget is spent. */
int shrink_try_near_moves(struct shrink *s, uint64_t budget);
/* shrink_moves.c: a preemption that ends a timed wait early (a GIL
 * hand-over) folded into a timeout where the wait began (shrink_fold.h).
 * Returns as shrink_try_moves. */
int shrink_try_folds(struct shrink *s);
/* shrink_moves.c: a bounded search of schedules with fewer preemptions
 * (fewer_search.h).  1 found (the new best), 0 not, -1 trouble. */
int shrink_try_search(struct shrink *s);
/* shrink_moves.c: for a small run, every one-switch schedule at an event
 * (single_switch) or at a tick inside plain code (tick_switch).  Return
 * as shrink_try_moves. */
int shrink_try_single_switch(struct shrink *s);
int shrink_try_tick_switch(struct shrink *s);

#endif /* DEJA_SHRINK_H */
