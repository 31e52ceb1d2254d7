/*
 * deja-ticks.h: the tick counter that a program built with `deja cflags`
 * carries in itself, and that lets it link and run anywhere.
 *
 * `deja cflags` compiles every translation unit with
 * -fsanitize-coverage=trace-pc, which makes the compiler call
 * __sanitizer_cov_trace_pc at each basic block, and with -include of this
 * file, which defines that function (weak, so the copies of all units
 * become one per module: the program, each instrumented shared library).
 *
 * The interface with the runtime (runtime/ticks.c, tick_counters.c):
 *
 *   - __deja_ticks_left: per module and per thread, a countdown (weak,
 *     hidden, thread-local, 1 in .tdata so that each thread's first tick
 *     in the module reaches the runtime).  Each call subtracts 1; that is
 *     all the common path does: no call into the runtime, no indirect jump.
 *   - When it reaches 0 the stub tail-jumps to __deja_tick_due(&counter)
 *     with the basic block's own return address (the tick's call site in
 *     the trace).  Under deja, libdeja-runtime.so is preloaded and defines
 *     it: the runtime counts the thread's ticks as the sum over its
 *     modules' counters and sets each counter to when it must hear again.
 *     Anywhere else the weak reference is null and the stub returns; the
 *     counter goes on from 0 to 2^64 - 1, so a native run calls in once
 *     per thread and module and then never again.
 *
 * The address of __deja_tick_due is loaded through the GOT by hand,
 * because a non-PIE build would otherwise settle the weak reference to
 * null at link time.  The counter is reached local-exec in code for an
 * executable and initial-exec in code that may go into a shared library
 * (-fPIC without -fPIE); the linker relaxes the latter in an executable.
 * The stub follows the ordinary call ABI (so does every caller that the
 * compiler emits): it clobbers only %rax, %rdi and the flags, and the
 * runtime entry is an ordinary C function.  x86-64 only, like deja.
 *
 * Not part of the runtime: it is compiled into the user's program.
 */
#ifndef DEJA_TICKS_H
#define DEJA_TICKS_H

#ifdef __cplusplus
extern "C" {
#define DEJA_TICKS_VISIBILITY /* g++ declares the function itself */
#else
#define DEJA_TICKS_VISIBILITY __attribute__((visibility("hidden")))
#endif

#if defined(__clang__)
#define DEJA_TICKS_UNINSTRUMENTED __attribute__((no_sanitize("coverage")))
#else
#define DEJA_TICKS_UNINSTRUMENTED __attribute__((no_sanitize_coverage))
#endif

/* Ticks this thread may pass in this module before it calls in. */
__attribute__((weak, visibility("hidden"))) __thread unsigned long __deja_ticks_left = 1;

#if defined(__PIC__) && !defined(__PIE__)
/* Initial-exec: %rax holds the counter's offset from the thread pointer. */
#define DEJA_TICKS_COUNT "movq __deja_ticks_left@gottpoff(%rip), %rax\n\t" \
			 "subq $1, %fs:(%rax)\n\t"
#define DEJA_TICKS_ADDRESS "movq %fs:0, %rdi\n\t" \
			   "addq %rax, %rdi\n\t"
#else
/* Local-exec: the offset is a constant of the executable. */
#define DEJA_TICKS_COUNT "subq $1, %fs:__deja_ticks_left@tpoff\n\t"
#define DEJA_TICKS_ADDRESS "movq %fs:0, %rdi\n\t" \
			   "leaq __deja_ticks_left@tpoff(%rdi), %rdi\n\t"
#endif

/* Naked, so that whatever the program's optimisation level the common
 * path is these few instructions, and the runtime is reached by a tail
 * jump that leaves it the basic block's return address.  The countdown
 * comes first even natively: testing the runtime's address before it
 * (so that a native run would leave the counter alone) made
 * bench/compute_lock 15% slower under deja and no faster natively. */
__attribute__((weak, naked)) DEJA_TICKS_VISIBILITY DEJA_TICKS_UNINSTRUMENTED
void __sanitizer_cov_trace_pc(void)
{
	__asm__(DEJA_TICKS_COUNT
		"je 1f\n\t"
		"ret\n"
		"1:\n\t"
		DEJA_TICKS_ADDRESS
		".weak __deja_tick_due\n\t"
		"movq __deja_tick_due@GOTPCREL(%rip), %rax\n\t"
		"testq %rax, %rax\n\t"
		"jz 2f\n\t"
		"jmp *%rax\n"
		"2:\n\t"
		"ret\n\t");
}

#undef DEJA_TICKS_COUNT
#undef DEJA_TICKS_ADDRESS

#if defined(__clang__)
/* `deja cflags --stores` adds clang's trace-stores: a call before every
 * store to memory, with its address (ignored).  Each is a tick too, so a
 * load, add and store in one basic block (counter++ at -O0), or two stores
 * that publish and then initialise, can be split. */
#define DEJA_TICKS_STORE(name)                                               \
	__attribute__((weak, naked)) DEJA_TICKS_VISIBILITY                  \
	DEJA_TICKS_UNINSTRUMENTED void name(void *address)                   \
	{                                                                    \
		__asm__("jmp __sanitizer_cov_trace_pc@PLT\n\t");              \
	}
DEJA_TICKS_STORE(__sanitizer_cov_store1)
DEJA_TICKS_STORE(__sanitizer_cov_store2)
DEJA_TICKS_STORE(__sanitizer_cov_store4)
DEJA_TICKS_STORE(__sanitizer_cov_store8)
DEJA_TICKS_STORE(__sanitizer_cov_store16)
#undef DEJA_TICKS_STORE
#endif

#ifdef __cplusplus
}
#endif

#endif /* DEJA_TICKS_H */
