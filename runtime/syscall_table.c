/*
 * syscall_table.c: syscalls.def turned into a table indexed by number.
 */
#define _GNU_SOURCE
#include "syscall_table.h"

#include <signal.h>
#include <sched.h>
#include <stddef.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/timex.h>
#include <sys/utsname.h>
#include <time.h>

static const struct deja_syscall_info table[DEJA_SYSCALL_LIMIT] = {
#define DEJA_SYSCALL(n, c, arg, kind, sz) \
	[SYS_##n] = { #n, DEJA_SC_##c, arg, DEJA_SZ_##kind, (uint32_t)(sz) },
#include "syscalls.def"
#undef DEJA_SYSCALL
};

static const struct deja_syscall_info unknown = { NULL, DEJA_SC_UNKNOWN, -1, DEJA_SZ_NONE, 0 };

const struct deja_syscall_info *deja_syscall(long nr)
{
	if (nr < 0 || nr >= DEJA_SYSCALL_LIMIT || !table[nr].name)
		return &unknown;
	return &table[nr];
}

const char *deja_syscall_class_name(enum deja_syscall_class c)
{
	static const char *const names[] = {
		"unknown", "pass", "input", "input_live", "output", "emulate", "unsupported",
		"refused",
	};
	_Static_assert(sizeof(names) / sizeof(names[0]) == DEJA_SC_CLASS_COUNT,
		       "a syscall class without a name");
	return (unsigned)c < DEJA_SC_CLASS_COUNT ? names[c] : "?";
}

long deja_syscall_number(const char *name)
{
	for (long nr = 0; nr < DEJA_SYSCALL_LIMIT; nr++)
		if (table[nr].name && strcmp(table[nr].name, name) == 0)
			return nr;
	return -1;
}
