/*
 * deja-ticks.h: the fallback that lets a program built with `deja cflags`
 * link and run anywhere.
 *
 * `deja cflags` compiles every translation unit with
 * -fsanitize-coverage=trace-pc, which makes the compiler call
 * __sanitizer_cov_trace_pc at each basic block, and with -include of this
 * file, which defines that function (weak, so the copies of all units
 * become one per module).  It jumps to __deja_tick, a weak reference
 * resolved when the program starts: under deja, libdeja-runtime.so is
 * preloaded and defines it (runtime/ticks.c counts the tick); anywhere
 * else it is null and the call returns at once.  The address is loaded
 * through the GOT by hand, because a non-PIE build would otherwise settle
 * the weak reference to null at link time.  x86-64 only, like deja.
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

/* Naked, so that whatever the program's optimisation level the runtime is
 * reached by a tail jump and sees the basic block's own return address
 * (the tick's call site in the trace). */
__attribute__((weak, naked)) DEJA_TICKS_VISIBILITY DEJA_TICKS_UNINSTRUMENTED
void __sanitizer_cov_trace_pc(void)
{
	__asm__(".weak __deja_tick\n\t"
		"movq __deja_tick@GOTPCREL(%rip), %rax\n\t"
		"testq %rax, %rax\n\t"
		"jz 1f\n\t"
		"jmp *%rax\n"
		"1:\n\t"
		"ret\n\t");
}

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
