/*
 * ipc_waits.c: System V semaphores and message queues and POSIX message
 * queues, whose waits are attempts.
 *
 * semop, msgrcv, msgsnd, mq_timedreceive and mq_timedsend wait in the
 * kernel until another thread or process posts, sends or receives.  In
 * the serialised mode the waiting thread would hold the right to run, so
 * that when the other side is a thread of the same process it never ran,
 * and the run hung.  So a call that would wait is made as attempts that
 * do not (IPC_NOWAIT on the call or on each of semop's operations; an
 * expired timeout for the POSIX queues), each an event of the call with
 * its result (the message received, the bytes sent compared, as the
 * syscall table describes them), with a 1 ms virtual sleep between
 * attempts in which other threads run (rt_retry_pause), as a FIFO's open
 * and a file lock are (files.c, file_locks.c).  A timeout is a virtual
 * deadline; a signal ends the wait with EINTR (the System V calls are
 * never restarted, the POSIX queue's are under SA_RESTART).  A replay
 * goes through the same attempts, fed: it neither waits nor touches the
 * semaphores and queues.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/syscall.h>
#include <time.h>

#include "syscall_table.h"

#define SEMOPS_MAX 500 /* the kernel's SEMOPM: more fail with E2BIG anyway */

bool rt_ipc_wait_call(long nr)
{
	switch (nr) {
	case SYS_semop: case SYS_semtimedop: case SYS_msgsnd: case SYS_msgrcv:
	case SYS_mq_timedsend: case SYS_mq_timedreceive:
		return true;
	default:
		return false;
	}
}

static bool is_semop(long nr)
{
	return nr == SYS_semop || nr == SYS_semtimedop;
}

static bool is_mq(long nr)
{
	return nr == SYS_mq_timedsend || nr == SYS_mq_timedreceive;
}

/* Natively, this call would wait in the kernel. */
static bool would_wait(long nr, const long a[6])
{
	if (nr == SYS_msgrcv)
		return !(a[4] & IPC_NOWAIT);
	if (nr == SYS_msgsnd)
		return !(a[3] & IPC_NOWAIT);
	if (is_mq(nr)) {
		long flags = rt_syscall2(SYS_fcntl, a[0], F_GETFL);
		return flags >= 0 && !(flags & O_NONBLOCK);
	}
	const struct sembuf *sops = (const struct sembuf *)a[1];
	if (!sops || a[2] <= 0 || a[2] > SEMOPS_MAX)
		return false; /* the kernel refuses it at once */
	for (long i = 0; i < a[2]; i++)
		if (!(sops[i].sem_flg & IPC_NOWAIT))
			return true;
	return false;
}

/* The result of an attempt that would have waited. */
static bool still_waiting(long nr, long r)
{
	if (nr == SYS_msgrcv)
		return r == -ENOMSG;
	if (is_mq(nr))
		return r == -ETIMEDOUT;
	return r == -EAGAIN;
}

/* The call's own timeout as a virtual deadline, or UINT64_MAX. */
static uint64_t deadline_of(long nr, const long a[6])
{
	if (nr == SYS_semtimedop && a[3])
		return rt_deadline_rel((const struct timespec *)a[3]);
	if (is_mq(nr) && a[4])
		return rt_deadline_abs(CLOCK_REALTIME, (const struct timespec *)a[4]);
	return UINT64_MAX;
}

static long one_call(long nr, const long a[6], uint64_t site)
{
	const struct deja_syscall_info *sc = deja_syscall(nr);
	return sc->klass == DEJA_SC_OUTPUT ? rt_output(sc, nr, a, site) : rt_input(sc, nr, a, site);
}

long rt_ipc_wait(long nr, const long a[6], uint64_t site)
{
	if (!would_wait(nr, a))
		return one_call(nr, a, site);
	long b[6];
	memcpy(b, a, sizeof(b));
	struct sembuf sops[SEMOPS_MAX];
	static const struct timespec expired = { 0, 0 };
	if (nr == SYS_msgrcv) {
		b[4] |= IPC_NOWAIT;
	} else if (nr == SYS_msgsnd) {
		b[3] |= IPC_NOWAIT;
	} else if (is_mq(nr)) {
		b[4] = (long)&expired; /* absolute: long past */
	} else {
		memcpy(sops, (const void *)a[1], (size_t)a[2] * sizeof(sops[0]));
		for (long i = 0; i < a[2]; i++)
			sops[i].sem_flg |= IPC_NOWAIT;
		b[1] = (long)sops;
		if (nr == SYS_semtimedop)
			b[3] = 0;
	}
	uint64_t deadline = deadline_of(nr, a);
	for (;;) {
		long r = one_call(nr, b, site);
		if (!still_waiting(nr, r))
			return r;
		if (rt.model->vclock >= deadline)
			return is_semop(nr) ? -EAGAIN : -ETIMEDOUT;
		if (rt_retry_pause(site) == EINTR && (!is_mq(nr) || !rt_signals_restart()))
			return -EINTR;
	}
}
