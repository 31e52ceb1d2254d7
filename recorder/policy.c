/*
 * policy.c: the kernel-side syscall policy (see policy.h), built with
 * libseccomp from the same syscall table the runtime dispatches on.
 *
 * A seccomp filter survives fork and exec, which is what this policy needs
 * and what the in-process trap (Syscall User Dispatch, cleared by fork and
 * exec) cannot give: a forked child that is not followed, or an exec'd
 * image before its runtime starts, still cannot use io_uring or Linux AIO
 * behind deja's back.  Setting the filter also sets no_new_privs for the
 * target's tree, as unprivileged seccomp requires.
 */
#include "policy.h"

#include <errno.h>
#include <stdbool.h>
#include <seccomp.h>

#include "syscall_table.h"

/* Refused in every process: the kernel answers ENOSYS before any runtime
 * could (REFUSED calls, rseq, are made by glibc before the runtime starts). */
static bool refused(uint8_t klass)
{
	return klass == DEJA_SC_UNSUPPORTED || klass == DEJA_SC_REFUSED;
}

int policy_install(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx) {
		errno = ENOMEM;
		return -1;
	}
	int rc = 0;
	for (long nr = 0; nr < DEJA_SYSCALL_LIMIT && rc == 0; nr++)
		if (refused(deja_syscall(nr)->klass))
			rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), (int)nr, 0);
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc < 0) {
		errno = -rc;
		return -1;
	}
	return 0;
}
