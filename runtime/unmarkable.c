/*
 * unmarkable.c: the runtime's own calls of watched syscalls with no
 * argument the kernel ignores (see unmarkable.h and syscall_marker.h).
 *
 * The supervisor's filter reports such calls whatever their arguments, so
 * that one made outside the runtime is never missed.  The runtime's own
 * (mostly the program's calls it re-issues from the trap) are made here,
 * in one of two ways:
 *
 *  - as an exactly equivalent call that has a free argument, and so is
 *    marked and never reported: sendto with an address is sendmsg with one
 *    iovec and that address (the kernel builds the same message for both),
 *    FUTEX_WAKE_BITSET with every bit set is FUTEX_WAKE (the kernel makes
 *    FUTEX_WAKE that very call).  Only where nothing can differ: a sendto
 *    whose checks the kernel would make in another order (a bad buffer, an
 *    address length out of range) is left as it is;
 *  - otherwise from the one syscall instruction below, whose address the
 *    runtime announces: the supervisor's escape watch answers a report
 *    from there at once and counts nothing.  That costs a round trip to
 *    the supervisor's listener thread per call (pselect6, copy_file_range,
 *    process_vm_readv/writev, recvfrom with an address, epoll_pwait with a
 *    signal set, the futex commands that read val3).  recvfrom with an
 *    address is not made a recvmsg: the kernel reads the address length
 *    of recvfrom after the receive and that of recvmsg before it, and the
 *    runtime cannot read the program's length safely in its place.
 */
#define _GNU_SOURCE
#include "unmarkable.h"

#include <limits.h>
#include <linux/futex.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "runtime.h"

__asm__(
	".pushsection deja_text,\"ax\",@progbits\n"
	".globl rt_unmarkable_raw\n"
	".hidden rt_unmarkable_raw\n"
	".type rt_unmarkable_raw,@function\n"
	"rt_unmarkable_raw:\n"
	RT_SYSCALL_ARGUMENTS_ASM
	"	syscall\n"
	".globl rt_unmarkable_after\n"
	".hidden rt_unmarkable_after\n"
	"rt_unmarkable_after:\n"
	"	ret\n"
	".size rt_unmarkable_raw, .-rt_unmarkable_raw\n"
	".popsection\n");

long rt_unmarkable_raw(long nr, long a1, long a2, long a3, long a4, long a5, long a6);
extern const char rt_unmarkable_after[];

uintptr_t rt_unmarkable_ip(void)
{
	return (uintptr_t)rt_unmarkable_after;
}

/* The highest user address on x86-64 with four-level page tables: below
 * it, the kernel's access check of a buffer passes on any machine. */
#define USER_LIMIT 0x7ffffffff000ull

static bool user_range(long addr, long len)
{
	uint64_t a = (uint64_t)addr, n = (uint64_t)len;
	return a <= USER_LIMIT && n <= USER_LIMIT - a;
}

/* The kernel's flag for 32-bit callers, which user space does not see. */
#define KERNEL_MSG_CMSG_COMPAT 0x80000000u

/* sendto(fd, buf, len, flags, addr, addrlen) as sendmsg, when the kernel
 * cannot tell them apart: a length it would not cut to INT_MAX, a buffer
 * its first check passes (sendto checks it before the descriptor, sendmsg
 * after), an address length it takes as it is, no compat flag (sendmsg
 * refuses it). */
static bool sendto_as_sendmsg(const long a[6], long *result)
{
	int addrlen = (int)a[5];
	if (a[4] == 0 || addrlen <= 0 || addrlen > (int)sizeof(struct sockaddr_storage) ||
	    (uint64_t)a[2] > INT_MAX || !user_range(a[1], a[2]) ||
	    ((unsigned)a[3] & KERNEL_MSG_CMSG_COMPAT))
		return false;
	struct iovec iov = { .iov_base = (void *)a[1], .iov_len = (size_t)a[2] };
	struct msghdr msg = { .msg_name = (void *)a[4], .msg_namelen = (socklen_t)addrlen,
			      .msg_iov = &iov, .msg_iovlen = 1 };
	*result = rt_syscall(SYS_sendmsg, a[0], (long)&msg, (long)(unsigned)a[3], 0, 0, 0);
	return true;
}

#define FUTEX_COMMAND_BITS 0x7f

/* FUTEX_WAKE_BITSET with every bit set (val3 is 32 bits) is FUTEX_WAKE. */
static bool futex_as_wake(const long a[6], long *result)
{
	if ((a[1] & FUTEX_COMMAND_BITS) != FUTEX_WAKE_BITSET ||
	    (uint32_t)a[5] != FUTEX_BITSET_MATCH_ANY)
		return false;
	long op = (a[1] & ~(long)FUTEX_COMMAND_BITS) | FUTEX_WAKE;
	*result = rt_syscall(SYS_futex, a[0], op, a[2], a[3], a[4], 0);
	return true;
}

long rt_syscall_unmarkable(long nr, const long a[6])
{
	long r;
	if (nr == SYS_sendto && sendto_as_sendmsg(a, &r))
		return r;
	if (nr == SYS_futex && futex_as_wake(a, &r))
		return r;
	return rt_unmarkable_raw(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}
