/*
 * tree_scripts.h: a recorded run's switches for every process of its
 * tree, for the trials of `deja shrink` and `deja bisect`, which vary one
 * process's schedule (the focus) and run every other as it was recorded.
 * A race in a child (a test program that a shell script or make starts)
 * is shrunk and bisected in that child this way.
 *
 * A process is found again in another run by its identity: the fork
 * indexes from the top process down to it.  Process numbers follow the
 * order in which children asked to be followed, which may change.
 */
#ifndef DEJA_TREE_SCRIPTS_H
#define DEJA_TREE_SCRIPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol.h"
#include "record.h"
#include "trace.h"

#define TREE_DEPTH_MAX 64

struct tree_scripts {
	uint32_t focus;                 /* the process whose schedule varies (0: the top one) */
	uint32_t path[TREE_DEPTH_MAX];  /* its identity: fork indexes from the top down */
	size_t depth;
	struct deja_script_entry *top;  /* the top process's recorded switches */
	uint64_t ntop;
	struct process_script *children; /* every recorded child's, scripts owned */
	size_t nchildren;
};

/* The process with the most preemptions (the top one on a tie). */
int tree_busiest_process(struct trace *t, uint32_t *process);
/* Every process's switches, `focus` the one that varies.  0, -1 when the
 * trace cannot be read, -2 when focus is no process of it. */
int tree_scripts_load(struct trace *t, uint32_t focus, struct tree_scripts *ts);
/* The same with the focus `process` when given (--process), else the
 * process with the most preemptions; says on stderr what went wrong
 * ("deja COMMAND: PATH has no process N").  0 or -1. */
int tree_scripts_load_focus(struct trace *t, const char *command, const char *path,
			    bool given, uint64_t process, struct tree_scripts *ts);
void tree_scripts_free(struct tree_scripts *ts);
/* The focus's number in another run's trace, or -1 if that run had none. */
int tree_scripts_find(const struct tree_scripts *ts, struct trace *t, uint32_t *process);
/* What a run under `candidate` as the focus's switches gives record: the
 * top process's script (*top, *ntop) and the children's (*children, a
 * malloc'd array to free; NULL with none).  -1 when memory runs out. */
int tree_scripts_for(const struct tree_scripts *ts, const struct deja_script_entry *candidate,
		     uint64_t ncandidate, const struct deja_script_entry **top, uint64_t *ntop,
		     struct process_script **children, size_t *nchildren);
/* A process's threads (id, and nothing else for a child: it has no row in
 * `threads`), as trace_get_threads gives the top process's. */
int tree_process_threads(struct trace *t, uint32_t process, struct trace_thread **out,
			 size_t *n);

#endif /* DEJA_TREE_SCRIPTS_H */
