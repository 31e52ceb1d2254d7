/*
 * elf_static.h: is this executable statically linked (elf_static.c)?
 * Shared by the supervisor and the runtime.
 */
#ifndef DEJA_ELF_STATIC_H
#define DEJA_ELF_STATIC_H

#include <stdbool.h>
#include <stddef.h>

/* Bytes enough for the ELF header and the program headers of any usual
 * executable. */
#define DEJA_ELF_HEAD_BYTES 4096

/* True when `head` (the first `len` bytes of a file) is a 64-bit ELF
 * executable (ET_EXEC) without a PT_INTERP program header: statically
 * linked, so LD_PRELOAD cannot bring deja's runtime into it.  False for
 * anything else, including files too short or too odd to tell. */
bool deja_elf_is_static(const void *head, size_t len);

#endif /* DEJA_ELF_STATIC_H */
