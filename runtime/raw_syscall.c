/*
 * raw_syscall.c: the runtime's only way into the kernel.
 *
 * The syscall instructions live in their own section, deja_text.  The
 * in-process trap (trap.c) tells the kernel to let through every syscall
 * made from inside that section and to trap all others, so the runtime's
 * own calls pass while the target's are caught.  The signal-return stub is
 * here for the same reason: returning from the SIGSYS handler is itself a
 * syscall and must come from the allowed range.
 */
#include "runtime.h"

#include <sys/syscall.h>

__asm__(
	".pushsection deja_text,\"ax\",@progbits\n"
	".globl rt_syscall\n"
	".hidden rt_syscall\n"
	".type rt_syscall,@function\n"
	"rt_syscall:\n"
	"	movq %rdi, %rax\n"   /* nr */
	"	movq %rsi, %rdi\n"   /* a1 */
	"	movq %rdx, %rsi\n"   /* a2 */
	"	movq %rcx, %rdx\n"   /* a3 */
	"	movq %r8, %r10\n"    /* a4 */
	"	movq %r9, %r8\n"     /* a5 */
	"	movq 8(%rsp), %r9\n" /* a6 */
	"	syscall\n"
	"	ret\n"
	".size rt_syscall, .-rt_syscall\n"
	".globl rt_sigreturn_stub\n"
	".hidden rt_sigreturn_stub\n"
	".type rt_sigreturn_stub,@function\n"
	"rt_sigreturn_stub:\n"
	"	movq $15, %rax\n" /* SYS_rt_sigreturn */
	"	syscall\n"
	"	hlt\n"
	".size rt_sigreturn_stub, .-rt_sigreturn_stub\n"
	".popsection\n");

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
