/*
 * interrupt_watch.c: sending DEJA_SIG_INTERRUPT to a thread that spins
 * (see interrupt_watch.h).
 */
#define _GNU_SOURCE
#include "interrupt_watch.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "model.h"
#include "monotonic.h"

#define NS_PER_MS 1000000LL
#define WARN_AFTER_S 5
#define FIRST_RETRY_NS (5 * NS_PER_MS)
#define LONGEST_RETRY_NS (200 * NS_PER_MS)

/* Running or runnable, by the state in /proc/PID/task/TID/stat: a thread
 * in the kernel (the runtime waiting for input, a page fault on a slow
 * disk) is not spinning. */
static bool on_cpu(pid_t pid, pid_t tid)
{
	char path[64], buf[256];
	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, (int)tid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	const char *end = strrchr(buf, ')'); /* the name may hold anything */
	return end && end[1] == ' ' && end[2] == 'R';
}

/* A stop would change something: another thread could run, or could once
 * the input it waits for has come (the runtime looks at every scheduling
 * point), or a timer or another thread's timed wait (a sleep) could come
 * due as the clock moves on by the time spun: a thread that spins until
 * a sleeping one sets its flag waits for that sleep to end. */
static bool worth_stopping(const struct deja_model *m, uint32_t running)
{
	if (m->timer_deadline != DEJA_NO_DEADLINE)
		return true;
	for (uint32_t t = 0; t < m->nthreads && t < DEJA_MAX_THREADS; t++)
		if (t != running &&
		    (deja_model_enabled_outside(m, t) || deja_model_waits_for_world(m, t) ||
		     deja_model_may_time_out(m, t)))
			return true;
	return false;
}

/* A thread that keeps computing while others wait may be spinning in a
 * way no interrupt can stop (its registers change at every pass): say so
 * once per deja command, rather than seem to hang. */
static void warn_once(uint32_t thread, int64_t dark)
{
	static bool warned;
	if (warned || dark < WARN_AFTER_S * 1000 * NS_PER_MS)
		return;
	warned = true;
	fprintf(stderr,
		"deja: thread %u has run %d s without a scheduling point while the run has more to"
		" do; if it spins waiting for another thread, in a loop that changes more than one"
		" counting register (or counts without a pause), deja cannot stop it: build the"
		" program with $(deja cflags), or end deja with Ctrl-C"
		" (the trace is kept) or --timeout\n",
		thread, WARN_AFTER_S);
}

void interrupt_watch_poll(struct interrupt_watch *w, struct deja_shared *sh)
{
	int64_t now = monotonic_ns();
	uint64_t steps = __atomic_load_n(&sh->model.steps, __ATOMIC_ACQUIRE);
	if (w->run_id != sh->run_id || steps != w->steps) {
		*w = (struct interrupt_watch){ .run_id = sh->run_id, .steps = steps, .since_ns = now };
		return;
	}
	if (sh->mode != DEJA_MODE_RECORD || sh->parallel || !sh->supervisor_pid ||
	    sh->target_pid <= 0 || __atomic_load_n(&sh->outcome, __ATOMIC_ACQUIRE) != DEJA_OUTCOME_NONE)
		return;
	int64_t dark = now - w->since_ns;
	if (dark < DEJA_INTERRUPT_MS * NS_PER_MS || (w->sent_ns && now - w->sent_ns < w->backoff_ns))
		return;
	const struct deja_model *m = &sh->model;
	uint32_t running = m->current;
	if (running >= m->nthreads || running >= DEJA_MAX_THREADS ||
	    m->threads[running].state != DEJA_THREAD_LIVE)
		return;
	pid_t tid = m->threads[running].os_tid;
	if (tid <= 0 || !worth_stopping(m, running) || !on_cpu(sh->target_pid, tid))
		return;
	__atomic_store_n(&sh->interrupt_dark_ns, dark, __ATOMIC_RELAXED);
	syscall(SYS_tgkill, sh->target_pid, tid, DEJA_SIG_INTERRUPT);
	/* A spinning thread stops at once, unless the signal found it outside
	 * its own code; one that computes is looked at less and less often,
	 * each look costing it a breakpoint's passes. */
	w->backoff_ns = w->sent_ns ? w->backoff_ns * 2 : FIRST_RETRY_NS;
	if (w->backoff_ns > LONGEST_RETRY_NS)
		w->backoff_ns = LONGEST_RETRY_NS;
	w->sent_ns = now;
	warn_once(running, dark);
}
