/*
 * policy.c: the kernel-side syscall policy (see policy.h), built with
 * libseccomp from the same syscall table the runtime dispatches on.
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
#include "policy.h"

#include <errno.h>
#include <stdbool.h>
#include <seccomp.h>

#include "syscall_marker.h"
#include "syscall_table.h"

/* Refused in every process: the kernel answers ENOSYS before any runtime
 * could (REFUSED calls, rseq, are made by glibc before the runtime starts). */
static bool refused(uint8_t klass)
{
	return klass == DEJA_SC_UNSUPPORTED || klass == DEJA_SC_REFUSED;
}

static int add_refusals(scmp_filter_ctx ctx)
{
	int rc = 0;
	for (long nr = 0; nr < DEJA_SYSCALL_LIMIT && rc == 0; nr++)
		if (refused(deja_syscall(nr)->klass))
			rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), (int)nr, 0);
	return rc;
}

/* The unmarked-argument comparison, unless the rule's form is unmarkable
 * (reported whatever the arguments), and the rule's condition; how many. */
static unsigned rule_comparisons(const struct deja_marker_rule *r, struct scmp_arg_cmp cmp[2])
{
	unsigned n = 0;
	if (r->slot >= 0)
		cmp[n++] = (struct scmp_arg_cmp){ .arg = (unsigned)r->slot, .op = SCMP_CMP_NE,
						  .datum_a = DEJA_SYSCALL_MARKER };
	if (r->cond_arg >= 0 && r->cond_op == DEJA_COND_NE)
		cmp[n++] = (struct scmp_arg_cmp){ .arg = (unsigned)r->cond_arg, .op = SCMP_CMP_NE,
						  .datum_a = r->cond_value };
	else if (r->cond_arg >= 0)
		cmp[n++] = (struct scmp_arg_cmp){ .arg = (unsigned)r->cond_arg,
						  .op = SCMP_CMP_MASKED_EQ,
						  .datum_a = r->cond_mask, .datum_b = r->cond_value };
	return n;
}

static int add_rule(scmp_filter_ctx ctx, long nr, const struct deja_marker_rule *r)
{
	struct scmp_arg_cmp cmp[2];
	unsigned n = rule_comparisons(r, cmp);
	return seccomp_rule_add_array(ctx, SCMP_ACT_NOTIFY, (int)nr, n, cmp);
}

static int add_watches(scmp_filter_ctx ctx)
{
	int rc = 0;
	for (long nr = 0; nr < DEJA_SYSCALL_LIMIT && rc == 0; nr++) {
		struct deja_marker_rule rules[DEJA_MARKER_RULES_MAX];
		size_t n = deja_marker_rules(nr, rules);
		for (size_t i = 0; i < n && rc == 0; i++)
			rc = add_rule(ctx, nr, &rules[i]);
	}
	return rc;
}

static int load(bool watch, int *listener)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return -ENOMEM;
	/* A binary tree over the syscall numbers rather than a chain of
	 * comparisons: a watched call, checked on every syscall the runtime
	 * makes for the program, takes a handful of instructions. */
	int rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (rc == 0)
		rc = add_refusals(ctx);
	if (rc == 0 && watch)
		rc = add_watches(ctx);
	if (rc == 0)
		rc = seccomp_load(ctx);
	if (rc == 0 && watch) {
		*listener = seccomp_notify_fd(ctx);
		if (*listener < 0)
			rc = *listener;
	}
	seccomp_release(ctx);
	return rc;
}

int policy_install(int *listener)
{
	*listener = -1;
	int rc = load(true, listener);
	/* A kernel without user notification, or a tree that already has a
	 * listener above it (EBUSY, which libseccomp 2.5 does not pass on
	 * faithfully): the refusals still hold, and escapes go unwatched (the
	 * caller says so). */
	if (rc < 0) {
		*listener = -1;
		rc = load(false, listener);
	}
	if (rc < 0) {
		errno = -rc;
		return -1;
	}
	return 0;
}
