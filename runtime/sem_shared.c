/*
 * sem_shared.c: semaphores shared between processes (sem_open, or
 * sem_init with pshared set), which Python's multiprocessing locks,
 * queues and pools are made of.
 *
 * The scheduler models a process's own semaphores, but one shared with
 * other processes changes behind its back: each process has its own model
 * and schedule, and a post in one must be seen by a wait in another.  So
 * such a semaphore is the real one, and what the program learns from it
 * is input: in a recording each call (a post, a getvalue, one attempt to
 * take it) runs for real and becomes a `sem_shared` event with its result;
 * a replay gives each recorded result back without touching the
 * semaphore, since the other processes of the replay do not follow the
 * recording's order among processes.  A wait that finds the semaphore at
 * zero sleeps a millisecond of virtual time (other threads run, and its
 * timeout comes in virtual time) and, in a recording, a little real time,
 * while another process gets to post; then it tries again.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/syscall.h>

#include "model.h"

#define SHARED_SEMS 256

/* What a `sem_shared` event's arg says the call was. */
enum shared_call { SHARED_TRY = 1, SHARED_POST = 2, SHARED_GETVALUE = 3 };

/* Addresses of the semaphores known to be shared (process memory: a
 * forked child inherits the list with the mappings). */
static sem_t *shared[SHARED_SEMS];

static void note_shared(sem_t *s)
{
	for (int i = 0; i < SHARED_SEMS; i++) {
		sem_t *none = NULL;
		if (__atomic_load_n(&shared[i], __ATOMIC_ACQUIRE) == s ||
		    __atomic_compare_exchange_n(&shared[i], &none, s, false, __ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE))
			return;
	}
	rt_write_stderr("deja: more than 256 process-shared semaphores: the rest are"
			" modelled per process\n");
}

static void forget_shared(sem_t *s)
{
	for (int i = 0; i < SHARED_SEMS; i++) {
		sem_t *was = s;
		__atomic_compare_exchange_n(&shared[i], &was, NULL, false, __ATOMIC_ACQ_REL,
					    __ATOMIC_ACQUIRE);
	}
}

bool rt_sem_is_shared(sem_t *s)
{
	for (int i = 0; i < SHARED_SEMS; i++)
		if (__atomic_load_n(&shared[i], __ATOMIC_ACQUIRE) == s)
			return true;
	return false;
}

void rt_sem_note_init(sem_t *s, int pshared)
{
	if (pshared)
		note_shared(s);
	else
		forget_shared(s); /* the address may have been a shared one before */
}

void rt_sem_note_destroy(sem_t *s)
{
	forget_shared(s);
}

/* One call on the real semaphore, as an event: run and recorded, or fed
 * back in a replay.  The result is 0, the value (getvalue) or -errno. */
static int64_t shared_call(sem_t *s, enum shared_call call, uint64_t site)
{
	int64_t r;
	if (rt.shared->mode == DEJA_MODE_REPLAY) {
		const struct deja_feed *f = rt_io_feed_peek(rt_next_event_of_self());
		r = f ? f->result : -EINVAL; /* not recorded here: the event diverges */
	} else if (call == SHARED_POST) {
		r = RT_REAL(sem_post)(s) == 0 ? 0 : -errno;
	} else if (call == SHARED_GETVALUE) {
		int v = 0;
		r = RT_REAL(sem_getvalue)(s, &v) == 0 ? v : -errno;
	} else {
		r = RT_REAL(sem_trywait)(s) == 0 ? 0 : -errno;
	}
	struct deja_pending *p = rt_declare(DEJA_OP_SEM_SHARED, NULL, (uint64_t)call, site);
	p->value = r;
	rt_run();
	return r;
}

static int sem_error(int64_t r)
{
	if (r >= 0)
		return 0;
	errno = (int)-r;
	return -1;
}

int rt_sem_shared_post(sem_t *s, uint64_t site)
{
	return sem_error(shared_call(s, SHARED_POST, site));
}

int rt_sem_shared_getvalue(sem_t *s, int *value, uint64_t site)
{
	int64_t r = shared_call(s, SHARED_GETVALUE, site);
	if (r >= 0)
		*value = (int)r;
	return sem_error(r);
}

int rt_sem_shared_trywait(sem_t *s, uint64_t site)
{
	return sem_error(shared_call(s, SHARED_TRY, site));
}

/* A wait: attempts until one takes the semaphore, or the virtual clock
 * passes `deadline` (DEJA_NO_DEADLINE: none). */
int rt_sem_shared_wait(sem_t *s, uint64_t deadline, uint64_t site)
{
	for (;;) {
		int64_t r = shared_call(s, SHARED_TRY, site);
		if (r != -EAGAIN)
			return sem_error(r);
		if (deadline != DEJA_NO_DEADLINE && rt.model->vclock >= deadline)
			return sem_error(-ETIMEDOUT);
		/* A signal ends the wait as it ends sem_wait() (interpose_sem.c). */
		if (rt_retry_pause(site) == EINTR &&
		    (deadline != DEJA_NO_DEADLINE || !rt_signals_restart()))
			return sem_error(-EINTR);
	}
}

RT_EXPORT sem_t *sem_open(const char *name, int oflag, ...)
{
	mode_t mode = 0;
	unsigned value = 0;
	if (oflag & O_CREAT) {
		va_list ap;
		va_start(ap, oflag);
		mode = (mode_t)va_arg(ap, unsigned);
		value = va_arg(ap, unsigned);
		va_end(ap);
	}
	sem_t *s = RT_REAL(sem_open)(name, oflag, mode, value);
	if (s != SEM_FAILED)
		note_shared(s);
	return s;
}

RT_EXPORT int sem_close(sem_t *s)
{
	forget_shared(s);
	return RT_REAL(sem_close)(s);
}
