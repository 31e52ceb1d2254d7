/*
 * own_maps.c: whether a span of the process's own memory can be read,
 * from /proc/self/maps, with raw syscalls only (it is asked inside a
 * signal handler: interrupts.c, which hashes a thread's stack and must
 * not fault on a gap or a guard page on the way).
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/syscall.h>

/* One line's "START-END PERMS": parsed as far as *p allows. */
struct maps_line {
	uint64_t lo, hi;
	bool readable;
};

/* The line that starts at p (ending before end, its newline excluded). */
static bool parse_line(const char *p, const char *end, struct maps_line *l)
{
	p = rt_parse_hex(p, end, &l->lo);
	if (p >= end || *p++ != '-')
		return false;
	p = rt_parse_hex(p, end, &l->hi);
	if (p >= end || *p++ != ' ' || p >= end)
		return false;
	l->readable = *p == 'r';
	return true;
}

bool rt_maps_readable(uint64_t lo, uint64_t hi)
{
	long fd = rt_syscall3(SYS_openat, AT_FDCWD, "/proc/self/maps", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	/* Lines are far shorter than the buffer; one cut at its end is
	 * carried into the next read. */
	char buf[4096];
	size_t have = 0;
	bool found = false, done = false;
	while (!done) {
		long n = rt_syscall3(SYS_read, fd, buf + have, sizeof(buf) - have);
		if (n <= 0)
			break;
		have += (size_t)n;
		char *line = buf, *end = buf + have;
		for (char *nl; !done && (nl = __builtin_memchr(line, '\n', (size_t)(end - line)));
		     line = nl + 1) {
			struct maps_line l;
			if (parse_line(line, nl, &l) && l.lo <= lo && lo < l.hi) {
				found = l.readable && hi <= l.hi;
				done = true;
			}
		}
		have = (size_t)(end - line);
		__builtin_memmove(buf, line, have);
		if (have == sizeof(buf))
			break; /* no line fits: not a maps file we know */
	}
	rt_syscall1(SYS_close, fd);
	return found;
}
