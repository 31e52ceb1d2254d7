/*
 * syscall_table.h: the system calls the runtime knows (syscalls.def),
 * indexed by number.  Pure data, shared by the runtime (which dispatches on
 * it), the supervisor (which names syscalls in reports) and the unit test
 * that checks it against the kernel.
 */
#ifndef DEJA_SYSCALL_TABLE_H
#define DEJA_SYSCALL_TABLE_H

#include <stdint.h>

#define DEJA_SYSCALL_LIMIT 512 /* numbers at or above are unknown */

enum deja_syscall_class {
	DEJA_SC_UNKNOWN = 0, /* not in syscalls.def: handled as UNSUPPORTED */
	DEJA_SC_PASS,
	DEJA_SC_INPUT,
	DEJA_SC_INPUT_LIVE,
	DEJA_SC_OUTPUT,
	DEJA_SC_EMULATE,
	DEJA_SC_UNSUPPORTED,
	DEJA_SC_REFUSED,
	DEJA_SC_CLASS_COUNT
};

enum deja_size_kind {
	DEJA_SZ_NONE = 0,
	DEJA_SZ_RESULT,
	DEJA_SZ_ARG,
	DEJA_SZ_FIXED,
	DEJA_SZ_IOV,
	DEJA_SZ_MSG,
	DEJA_SZ_MMSG,
	DEJA_SZ_POLL,
	DEJA_SZ_EPOLL,
	DEJA_SZ_SOCKADDR,
	DEJA_SZ_RECVFROM,
	DEJA_SZ_FDSETS,
	DEJA_SZ_MSGQ,
	DEJA_SZ_MQ,
	DEJA_SZ_FIXED_PAIR,
	DEJA_SZ_SPECIAL,
};

struct deja_syscall_info {
	const char *name; /* NULL: unknown number */
	uint8_t klass;    /* enum deja_syscall_class */
	int8_t buf_arg;   /* -1: no buffer */
	uint8_t size_kind;
	uint32_t size;    /* FIXED: bytes; ARG, IOV, POLL: argument index */
};

/* The entry for nr; an entry with name NULL and class UNKNOWN if none. */
const struct deja_syscall_info *deja_syscall(long nr);
const char *deja_syscall_class_name(enum deja_syscall_class c);
/* The kernel number the table has for a name, or -1. */
long deja_syscall_number(const char *name);

#endif /* DEJA_SYSCALL_TABLE_H */
