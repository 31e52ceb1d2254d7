/*
 * syscall_marker.h: how the kernel-side policy tells the runtime's own
 * syscalls from the ones that escape it.
 *
 * The supervisor's seccomp filter (recorder/policy.c) reports to the
 * supervisor every syscall of a watched class (deja_marker_watched) made
 * anywhere in the target's tree, unless it carries the marker: the value
 * DEJA_SYSCALL_MARKER in an argument register the kernel ignores for that
 * call.  The runtime puts it there on every syscall it makes itself
 * (raw_syscall.c), including the ones it re-issues for the program from the
 * trap, so that only syscalls that did not go through the runtime are
 * reported.  Syscall User Dispatch runs before seccomp, so a syscall the
 * trap catches never reaches the filter; only the runtime's re-issue does.
 *
 * Most syscalls take fewer than six arguments, and the sixth (r9) is free.
 * For the six-argument ones in the watched classes, the marker goes where
 * the kernel provably ignores it (below).  Where no argument is free (an
 * unmarkable call: pselect6, copy_file_range, futex's val3 commands, ...),
 * the filter reports the call whatever its arguments, and the runtime
 * makes its own such calls from one syscall instruction whose address it
 * announces (runtime/unmarkable.c): the escape watch takes a report from
 * there as the runtime's own.  Pure logic, shared by the runtime, the
 * supervisor and the unit tests.
 */
#ifndef DEJA_SYSCALL_MARKER_H
#define DEJA_SYSCALL_MARKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "deja" and a checksum-ish tail: a value no program passes by accident in
 * an argument the kernel ignores. */
#define DEJA_SYSCALL_MARKER 0x646a61a5ca11ed00ull

/*
 * Announcements: the runtime tells the supervisor, through the same
 * filter, what it is about to do, so that the reports that follow can be
 * told apart.  An announcement is getpid() (watched, and it ignores its
 * arguments) with DEJA_SYSCALL_ANNOUNCE in argument 5 instead of the marker,
 * what is announced in argument 0, the process id in argument 1 and the
 * address just after the runtime's unmarkable syscall instruction in
 * argument 2 (taken with DEJA_ANNOUNCE_STARTED: each image has its own).
 * The thread stops until the supervisor has taken it in, so the
 * supervisor's view is never behind.
 */
#define DEJA_SYSCALL_ANNOUNCE 0x646a61a5a770cee0ull

enum deja_announcement {
	DEJA_ANNOUNCE_STARTED = 1,   /* the runtime runs this process's image, and
	                                manages this thread */
	DEJA_ANNOUNCE_EXEC,          /* it is about to exec: the next image starts without it */
	DEJA_ANNOUNCE_THREAD_START,  /* this thread is managed from here on */
	DEJA_ANNOUNCE_THREAD_EXIT,   /* this thread has left the model: what is
	                                left is glibc's exit path */
	DEJA_ANNOUNCE_THREAD_ESCAPED, /* the program took this thread's syscall
	                                 dispatch over (prctl): it escapes */
};

/*
 * What the supervisor makes of it: a managed thread's syscalls all reach
 * the runtime (Syscall User Dispatch), except inside the runtime's own
 * calls into glibc (rt_libc_enter), where the trap is off: so an unmarked
 * syscall of a managed thread is the runtime's.  A thread that left the
 * model or had its dispatch taken over is announced as such; a thread
 * nobody announced, in a process whose runtime runs, escapes.
 */

/* The argument index carrying the marker for this call, given its
 * arguments, or -1 when no argument is free or the call is not watched:
 * a watched call with no free argument is unmarkable (reported whatever
 * its arguments; the runtime makes it from its announced instruction). */
int deja_marker_slot(long nr, const long args[6]);

/* Is this syscall's class watched by the kernel-side policy? */
bool deja_marker_watched(long nr);

/* How a rule's condition compares args[cond_arg]. */
enum deja_marker_cond {
	DEJA_COND_MASKED_EQ = 0, /* args[cond_arg] & cond_mask == cond_value */
	DEJA_COND_NE,            /* args[cond_arg] != cond_value */
};

/* One seccomp rule: report the call when the condition holds (none when
 * cond_arg is -1) and args[slot] is not the marker (whatever it is when
 * slot is -1: the unmarkable form). */
struct deja_marker_rule {
	int8_t slot;
	int8_t cond_arg;
	uint8_t cond_op; /* enum deja_marker_cond */
	uint64_t cond_mask;
	uint64_t cond_value;
};

/* Does args meet rule r's condition? */
bool deja_marker_rule_applies(const struct deja_marker_rule *r, const long args[6]);

/* futex's, the most: fifteen blocks of commands (syscall_marker.c). */
#define DEJA_MARKER_RULES_MAX 16

/* The rules that watch syscall nr; how many (0: not watched). */
size_t deja_marker_rules(long nr, struct deja_marker_rule out[DEJA_MARKER_RULES_MAX]);

#endif /* DEJA_SYSCALL_MARKER_H */
