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

#endif /* DEJA_UNMARKABLE_H */
