/*
 * policy.c: the kernel-side syscall policy (see policy.h), loaded from the
 * BPF programs libseccomp built at build time (policy_gen.c, from the same
 * syscall table the runtime dispatches on).
 *
 * A seccomp filter survives fork and exec, which is what this policy needs
 * and what the in-process trap (Syscall User Dispatch, cleared by fork and
 * exec) cannot give: a forked child that is not followed, or an exec'd
 * image before its runtime starts, still cannot use io_uring or Linux AIO
 * behind deja's back, and whatever syscall of a watched class it makes
 * outside the runtime is reported to the supervisor (SCMP_ACT_NOTIFY; the
 * runtime's own calls carry the marker of runtime/syscall_marker.h, or,
 * where no argument is free, are reported too and told apart by the
 * escape watch from the address they are made at).
 * Setting the filter also sets no_new_privs for the target's tree, as
 * unprivileged seccomp requires.
 */
#define _GNU_SOURCE
#include "policy.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "policy_programs.h" /* generated: policy_watching[], policy_refusing[] */

/* Load one program; with a listener, the descriptor the kernel reports
 * its watched calls on.  Returns 0 or -errno. */
static int load(const unsigned char *program, size_t len, int *listener)
{
	struct sock_fprog prog = {
		.len = (unsigned short)(len / sizeof(struct sock_filter)),
		.filter = (struct sock_filter *)(uintptr_t)program,
	};
	unsigned flags = listener ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0;
	long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
	if (rc < 0)
		return -errno;
	if (listener)
		*listener = (int)rc;
	return 0;
}

int policy_install(int *listener)
{
	*listener = -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -1;
	int rc = load(policy_watching, sizeof(policy_watching), listener);
	/* A kernel without user notification, or a tree that already has a
	 * listener above it (EBUSY): the refusals still hold, and escapes go
	 * unwatched (the caller says so). */
	if (rc < 0) {
		*listener = -1;
		rc = load(policy_refusing, sizeof(policy_refusing), NULL);
	}
	if (rc < 0) {
		errno = -rc;
		return -1;
	}
	return 0;
}
