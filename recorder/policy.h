/*
 * policy.h: the kernel-side syscall policy of a recorded or replayed run.
 */
#ifndef DEJA_POLICY_H
#define DEJA_POLICY_H

/* In the child, just before exec: install a seccomp filter (libseccomp)
 * under which every syscall the table marks UNSUPPORTED or REFUSED fails
 * with ENOSYS, in every process of the target's tree and from its very
 * first instruction, before any runtime is loaded (the runtime's own trap
 * does the same, and reports it, in the threads it manages); and every
 * syscall of a watched class made without the runtime's marker
 * (runtime/syscall_marker.h) stops until the supervisor, holding
 * *listener, answers it (escape_watch.h).  *listener is -1 when the kernel
 * refused to watch (escapes then go unreported).  From here on the caller
 * must make its own syscalls marked (escape_watch_marked_syscall).
 * Returns 0, or -1 with errno set. */
int policy_install(int *listener);

#endif /* DEJA_POLICY_H */
