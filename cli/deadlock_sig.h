/*
 * deadlock_sig.h: how `deja shrink` and `deja bisect` tell whether two
 * runs deadlocked the same way, as a pure function over a run's
 * wait-for graph (struct trace_wait), so that
 * tests/unit/test_deadlock_sig.c can check it without runs.
 *
 * Two strings come out, each sorted so that a deadlock reads the same
 * whatever order its threads were stored in.  The detail, for people:
 * "thread T op(kind@addr); ...", with object addresses rather than ids,
 * which follow the order of first use.  The key, which failure_same
 * (trial.h) compares: "op(kind) at SITE, held by ...; ...", which
 * operations are stuck at which call sites, without thread numbers or
 * object addresses.  Threads running the same code are interchangeable:
 * in corpora/py_job_queue either worker can be the one left waiting in
 * get(), and leaving the second one waiting takes a preemption more
 * than leaving the first.  And an object a thread allocates lies in its
 * own malloc arena, so its address differs with the thread too.  Code
 * addresses repeat from run to run, since ASLR is off.  What the key
 * keeps of the graph's shape is, per wait, whether a waiting thread
 * (a cycle), a running one or no thread holds the object.
 */
#ifndef DEJA_DEADLOCK_SIG_H
#define DEJA_DEADLOCK_SIG_H

#include <stddef.h>

#include "trace.h"

/* Writes both strings (truncated to their buffers); 0, or -1 when out of
 * memory. */
int deadlock_sig(const struct trace_wait *w, size_t n, char *detail, size_t detail_len,
		 char *key, size_t key_len);

#endif /* DEJA_DEADLOCK_SIG_H */
