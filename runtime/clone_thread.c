/*
 * clone_thread.c: threads made by a raw clone(), not by pthread_create().
 *
 * glibc makes some threads of its own by calling its internal thread
 * creation directly, past the exported pthread_create the runtime
 * interposes: the helper thread of SIGEV_THREAD timers, POSIX AIO's
 * workers.  Their clone() reaches the trap, inside the SIGSYS handler.  A
 * clone run from there would start the new thread inside the handler, on
 * its new stack, where the handler's frame is not; so the runtime makes
 * the clone itself (rt_clone_thread, below) and sends the new thread,
 * before anything else, into rt_cloned_thread_start: it becomes a thread
 * of the model, waits for its first turn, and then goes on where the
 * program's clone() returns, with 0, as the kernel would have sent it.
 * When it leaves, its exit() is trapped like any syscall: it ends in the
 * model there (trap.c).
 *
 * Only a clone that gives the thread its own thread-local storage
 * (CLONE_SETTLS, as glibc's always does) can be followed: the runtime's
 * own per-thread state lives there.  Nor is one followed in parallel
 * mode; each refusal says which it is.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <errno.h>
#include <sched.h>
#include <sys/syscall.h>

#include "model.h"
#include "syscall_marker.h"

/* long rt_clone_thread(flags, stack, ptid, ctid, tls, child, resume):
 * clone(flags, stack, ptid, ctid, tls); in the new thread, on its new
 * stack, rt_cloned_thread_start(child), then a jump to `resume` with
 * rax = 0.  Its syscall is in deja_text, which the trap lets through. */
long rt_clone_thread(long flags, void *stack, void *ptid, void *ctid, unsigned long tls,
		     long child, void *resume);
void rt_cloned_thread_start(long child);

__asm__(
	".pushsection deja_text,\"ax\",@progbits\n"
	".globl rt_clone_thread\n"
	".hidden rt_clone_thread\n"
	".type rt_clone_thread,@function\n"
	"rt_clone_thread:\n"
	"	pushq %r12\n"
	"	pushq %r13\n"
	"	movq 24(%rsp), %r12\n" /* resume: survives the syscall in both threads */
	"	movq %r9, %r13\n"      /* child */
	"	movq %rcx, %r10\n"     /* ctid: the kernel's fourth argument */
	"	movl $56, %eax\n"      /* SYS_clone */
	"	syscall\n"
	"	testq %rax, %rax\n"
	"	jz 1f\n"
	"	popq %r13\n"
	"	popq %r12\n"
	"	ret\n"
	"1:\n" /* the new thread, on the stack the program gave it */
	"	xorl %ebp, %ebp\n"
	"	movq %r13, %rdi\n"
	"	call rt_cloned_thread_start\n"
	"	xorl %eax, %eax\n"
	"	jmp *%r12\n"
	".size rt_clone_thread, .-rt_clone_thread\n"
	".popsection\n");

void rt_cloned_thread_start(long child)
{
	rt_unblock_own_signals(); /* it was cloned inside the SIGSYS handler */
	rt_interrupts_stack_top(__builtin_frame_address(0));
	rt_thread_enter((uint32_t)child);
}

static bool has_own_tls(long flags)
{
	const long thread = CLONE_VM | CLONE_THREAD | CLONE_SIGHAND | CLONE_SETTLS;
	return (flags & thread) == thread;
}

bool rt_clone_thread_followable(long flags)
{
	return has_own_tls(flags) && !rt.shared->parallel;
}

/* Why a thread's raw clone (of a managed thread when `managed`) fails:
 * in parallel mode it said "without thread-local storage of its own" of
 * glibc's SIGEV_THREAD helper, which has it, and the user looked for a
 * fault in the program (its timer never fired, the clone refused).
 * (C11's thrd_create came here too, until interpose_c11.c.) */
void rt_clone_thread_refused(long flags, bool managed)
{
	if (managed && has_own_tls(flags) && rt.shared->parallel)
		rt_write_stderr("deja: a thread glibc makes by itself with clone() (a SIGEV_THREAD"
				" timer's helper, a POSIX AIO worker) is not followed under"
				" --strategy parallel: its clone() fails with ENOSYS; record the"
				" program with a serialised strategy\n");
	else
		rt_write_stderr("deja: a raw clone() of a thread without thread-local"
				" storage of its own is not supported: it fails with"
				" ENOSYS\n");
}

long rt_clone_thread_follow(const long a[6], const greg_t *g, uint64_t site)
{
	/* glibc's clone() put the thread's function on its new stack: shown
	 * as the thread_create's argument, as pthread_create's is. */
	uint64_t fn = a[1] ? *(const uint64_t *)a[1] : 0;
	uint32_t child;
	int r = rt_thread_create_begin(fn, site, &child);
	if (r != 0)
		return -r;
	long tid = rt_clone_thread(a[0], (void *)a[1], (void *)a[2], (void *)a[3],
				   (unsigned long)a[4], child, (void *)g[REG_RIP]);
	if (tid >= 0) /* known before the thread first runs: glibc aims its
		       * SIGEV_THREAD timers at the helper thread's tid at once */
		rt.model->threads[child].os_tid = (int32_t)tid;
	rt_thread_create_end(child, tid >= 0, site);
	return tid;
}

long rt_clone_thread_exit(long nr, const long a[6], uint64_t site)
{
	rt_thread_end(rt_thread_exit_site(site), true);
	rt_trap_disarm();
	return rt_syscall1(nr, a[0]);
}
