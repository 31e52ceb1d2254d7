/*
 * escape_state.h: what the runtime's announcements (runtime/
 * syscall_marker.h) have told the escape watch about the target's
 * processes and threads, and so whose an unmarked syscall is (pure logic:
 * escape_watch.c feeds it, the unit tests drive it).
 *
 * A process is started while its image's runtime runs (from its
 * announcement to an exec).  A thread is managed (its unmarked syscalls
 * are the runtime's own calls into glibc: a managed thread's other
 * syscalls reach the runtime through the trap), on its exit path (it has
 * left the model) or escaped (the program took its syscall dispatch
 * over); one of the three at a time, or unnamed.  A started process also
 * has the address of its runtime's unmarkable calls: a report from there
 * is the runtime's own, whichever thread makes it.
 */
#ifndef DEJA_ESCAPE_STATE_H
#define DEJA_ESCAPE_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Ids, each with a value (a thread's process, a process's address).  Few:
 * the processes of one tree, their threads. */
struct escape_ids {
	struct escape_id {
		int32_t id;
		uint64_t value;
	} *v;
	size_t n, cap;
};

struct escape_state {
	struct escape_ids started;  /* processes, by pid, with where their runtime's
	                               unmarkable calls are made */
	struct escape_ids managed;  /* threads, by tid, with their pid */
	struct escape_ids exiting;
	struct escape_ids escaped;
};

/* Take announcement `what` (enum deja_announcement) of thread tid in
 * process pid, which says its runtime's unmarkable calls are made at
 * own_ip.  Returns false when out of memory. */
bool escape_state_announce(struct escape_state *st, int32_t pid, int32_t tid, long what,
			   uint64_t own_ip);
/* The kind (enum escape_kind) of an unmarked syscall of a named thread,
 * with *pid set to its process: RUNTIME (managed), EXIT or ESCAPE; -1 for
 * a thread no announcement has named. */
int escape_state_thread_kind(const struct escape_state *st, int32_t tid, int32_t *pid);
/* Is a report from instruction pointer ip in process pid the runtime's own
 * unmarkable call?  (Only while its runtime runs the image.) */
bool escape_state_own_call(const struct escape_state *st, int32_t pid, uint64_t ip);
/* Does the runtime run process pid's image? */
bool escape_state_started(const struct escape_state *st, int32_t pid);
void escape_state_free(struct escape_state *st);

#endif /* DEJA_ESCAPE_STATE_H */
