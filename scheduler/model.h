/*
 * model.h: the blocking model of the serialised scheduler.
 *
 * Every synchronisation call of the target becomes an operation (ops.def)
 * that a thread declares as pending.  The model answers two questions about
 * a pending operation: can it proceed now (enabled), and could it proceed by
 * timing out.  Executing an operation applies its effect to the model
 * (ownership, counts, wakeups) and yields the call's result.  Nothing here
 * blocks, allocates or makes a system call: the runtime does the blocking
 * (baton passing) and the unit tests drive the model directly.
 */
#ifndef DEJA_MODEL_H
#define DEJA_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "protocol.h"

void deja_model_init(struct deja_model *m, uint64_t max_steps);
/* The same for a model whose memory is all zero already (a channel just
 * made): clearing its 1.25 MB made the pages of shared memory one by one,
 * about 0.9 ms of a replay's set-up here. */
void deja_model_init_zeroed(struct deja_model *m, uint64_t max_steps);

/* A new thread slot in state LIVE with pending THREAD_START, or
 * DEJA_NO_THREAD when the table is full. */
uint32_t deja_model_add_thread(struct deja_model *m);
/* Thread t has ended (its exit, or gone with an image or abandoned): state
 * FINISHED, and one thread fewer live. */
void deja_model_finish(struct deja_model *m, uint32_t t);

/* The object at addr, created on first use with the given kind.  When the
 * address holds an object of another kind that nobody holds, it is reset
 * to the new kind (memory reused).  NULL when the table is full. */
struct deja_object *deja_model_object(struct deja_model *m, uint64_t addr,
				      enum deja_object_kind kind);
struct deja_object *deja_model_find(struct deja_model *m, uint64_t addr);
/* Does a thread of the model wait on the futex at addr (not yet woken)?
 * Looks without adding the address as an object. */
bool deja_model_futex_waited(struct deja_model *m, uint64_t addr);

/* Slot index + 1, the encoding used in deja_pending.object. */
uint32_t deja_model_object_ref(const struct deja_model *m,
			       const struct deja_object *o);
struct deja_object *deja_model_deref(struct deja_model *m, uint32_t ref);

/* The object's number, given now if it has none yet (ids_at_events). */
uint32_t deja_model_number(struct deja_model *m, struct deja_object *o);
/* A run that ends waiting: number the objects threads wait on that have
 * none yet (waited on, never in an event), in the order of the threads,
 * for the wait-for graph. */
void deja_model_number_waits(struct deja_model *m);

/* Forget a destroyed object: its address may be reused later. */
void deja_model_forget(struct deja_model *m, struct deja_object *o);

/* Declare what thread t does next.  Resets the pending fields. */
void deja_model_set_pending(struct deja_model *m, uint32_t t, enum deja_op op,
			    struct deja_object *o, uint64_t arg, uint64_t site);

bool deja_model_enabled(const struct deja_model *m, uint32_t t);
/* The same, asked from another process than the target's (the
 * supervisor): a futex wait's word is in the target's memory, so it counts
 * as enabled only once woken or interrupted. */
bool deja_model_enabled_outside(const struct deja_model *m, uint32_t t);
/* Some thread other than t can go on. */
bool deja_model_other_enabled(const struct deja_model *m, uint32_t t);
/* t's pending operation is an input, or a wait4, that waits until the
 * runtime sees it ready (deja_pending.wait_io), ready yet or not. */
bool deja_model_waits_for_io(const struct deja_model *m, uint32_t t);
/* t's pending operation waits for the world: an input, or a wait4, that
 * has not yet come. */
bool deja_model_waits_for_world(const struct deja_model *m, uint32_t t);
bool deja_model_may_time_out(const struct deja_model *m, uint32_t t);
/* A signal interrupted t's wait (deja_pending.interrupt) and nothing
 * else lets it go on: executing it gives -EINTR and leaves it pending. */
bool deja_model_interrupted(const struct deja_model *m, uint32_t t);
/* A cancellation request for t stands and t, able to take it, waits at a
 * cancellation point: the wait is interrupted, as when the request comes
 * while it waits.  For a thread that gets to its wait after the request
 * (parallel mode runs it meanwhile). */
void deja_model_cancel_reaches(struct deja_model *m, uint32_t t);

/* Apply thread t's pending operation.  Returns the result the call gives:
 * 0 or an errno value; futex ops give the syscall's value (a wake counts
 * only the waiters in the model; the runtime adds real kernel waiters);
 * barrier_wait gives PTHREAD_BARRIER_SERIAL_THREAD to one thread a round;
 * once_begin gives 1 when the routine has already run.  *arg_out gets
 * an op-specific detail for the trace (woken thread, new thread id).
 * A wait that has to block (COND_WAIT, BARRIER_WAIT, FUTEX_WAIT) leaves
 * its continuation (COND_RESUME, BARRIER_RESUME, FUTEX_RESUME) pending,
 * with the same object, deadline and call site. */
int64_t deja_model_execute(struct deja_model *m, uint32_t t, bool timed_out,
			   uint64_t *arg_out);

/* The process's file locks have changed `changes` times (o: its
 * DEJA_OBJ_FILE_LOCK object): the threads in FILE_LOCK_WAIT that saw
 * another count try again.  Not an operation: the lock calls are events
 * of their own. */
void deja_model_file_locks_seen(struct deja_object *o, uint32_t changes);

/* The thread that holds what t waits for, or DEJA_NO_THREAD. */
uint32_t deja_model_blocker(const struct deja_model *m, uint32_t t);

const char *deja_op_name(enum deja_op op);
const char *deja_object_kind_name(enum deja_object_kind kind);
/* The kind of object an operation acts on (ops.def). */
enum deja_object_kind deja_op_object_kind(enum deja_op op);

#endif /* DEJA_MODEL_H */
