/*
 * unmarkable.h: how the runtime makes the watched syscalls that cannot
 * carry the marker of syscall_marker.h (unmarkable.c).
 */
#ifndef DEJA_UNMARKABLE_H
#define DEJA_UNMARKABLE_H

#include <stdint.h>

/* Make syscall nr, which deja_marker_slot() found no free argument in:
 * as an exactly equivalent call that can be marked where there is one,
 * otherwise from the runtime's one unmarkable syscall instruction. */
long rt_syscall_unmarkable(long nr, const long a[6]);

/* Where the kernel sees that instruction (the address just after it,
 * where a syscall's instruction pointer stands): announced to the
 * supervisor with each announcement (rt_announce). */
uintptr_t rt_unmarkable_ip(void);

/* The instructions that move a C call's arguments (nr, a1..a6: rdi, rsi,
 * rdx, rcx, r8, r9, the stack) to where the syscall instruction wants
 * them (rax, rdi, rsi, rdx, r10, r8, r9), for the runtime's two syscall
 * stubs (raw_syscall.c, unmarkable.c). */
#define RT_SYSCALL_ARGUMENTS_ASM \
	"	movq %rdi, %rax\n"   /* nr */ \
	"	movq %rsi, %rdi\n"   /* a1 */ \
	"	movq %rdx, %rsi\n"   /* a2 */ \
	"	movq %rcx, %rdx\n"   /* a3 */ \
	"	movq %r8, %r10\n"    /* a4 */ \
	"	movq %r9, %r8\n"     /* a5 */ \
	"	movq 8(%rsp), %r9\n" /* a6 */

#endif /* DEJA_UNMARKABLE_H */
