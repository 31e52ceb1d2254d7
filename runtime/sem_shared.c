/*
 * sem_shared.c: semaphores shared between processes (sem_open, or
 * sem_init with pshared set), which Python's multiprocessing locks,
 * queues and pools are made of.  Each call on one is the real one, as a
 * `sem_shared` event (shared_call.c says why and how).
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/syscall.h>

#include "model.h"

/* What a `sem_shared` event's arg says the call was. */
enum shared_call { SHARED_TRY = 1, SHARED_POST = 2, SHARED_GETVALUE = 3 };

bool rt_sem_is_shared(sem_t *s)
{
	return rt_shared_is_noted(s);
}

void rt_sem_note_init(sem_t *s, int pshared)
{
	if (pshared)
		rt_shared_note(s);
	else
		rt_shared_forget(s); /* the address may have been a shared one before */
}

void rt_sem_note_destroy(sem_t *s)
{
	rt_shared_forget(s);
}

/* The real call (see rt_shared_fn). */
static int64_t sem_call(void *object, uint64_t call)
{
	sem_t *s = object;
	if (call == SHARED_POST)
		return RT_REAL(sem_post)(s) == 0 ? 0 : -errno;
	if (call == SHARED_GETVALUE) {
		int v = 0;
		return RT_REAL(sem_getvalue)(s, &v) == 0 ? v : -errno;
	}
	return RT_REAL(sem_trywait)(s) == 0 ? 0 : -errno;
}

static int64_t shared_call(sem_t *s, enum shared_call call, uint64_t site)
{
	return rt_shared_call(DEJA_OP_SEM_SHARED, (uint64_t)call, sem_call, NULL, s, site);
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

/* A signal interrupts sem_wait() as it does in interpose_sem.c: EINTR,
 * unless the handler asked for SA_RESTART and the wait has no deadline. */
static bool sem_interrupted(uint64_t deadline)
{
	return deadline != DEJA_NO_DEADLINE || !rt_signals_restart();
}

/* A wait: attempts until one takes the semaphore, or the virtual clock
 * passes `deadline` (DEJA_NO_DEADLINE: none). */
int rt_sem_shared_wait(sem_t *s, uint64_t deadline, uint64_t site)
{
	const struct rt_shared_wait w = { DEJA_OP_SEM_SHARED, SHARED_TRY, sem_call, NULL, s,
					  EAGAIN, sem_interrupted };
	return sem_error(rt_shared_wait(&w, deadline, site));
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
		rt_shared_note(s);
	return s;
}

RT_EXPORT int sem_close(sem_t *s)
{
	rt_shared_forget(s);
	return RT_REAL(sem_close)(s);
}
