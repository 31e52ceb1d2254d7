/*
 * exec.c: following the target through exec.
 *
 * exec replaces the process image but not the process: the run goes on.
 * Before a managed thread execs, the runtime hands the new image what it
 * needs to pick the run up: the shared channel's descriptor (kept open,
 * above the program's descriptors, and let through this one exec), its
 * number in DEJA_SHM_FD and the runtime in LD_PRELOAD, added to the
 * environment the program passes, and in the channel the thread that
 * execs.  The new image's runtime then continues that model thread; the
 * other threads died with the old image.  Its first event is `exec`; a
 * failed exec is an `exec` event with the error.
 *
 * The process socket (fork.c) goes through the exec the same way, so a
 * child of the new image is followed too.
 *
 * Forked children are followed in fork.c.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "elf_static.h"
#include "model.h"
#include "syscall_marker.h"

#define ENV_MAX 8192

static char *env_out[ENV_MAX + 5]; /* + the runtime's four entries and NULL */
static char fd_entry[64];
static char proc_entry[64];
static char tree_entry[64];
static char preload_entry[2 * DEJA_PATH_MAX + 16];

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* A descriptor's number, zero-padded to DEJA_ENV_FD_WIDTH digits (more
 * only if it has more). */
static void fd_text(char *out, int fd)
{
	char digits[24];
	rt_decimal(digits, fd);
	size_t len = strlen(digits), pad = 0;
	while (len + pad < DEJA_ENV_FD_WIDTH)
		out[pad++] = '0';
	memcpy(out + pad, digits, len + 1);
}

/* The program's environment, plus what the new image's runtime needs. */
static char **environment_for_exec(char *const *envp)
{
	size_t n = 0;
	const char *old_preload = NULL;
	for (size_t i = 0; envp && envp[i] && n < ENV_MAX; i++) {
		if (starts_with(envp[i], DEJA_ENV_SHM_FD "=") ||
		    starts_with(envp[i], DEJA_ENV_PROC_FD "=") ||
		    starts_with(envp[i], DEJA_ENV_TREE_FD "="))
			continue;
		if (starts_with(envp[i], "LD_PRELOAD=")) {
			old_preload = envp[i] + strlen("LD_PRELOAD=");
			continue;
		}
		env_out[n++] = envp[i];
	}
	strcpy(fd_entry, DEJA_ENV_SHM_FD "=");
	fd_text(fd_entry + strlen(fd_entry), rt.shm_fd);
	env_out[n++] = fd_entry;
	if (rt.proc_fd >= 0) {
		strcpy(proc_entry, DEJA_ENV_PROC_FD "=");
		fd_text(proc_entry + strlen(proc_entry), rt.proc_fd);
		env_out[n++] = proc_entry;
	}
	if (rt.tree_fd >= 0) {
		strcpy(tree_entry, DEJA_ENV_TREE_FD "=");
		fd_text(tree_entry + strlen(tree_entry), rt.tree_fd);
		env_out[n++] = tree_entry;
	}
	strcpy(preload_entry, "LD_PRELOAD=");
	strcat(preload_entry, rt.shared->runtime_path);
	size_t len = strlen(rt.shared->runtime_path);
	if (len < DEJA_ENV_PRELOAD_WIDTH) { /* spaces up to a fixed width: protocol.h says why */
		char *end = preload_entry + strlen(preload_entry);
		memset(end, ' ', DEJA_ENV_PRELOAD_WIDTH - len);
		end[DEJA_ENV_PRELOAD_WIDTH - len] = '\0';
	}
	if (old_preload && *old_preload && !strstr(old_preload, rt.shared->runtime_path) &&
	    strlen(old_preload) < DEJA_PATH_MAX) {
		strcat(preload_entry, ":");
		strcat(preload_entry, old_preload);
	} else if (old_preload && strstr(old_preload, rt.shared->runtime_path) &&
		   strlen(old_preload) < DEJA_PATH_MAX) {
		strcpy(preload_entry + strlen("LD_PRELOAD="), old_preload);
	}
	env_out[n++] = preload_entry;
	env_out[n] = NULL;
	return env_out;
}

/* The signals the runtime needs, unblocked in the calling thread: a new
 * image's first thread, which an exec the trap did not see (a process
 * deja does not follow) may have left with them blocked. */
void rt_unblock_own_signals(void)
{
	uint64_t set = RT_OWN_SIGNALS;
	rt_syscall4(SYS_rt_sigprocmask, SIG_UNBLOCK, &set, NULL, sizeof(set));
}

/* exec keeps the signal mask, and a trapped exec runs inside the SIGSYS
 * handler, whose mask blocks every signal: a program exec'd from there
 * (everything a shell runs) would start with all of them blocked.  An
 * exec deja does not follow runs as the syscalls that wait for signals
 * do, under the program's own mask less the runtime's signals
 * (rt_pass_interruptible).  A followed one keeps everything blocked, so
 * that no signal meets the old image's relay, which would keep it in
 * memory the exec throws away; the new image's runtime puts the program's
 * mask back (rt_signals_after_exec).  rt_exec is only ever reached from
 * the trap. */
static long exec_untraced(long nr, const long a[6], bool followed)
{
	rt_syscall2(SYS_prctl, PR_SET_TSC, PR_TSC_ENABLE);
	/* The next image's loader runs before its runtime does. */
	rt_timers_before_exec();
	rt_announce(DEJA_ANNOUNCE_EXEC);
	long r = followed ? rt_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5])
			  : rt_pass_interruptible(nr, a, rt_trap_program_mask);
	rt_announce(DEJA_ANNOUNCE_STARTED); /* still here: the exec failed */
	rt_syscall2(SYS_prctl, PR_SET_TSC, PR_TSC_SIGSEGV);
	return r;
}

/* The image an exec would load is statically linked: LD_PRELOAD cannot
 * bring the runtime into it, and it would run untraced. */
static bool exec_of_static(long nr, const long a[6])
{
	long dirfd = nr == SYS_execve ? AT_FDCWD : a[0];
	const char *path = (const char *)(nr == SYS_execve ? a[0] : a[1]);
	long fd = rt_syscall4(SYS_openat, dirfd, path, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return false; /* the exec itself will fail, and say why */
	static char head[DEJA_ELF_HEAD_BYTES]; /* a managed thread holds the baton */
	long n = rt_syscall3(SYS_read, fd, head, sizeof(head));
	rt_syscall1(SYS_close, fd);
	return n > 0 && deja_elf_is_static(head, (size_t)n);
}

/* The runtime's descriptors, let through the next exec (or not). */
static void keep_own_fds(bool through_exec)
{
	for (int i = 0; i < RT_OWN_FDS; i++)
		if (*rt_own_fds[i] >= 0)
			rt_syscall3(SYS_fcntl, *rt_own_fds[i], F_SETFD, through_exec ? 0 : FD_CLOEXEC);
}

long rt_exec(long nr, const long a[6], uint64_t site)
{
	if (!rt_managed())
		return exec_untraced(nr, a, false);
	if (exec_of_static(nr, a)) {
		/* Refused rather than half traced: an event, and a message. */
		rt_write_stderr("deja: refused the exec of a statically linked executable: "
				"deja's runtime cannot enter it\n");
		struct deja_pending *p = rt_declare(DEJA_OP_EXEC, NULL, 0, site);
		p->value = -EPERM;
		rt_run();
		return -EPERM;
	}
	int envp_arg = nr == SYS_execve ? 2 : 3;
	long args[6] = { a[0], a[1], a[2], a[3], a[4], a[5] };
	args[envp_arg] = (long)environment_for_exec((char *const *)a[envp_arg]);

	rt_model_enter(); /* parallel mode: nobody is inside the model now */
	rt.shared->exec_thread = rt_self;
	memcpy(&rt.shared->exec_sigmask, rt_trap_program_mask, sizeof(rt.shared->exec_sigmask));
	rt_signals_before_exec();
	__atomic_store_n(&rt.shared->exec_pending, 1, __ATOMIC_RELEASE);
	keep_own_fds(true);
	long r = exec_untraced(nr, args, true);
	/* Still here: the exec failed. */
	keep_own_fds(false);
	__atomic_store_n(&rt.shared->exec_pending, 0, __ATOMIC_RELEASE);
	struct deja_pending *p = rt_declare(DEJA_OP_EXEC, NULL, 0, site);
	p->value = r;
	rt_run();
	return r;
}

/* In the new image: continue the model thread that exec'd. */
uint32_t rt_exec_continue(void)
{
	struct deja_model *m = rt.model;
	uint32_t self = rt.shared->exec_thread;
	for (uint32_t i = 0; i < m->nthreads; i++)
		if (i != self && m->threads[i].state == DEJA_THREAD_LIVE)
			deja_model_finish(m, i); /* gone with the old image */
	m->running = 0;
	deja_model_set_pending(m, self, DEJA_OP_EXEC, NULL, 0, 0);
	__atomic_store_n(&rt.shared->exec_pending, 0, __ATOMIC_RELEASE);
	return self;
}
