/*
 * listener_above.c: runs a command under a seccomp filter with a listener
 * of its own, left open across exec (as a container runtime or another
 * supervisor might).  The kernel lets a process tree have one listener, so
 * deja's policy cannot watch for escapes in it: it must still run the
 * program, with its refusals, and say that escapes go unreported.  The
 * filter watches a syscall nobody makes, so the listener is never asked.
 */
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: listener_above COMMAND [ARGS...]\n");
		return 2;
	}
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx || seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(afs_syscall), 0) != 0 ||
	    seccomp_load(ctx) != 0) {
		fprintf(stderr, "listener_above: cannot load the filter\n");
		return 2;
	}
	fcntl(seccomp_notify_fd(ctx), F_SETFD, 0); /* kept open by the command */
	execvp(argv[1], argv + 1);
	perror("listener_above: exec");
	return 127;
}
