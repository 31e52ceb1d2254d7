/*
 * syscall_marker.c: where the runtime's marker goes in each watched
 * syscall, and the rules the seccomp filter is built from (see
 * syscall_marker.h).
 *
 * Which classes are watched: those whose calls matter to a replay.  INPUT
 * (a result deja records and feeds back), INPUT_LIVE (a result from the
 * world that replay does not feed yet, but which a managed thread at least
 * makes at a scheduling point), OUTPUT (bytes compared in replay) and
 * EMULATE (time, randomness, sleeps, futexes, signals, processes: what the
 * scheduler models).  PASS calls change nothing a replay depends on;
 * UNSUPPORTED and REFUSED already fail with ENOSYS in the same filter.
 * One EMULATE call is left out: rt_sigprocmask is emulated only to keep the
 * trap's own signals open, and glibc makes it in every new thread before
 * the runtime's trampoline runs (start_thread restores the creator's mask),
 * so watching it would report every pthread_create.
 */
#define _GNU_SOURCE
#include "syscall_marker.h"

#include <linux/futex.h>
#include <sys/syscall.h>

#include "syscall_table.h"

bool deja_marker_watched(long nr)
{
	if (nr == SYS_rt_sigprocmask)
		return false;
	switch ((enum deja_syscall_class)deja_syscall(nr)->klass) {
	case DEJA_SC_INPUT:
	case DEJA_SC_INPUT_LIVE:
	case DEJA_SC_OUTPUT:
	case DEJA_SC_EMULATE:
		return true;
	default:
		return false;
	}
}

/* futex: val3 (argument 5) is read only by the BITSET, CMP_REQUEUE and
 * WAKE_OP commands; WAIT and WAKE, which the runtime's baton and the
 * program's plain waits use, leave it free. */
#define FUTEX_COMMAND 0x7f

static bool futex_val3_free(long op)
{
	long cmd = op & FUTEX_COMMAND;
	return cmd == FUTEX_WAIT || cmd == FUTEX_WAKE;
}

int deja_marker_slot(long nr, const long a[6])
{
	switch (nr) {
	case SYS_futex:
		return futex_val3_free(a[1]) ? 5 : -1;
	/* The address length (recvfrom, sendto) and the signal set's size
	 * (epoll_pwait, epoll_pwait2) are read only with an address or a set. */
	case SYS_recvfrom:
	case SYS_sendto:
	case SYS_epoll_pwait:
	case SYS_epoll_pwait2:
		return a[4] == 0 ? 5 : -1;
	/* The high half of the offset is ignored on a 64-bit kernel. */
	case SYS_preadv2:
	case SYS_pwritev2:
		return 4;
	/* Six arguments, all read. */
	case SYS_pselect6:
	case SYS_process_vm_readv:
	case SYS_process_vm_writev:
	case SYS_copy_file_range: /* flags, which must be 0 */
		return -1;
	default:
		return deja_marker_watched(nr) ? 5 : -1;
	}
}

size_t deja_marker_rules(long nr, struct deja_marker_rule out[DEJA_MARKER_RULES_MAX])
{
	if (!deja_marker_watched(nr))
		return 0;
	const struct deja_marker_rule plain = { 5, -1, 0, 0 };
	switch (nr) {
	case SYS_futex:
		out[0] = (struct deja_marker_rule){ 5, 1, FUTEX_COMMAND, FUTEX_WAIT };
		out[1] = (struct deja_marker_rule){ 5, 1, FUTEX_COMMAND, FUTEX_WAKE };
		return 2;
	case SYS_recvfrom:
	case SYS_sendto:
	case SYS_epoll_pwait:
	case SYS_epoll_pwait2:
		out[0] = (struct deja_marker_rule){ 5, 4, ~0ull, 0 };
		return 1;
	case SYS_preadv2:
	case SYS_pwritev2:
		out[0] = (struct deja_marker_rule){ 4, -1, 0, 0 };
		return 1;
	case SYS_pselect6:
	case SYS_process_vm_readv:
	case SYS_process_vm_writev:
	case SYS_copy_file_range: /* flags, which must be 0 */
		return 0;
	default:
		out[0] = plain;
		return 1;
	}
}
