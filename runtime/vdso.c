/*
 * vdso.c: the vDSO's clock and cpu functions made into real syscalls.
 *
 * The kernel's vDSO answers clock_gettime, gettimeofday, time and getcpu in
 * user space, with no syscall for the trap to see.  clock.c interposes
 * libc's wrappers, which is the fast path, but code that reaches the vDSO
 * another way (glibc's internal calls, a language runtime that looks the
 * vDSO up itself) would read the real clock behind deja's back, and its
 * replay would diverge.  So each process rewrites the entry of each of
 * these functions into the syscall of the same number
 *
 *     mov $NR, %eax; syscall; ret
 *
 * which the trap then handles like any other (virtual time, recorded cpu
 * numbers).  The write goes through /proc/self/mem, since the kernel does
 * not let the vDSO be made writable, and makes the process's own copy of
 * the page (copy on write): a fork keeps the rewrite, and an exec gets a
 * fresh vDSO and a new runtime, which rewrites it again.  The runtime's own
 * real clock reads therefore make raw syscalls.
 *
 * The symbols are found through the vDSO's section headers, which the
 * kernel maps with the rest of the image.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <elf.h>
#include <string.h>
#include <sys/auxv.h>
#include <fcntl.h>
#include <sys/syscall.h>

struct vdso_entry {
	const char *name;
	long nr;
};

static const struct vdso_entry entries[] = {
	{ "__vdso_clock_gettime", SYS_clock_gettime },
	{ "__vdso_gettimeofday", SYS_gettimeofday },
	{ "__vdso_time", SYS_time },
	{ "__vdso_getcpu", SYS_getcpu },
};

/* mov $imm32, %eax; syscall; ret */
#define STUB_LEN 8

struct vdso_image {
	const uint8_t *base;
	const Elf64_Sym *syms;
	size_t nsyms;
	const char *names;
	uintptr_t bias; /* address of the image's vaddr 0 */
};

static bool find_symbols(struct vdso_image *v)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)v->base;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_shoff == 0 || eh->e_shentsize != sizeof(Elf64_Shdr))
		return false;
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(v->base + eh->e_phoff);
	bool loaded = false;
	for (int i = 0; i < eh->e_phnum && !loaded; i++)
		if (ph[i].p_type == PT_LOAD) {
			v->bias = (uintptr_t)v->base + ph[i].p_offset - ph[i].p_vaddr;
			loaded = true;
		}
	const Elf64_Shdr *sh = (const Elf64_Shdr *)(v->base + eh->e_shoff);
	for (int i = 0; i < eh->e_shnum && loaded; i++) {
		if (sh[i].sh_type != SHT_DYNSYM || sh[i].sh_link >= eh->e_shnum)
			continue;
		v->syms = (const Elf64_Sym *)(v->base + sh[i].sh_offset);
		v->nsyms = sh[i].sh_size / sizeof(Elf64_Sym);
		v->names = (const char *)(v->base + sh[sh[i].sh_link].sh_offset);
		return true;
	}
	return false;
}

static const Elf64_Sym *lookup(const struct vdso_image *v, const char *name)
{
	for (size_t i = 0; i < v->nsyms; i++)
		if (strcmp(v->names + v->syms[i].st_name, name) == 0 && v->syms[i].st_value)
			return &v->syms[i];
	return NULL;
}

/* Through /proc/self/mem: the kernel lets no one make the vDSO writable
 * (mprotect fails), but a write there makes the process's own copy of the
 * page, as a debugger's breakpoint does. */
static bool rewrite(int mem, uint8_t *at, long nr)
{
	uint8_t stub[STUB_LEN] = { 0xb8, 0, 0, 0, 0, 0x0f, 0x05, 0xc3 };
	uint32_t imm = (uint32_t)nr;
	memcpy(stub + 1, &imm, sizeof(imm));
	long n = rt_syscall4(SYS_pwrite64, mem, stub, sizeof(stub), (long)(uintptr_t)at);
	return n == (long)sizeof(stub) && memcmp(at, stub, sizeof(stub)) == 0;
}

void rt_vdso_rewrite(void)
{
	struct vdso_image v = { .base = (const uint8_t *)getauxval(AT_SYSINFO_EHDR) };
	if (!v.base)
		return; /* no vDSO: every such call is a syscall already */
	if (!find_symbols(&v)) {
		rt_write_stderr("deja: the vDSO's symbols cannot be read: a direct vDSO "
				"clock read would escape deja\n");
		return;
	}
	int mem = (int)rt_syscall4(SYS_openat, AT_FDCWD, "/proc/self/mem", O_RDWR | O_CLOEXEC, 0);
	bool ok = mem >= 0;
	for (size_t i = 0; ok && i < sizeof(entries) / sizeof(entries[0]); i++) {
		const Elf64_Sym *s = lookup(&v, entries[i].name);
		if (s) /* else this kernel's vDSO does not offer it */
			ok = s->st_size >= STUB_LEN &&
			     rewrite(mem, (uint8_t *)(v.bias + s->st_value), entries[i].nr);
	}
	if (mem >= 0)
		rt_syscall1(SYS_close, mem);
	if (!ok)
		rt_write_stderr("deja: the vDSO's clock and cpu functions cannot be rewritten "
				"(/proc/self/mem): a direct vDSO call would escape deja\n");
}
