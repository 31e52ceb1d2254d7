/*
 * raw_syscall.c: the runtime's way into the kernel (unmarkable.c holds the rest).
 *
 * The syscall instructions live in their own section, deja_text.  The
 * in-process trap (trap.c) tells the kernel to let through every syscall
 * made from inside that section and to trap all others, so the runtime's
 * own calls pass while the target's are caught (unmarkable.c has one more,
 * for the calls no marker fits in).  The signal-return stub is
 * here for the same reason: returning from the SIGSYS handler is itself a
 * syscall and must come from the allowed range.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <sys/syscall.h>

#include "syscall_marker.h"
#include "unmarkable.h"

__asm__(
	".pushsection deja_text,\"ax\",@progbits\n"
	".globl rt_syscall_raw\n"
	".hidden rt_syscall_raw\n"
	".type rt_syscall_raw,@function\n"
	"rt_syscall_raw:\n"
	/* Unwind information, so that a debugger's backtrace goes on from
	 * here (the default rules: nothing pushed, the return address on
	 * top of the stack). */
	"	.cfi_startproc\n"
	RT_SYSCALL_ARGUMENTS_ASM
	"	syscall\n"
	/* The marker must not outlive the call in r8 or r9 (scratch
	 * registers, which the syscall keeps): glibc's wrappers leave the
	 * registers a call does not use as they find them, and a syscall
	 * glibc makes next for the runtime, or for a thread the runtime does
	 * not manage, would pass the filter as marked. */
	"	xorl %r8d, %r8d\n"
	"	xorl %r9d, %r9d\n"
	"	ret\n"
	"	.cfi_endproc\n"
	".size rt_syscall_raw, .-rt_syscall_raw\n"
	/* The signal-return stub's unwind information says where the
	 * interrupted code's registers are: in the ucontext the kernel
	 * saved, which the stack pointer points at once the handler has
	 * returned into the stub (its gregs from byte 40 on, 8 bytes each,
	 * in the order of REG_R8 .. REG_RIP).  With it a debugger's
	 * backtrace goes on from a handler (the syscall trap's) into the
	 * code the signal interrupted.  The nop is inside the same entry
	 * because unwinders look a return address minus one up. */
	"	.cfi_startproc\n"
	"	.cfi_signal_frame\n"
	"	.cfi_def_cfa %rsp, 0\n"
	"	.cfi_offset %r8, 40\n"
	"	.cfi_offset %r9, 48\n"
	"	.cfi_offset %r10, 56\n"
	"	.cfi_offset %r11, 64\n"
	"	.cfi_offset %r12, 72\n"
	"	.cfi_offset %r13, 80\n"
	"	.cfi_offset %r14, 88\n"
	"	.cfi_offset %r15, 96\n"
	"	.cfi_offset %rdi, 104\n"
	"	.cfi_offset %rsi, 112\n"
	"	.cfi_offset %rbp, 120\n"
	"	.cfi_offset %rbx, 128\n"
	"	.cfi_offset %rdx, 136\n"
	"	.cfi_offset %rax, 144\n"
	"	.cfi_offset %rcx, 152\n"
	"	.cfi_offset %rsp, 160\n"
	"	.cfi_offset 16, 168\n" /* the return address column: rip */
	"	nop\n"
	".globl rt_sigreturn_stub\n"
	".hidden rt_sigreturn_stub\n"
	".type rt_sigreturn_stub,@function\n"
	"rt_sigreturn_stub:\n"
	"	movq $15, %rax\n" /* SYS_rt_sigreturn */
	"	syscall\n"
	"	hlt\n"
	"	.cfi_endproc\n"
	".size rt_sigreturn_stub, .-rt_sigreturn_stub\n"
	/* rt_resume_context(greg_t *g): load every general register from a
	 * ucontext's gregs and jump to its rip (vfork emulation, exec.c). */
	".globl rt_resume_context\n"
	".hidden rt_resume_context\n"
	".type rt_resume_context,@function\n"
	"rt_resume_context:\n"
	"	movq 128(%rdi), %rax\n"  /* REG_RIP */
	"	movq %rax, rt_resume_rip(%rip)\n"
	"	pushq 136(%rdi)\n"       /* REG_EFL */
	"	popfq\n"
	"	movq 0(%rdi), %r8\n"
	"	movq 8(%rdi), %r9\n"
	"	movq 16(%rdi), %r10\n"
	"	movq 24(%rdi), %r11\n"
	"	movq 32(%rdi), %r12\n"
	"	movq 40(%rdi), %r13\n"
	"	movq 48(%rdi), %r14\n"
	"	movq 56(%rdi), %r15\n"
	"	movq 72(%rdi), %rsi\n"
	"	movq 80(%rdi), %rbp\n"
	"	movq 88(%rdi), %rbx\n"
	"	movq 96(%rdi), %rdx\n"
	"	movq 104(%rdi), %rax\n"
	"	movq 112(%rdi), %rcx\n"
	"	movq 120(%rdi), %rsp\n"
	"	movq 64(%rdi), %rdi\n"
	"	jmp *rt_resume_rip(%rip)\n"
	".size rt_resume_context, .-rt_resume_context\n"
	".popsection\n");

long rt_syscall_raw(long nr, long a1, long a2, long a3, long a4, long a5, long a6);

long rt_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	long a[6] = { a1, a2, a3, a4, a5, a6 };
	int slot = deja_marker_slot(nr, a);
	if (slot >= 0)
		a[slot] = (long)DEJA_SYSCALL_MARKER;
	else if (deja_marker_watched(nr))
		return rt_syscall_unmarkable(nr, a); /* no argument is free */
	return rt_syscall_raw(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

long rt_syscall_unmarked(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	return rt_syscall_raw(nr, a1, a2, a3, a4, a5, a6);
}

/* With the process's real id, which spares the supervisor asking /proc
 * whose thread it is, and the address of the runtime's unmarkable calls in
 * this image (syscall_marker.h). */
void rt_announce(int what)
{
	long pid = rt_syscall(SYS_getpid, 0, 0, 0, 0, 0, 0);
	rt_syscall_raw(SYS_getpid, what, pid, (long)rt_unmarkable_ip(), 0, 0,
		       (long)DEJA_SYSCALL_ANNOUNCE);
}

/* Where rt_resume_context jumps: it must not need a register. */
__attribute__((visibility("hidden"))) uint64_t rt_resume_rip;

#include <sys/ucontext.h>
_Static_assert(REG_R8 == 0 && REG_R15 == 7 && REG_RDI == 8 && REG_RSI == 9 &&
		       REG_RBP == 10 && REG_RBX == 11 && REG_RDX == 12 && REG_RAX == 13 &&
		       REG_RCX == 14 && REG_RSP == 15 && REG_RIP == 16 && REG_EFL == 17,
	       "rt_resume_context assumes the x86-64 gregs layout");

/* The linker provides these for any section whose name is a C identifier. */
extern const char __start_deja_text[] __attribute__((visibility("hidden")));
extern const char __stop_deja_text[] __attribute__((visibility("hidden")));

uintptr_t rt_text_start(void)
{
	return (uintptr_t)__start_deja_text;
}

uintptr_t rt_text_end(void)
{
	return (uintptr_t)__stop_deja_text;
}
