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

/* futex: val3 (argument 5) is read by the BITSET, CMP_REQUEUE(_PI) and
 * WAKE_OP commands; the others (WAIT and WAKE, which the runtime's baton
 * and the program's plain waits use, REQUEUE, the PI locks, and
 * WAIT_REQUEUE_PI, for which the kernel sets val3 itself) leave it free.
 * A command the kernel does not know may read it in a later kernel: it is
 * taken as unmarkable. */
#define FUTEX_COMMAND 0x7f
#ifndef FUTEX_LOCK_PI2
#define FUTEX_LOCK_PI2 13
#endif

static bool futex_val3_free(long op)
{
	switch (op & FUTEX_COMMAND) {
	case FUTEX_WAIT:
	case FUTEX_WAKE:
	case FUTEX_REQUEUE:
	case FUTEX_LOCK_PI:
	case FUTEX_UNLOCK_PI:
	case FUTEX_TRYLOCK_PI:
	case FUTEX_WAIT_REQUEUE_PI:
	case FUTEX_LOCK_PI2:
		return true;
	default:
		return false;
	}
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
	case SYS_splice:
		return -1;
	default:
		return deja_marker_watched(nr) ? 5 : -1;
	}
}

bool deja_marker_rule_applies(const struct deja_marker_rule *r, const long a[6])
{
	if (r->cond_arg < 0)
		return true;
	uint64_t v = (uint64_t)a[r->cond_arg];
	if (r->cond_op == DEJA_COND_NE)
		return v != r->cond_value;
	return (v & r->cond_mask) == r->cond_value;
}

static struct deja_marker_rule futex_commands(int8_t slot, uint64_t mask, uint64_t cmd)
{
	return (struct deja_marker_rule){ .slot = slot, .cond_arg = 1,
					  .cond_op = DEJA_COND_MASKED_EQ,
					  .cond_mask = mask, .cond_value = cmd };
}

/* How many commands from cmd on (an aligned block, one masked comparison)
 * leave val3 free as cmd does. */
static uint64_t futex_block(uint64_t cmd)
{
	bool free3 = futex_val3_free((long)cmd);
	uint64_t size = 1;
	for (;;) {
		uint64_t bigger = size * 2;
		bool fits = cmd % bigger == 0 && cmd + bigger <= FUTEX_COMMAND + 1;
		for (uint64_t c = cmd + size; fits && c < cmd + bigger; c++)
			fits = futex_val3_free((long)c) == free3;
		if (!fits)
			return size;
		size = bigger;
	}
}

/* The commands in aligned blocks, a rule each: marked where val3 is free
 * (0-1, 3, 6-7, 8, 11, 13), reported whatever it is elsewhere (2, 4-5, 9,
 * 10, 12, 14-15, 16-31, 32-63, 64-127).  Few rules: the filter checks
 * them on every futex call the runtime makes. */
static size_t futex_rules(struct deja_marker_rule out[DEJA_MARKER_RULES_MAX])
{
	size_t n = 0;
	for (uint64_t cmd = 0; cmd <= FUTEX_COMMAND && n < DEJA_MARKER_RULES_MAX;) {
		uint64_t size = futex_block(cmd);
		int8_t slot = futex_val3_free((long)cmd) ? 5 : -1;
		out[n++] = futex_commands(slot, FUTEX_COMMAND & ~(size - 1), cmd);
		cmd += size;
	}
	return n;
}

size_t deja_marker_rules(long nr, struct deja_marker_rule out[DEJA_MARKER_RULES_MAX])
{
	if (!deja_marker_watched(nr))
		return 0;
	switch (nr) {
	case SYS_futex:
		return futex_rules(out);
	case SYS_recvfrom:
	case SYS_sendto:
	case SYS_epoll_pwait:
	case SYS_epoll_pwait2:
		out[0] = (struct deja_marker_rule){ .slot = 5, .cond_arg = 4,
						    .cond_op = DEJA_COND_MASKED_EQ,
						    .cond_mask = ~0ull, .cond_value = 0 };
		out[1] = (struct deja_marker_rule){ .slot = -1, .cond_arg = 4,
						    .cond_op = DEJA_COND_NE, .cond_value = 0 };
		return 2;
	case SYS_preadv2:
	case SYS_pwritev2:
		out[0] = (struct deja_marker_rule){ .slot = 4, .cond_arg = -1 };
		return 1;
	case SYS_pselect6:
	case SYS_process_vm_readv:
	case SYS_process_vm_writev:
	case SYS_copy_file_range:
	case SYS_splice:
		out[0] = (struct deja_marker_rule){ .slot = -1, .cond_arg = -1 };
		return 1;
	default:
		out[0] = (struct deja_marker_rule){ .slot = 5, .cond_arg = -1 };
		return 1;
	}
}
