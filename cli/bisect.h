/*
 * bisect.h: what `deja bisect`'s two files share (cli/cmd_bisect.c finds
 * the deciding pair; cli/bisect_report.c names it, stores it and says
 * which of the program's lines ran across its switch): the command's
 * state, the pair, and a walk over a trace's focus events counted as
 * scripts count them.  Private to the command.
 */
#ifndef DEJA_BISECT_H
#define DEJA_BISECT_H

#include <stdbool.h>
#include <stdint.h>

#include "script_file.h"
#include "trace.h"
#include "tree_scripts.h"
#include "trial.h"

struct script {
	struct deja_script_entry *e;
	bool *preempt;
	uint64_t n;
};

struct bisect {
	const char *fail_path, *pass_path;
	char *fail_abs, *pass_abs;
	unsigned long long timeout;
	unsigned long long process; /* --process */
	bool process_given;
	bool quiet;
	struct trace_run run;
	/* Every process's switches in FAIL_TRACE; the focus's are bisected. */
	struct tree_scripts tree;
	struct script fail, pass;
	struct trial_program prog;
	struct failure_sig target;
	char err[512];
	enum trial_status trouble;
	char *keep_fail, *keep_pass; /* traces of the two orders */
	char *stdin_kept; /* deja's stdin, copied once for every trial (or NULL) */
	struct deja_script_entry decisive; /* the switch the reported pair refines */
};

/* An adjacent pair of events of the focus process: each thread's index
 * among its counted events (the first comes before the second in the
 * failing order). */
struct pair {
	uint32_t first_thread, second_thread;
	uint64_t first_index, second_index;
};

/* The focus process's number in trace t (tree_scripts.h); 0 if known. */
int focus_in(const struct bisect *b, struct trace *t, uint32_t *process);

/* A walk over the focus process's events of a trace, counting each
 * thread's events as scripts count them (deja_script_counts). */
struct counted_walk {
	struct trace *t;
	struct trace_stream es;
	uint64_t *count; /* by thread */
	bool last_alone;
	struct trace_event e;
	bool counts;     /* e counts */
};
bool walk_open(const struct bisect *b, const char *path, struct counted_walk *w);
/* The next event of a thread the model knows (w->e); false at the end. */
bool walk_next(struct counted_walk *w);
void walk_count(struct counted_walk *w);
void walk_close(struct counted_walk *w);

/* Print the pair found (with the program's lines that ran across the
 * deciding switch) and store it in FAIL_TRACE: an exit code. */
int report(struct bisect *b, const struct pair *p);
/* How many of the pair's events are in the program's own code (0-2). */
int own_score(const struct bisect *b, const struct pair *p);

#endif /* DEJA_BISECT_H */
