/*
 * replay_children.h: replaying the forked children of a recording.
 *
 * Each child of the recorded tree (the trace's processes, process_events
 * and process_data) is handed, when the replayed child with the same
 * identity (parent's process number, fork index) asks for its channel,
 * its recorded schedule, inputs and ids; its events are compared with its
 * recorded stream as they come.  A child the recording did not have, a
 * child that diverges, ends otherwise than recorded, or is recorded but
 * never forked in the replay, is a divergence named as such.
 */
#ifndef DEJA_REPLAY_CHILDREN_H
#define DEJA_REPLAY_CHILDREN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "debug_stop.h"
#include "describe.h"
#include "processes.h"
#include "trace.h"

struct replay_children;

/* Load the recorded children from an open trace (none is fine), their
 * outputs given their ranks (trace_get_output_ranks). */
enum trace_status replay_children_load(struct trace *t, const struct trace_output_rank *ranks,
				       size_t nranks, struct replay_children **out);
void replay_children_free(struct replay_children *rc);
/* The recorded pids of process `process`'s children, by fork index. */
const int32_t *replay_children_pids(struct replay_children *rc, uint32_t process, uint32_t *n);
/* The hooks a replay session follows the children with (parallel: the
 * run's strategy was parallel, and a child's difference at a futex event
 * says what that likely means). */
void replay_children_hooks(struct replay_children *rc, const struct site_table *sites,
			   bool real_time, bool parallel, struct process_hooks *hooks);
/* The recorded events of child `process` (NULL, n 0: the trace has no
 * such child). */
const struct trace_event *replay_children_events(const struct replay_children *rc,
						 uint32_t process, size_t *n);
/* deja replay --gdb: child `process` is to stop before its event `event`,
 * which ds waits for (given the child's channel once it has one). */
void replay_children_stop_at(struct replay_children *rc, uint32_t process, uint64_t event,
			     struct debug_stop *ds);
/* A child diverged during the run (what fills msg). */
bool replay_children_diverged(const struct replay_children *rc, char *msg, size_t len);
/* After the run: every recorded child was forked, ran to its end and ended
 * as recorded; else false with msg filled. */
bool replay_children_complete(const struct replay_children *rc, char *msg, size_t len);

#endif /* DEJA_REPLAY_CHILDREN_H */
