/*
 * elf_static.c: is this executable statically linked?
 *
 * deja's runtime enters a program through LD_PRELOAD, which only the
 * dynamic loader honours: a statically linked executable (no PT_INTERP
 * program header) would run without it, untraced.  Both sides ask: the
 * supervisor before it starts the target, the runtime before it lets a
 * managed thread exec.  Pure: it looks at the file's first bytes, which
 * the caller has read.
 */
#include "elf_static.h"

#include <elf.h>
#include <string.h>

bool deja_elf_is_static(const void *head, size_t len)
{
	Elf64_Ehdr eh;
	if (len < sizeof(eh))
		return false;
	memcpy(&eh, head, sizeof(eh));
	/* Only ET_EXEC: a position-independent object without PT_INTERP is
	 * the dynamic loader itself (run as a program, it honours LD_PRELOAD
	 * like any), a shared library, or a static-pie executable, which the
	 * supervisor still catches after the fact (its runtime never starts). */
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_type != ET_EXEC || eh.e_phentsize != sizeof(Elf64_Phdr))
		return false;
	if (eh.e_phoff > len || (size_t)eh.e_phnum * sizeof(Elf64_Phdr) > len - eh.e_phoff)
		return false; /* program headers beyond what was read: cannot tell */
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		memcpy(&ph, (const char *)head + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type == PT_INTERP)
			return false;
	}
	return true;
}
