/*
 * tty_queries.c: the ioctl requests that ask about a terminal, recorded.
 *
 * ioctl runs live in a replay (INPUT_LIVE: its many structs are not
 * described), so isatty() asked the replay's own descriptors: a program
 * recorded on a terminal and replayed into a file or a pipe (`deja replay
 * T > log`, `| less`) found no terminal there, and Python buffered its
 * output otherwise, ls printed a name a line: the replay diverged.  The
 * requests that only ask (TCGETS and TCGETS2, which isatty and tcgetattr
 * make; TIOCGWINSZ, a terminal's size; FIONREAD and TIOCOUTQ, bytes
 * queued) are inputs: their result and the struct they fill are recorded
 * and given back.  Those that set a terminal's modes or size (TCSETS*,
 * TIOCSWINSZ) keep their recorded result too, and still run in a replay,
 * on whatever terminal the replay has.  Those about the terminal's
 * process groups name them by pid, which a replay's processes do not
 * have: the foreground group and the session (TIOCGPGRP, tcgetpgrp();
 * TIOCGSID, tcgetsid()) are inputs too (live, a child that compared
 * tcgetpgrp() with its fed getpgrp() found another answer), and setting
 * the foreground group (TIOCSPGRP, tcsetpgrp(): a shell's job control)
 * keeps its recorded result without running, since the recorded group
 * is no group of the replay's (pids.c: setpgid does not run there
 * either).  Other requests run live as before.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <asm/termbits.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

#include "syscall_table.h"

/* A query: the struct it fills at argument 2, of `size` bytes. */
static const struct deja_syscall_info *query(uint32_t size)
{
	static struct deja_syscall_info termios = { "ioctl", DEJA_SC_INPUT, 2, DEJA_SZ_FIXED,
						    sizeof(struct termios) };
	static struct deja_syscall_info termios2 = { "ioctl", DEJA_SC_INPUT, 2, DEJA_SZ_FIXED,
						     sizeof(struct termios2) };
	static struct deja_syscall_info winsize = { "ioctl", DEJA_SC_INPUT, 2, DEJA_SZ_FIXED,
						    sizeof(struct winsize) };
	static struct deja_syscall_info count = { "ioctl", DEJA_SC_INPUT, 2, DEJA_SZ_FIXED,
						  sizeof(int) };
	if (size == sizeof(struct termios))
		return &termios;
	if (size == sizeof(struct termios2))
		return &termios2;
	return size == sizeof(struct winsize) ? &winsize : &count;
}

static bool sets_terminal(unsigned long request)
{
	switch (request) {
	case TCSETS: case TCSETSW: case TCSETSF:
	case TCSETS2: case TCSETSW2: case TCSETSF2:
	case TIOCSWINSZ:
		return true;
	default:
		return false;
	}
}

const struct deja_syscall_info *rt_tty_query(const long a[6])
{
	static const struct deja_syscall_info result_only = { "ioctl", DEJA_SC_INPUT, -1,
							      DEJA_SZ_NONE, 0 };
	unsigned long request = (unsigned int)a[1]; /* an int to the kernel */
	switch (request) {
	case TCGETS:
		return query(sizeof(struct termios));
	case TCGETS2:
		return query(sizeof(struct termios2));
	case TIOCGWINSZ:
		return query(sizeof(struct winsize));
	case FIONREAD:
	case TIOCOUTQ:
		return query(sizeof(int));
	case TIOCGPGRP:
	case TIOCGSID:
		return query(sizeof(pid_t));
	case TIOCSPGRP:
		return &result_only;
	default:
		return sets_terminal(request) ? &result_only : NULL;
	}
}

bool rt_tty_replay_runs(long nr, const long a[6])
{
	return nr == SYS_ioctl && sets_terminal((unsigned int)a[1]);
}
