/*
 * pty_session.c: a child on a pseudo-terminal of its own, made by
 * forkpty() (pty_session.sh).
 *
 * forkpty()'s child calls login_tty(): setsid(), then TIOCSCTTY to take
 * the terminal as its controlling one, which only a session leader may;
 * where that fails, glibc's forkpty() ends the child with exit 1.  The
 * child says whether it leads its session, whether its group is the
 * terminal's foreground one and the terminal's session its own (asked
 * by pid: tcgetpgrp(), tcgetsid()), and whether it can make its group
 * the foreground one (tcsetpgrp(), as a shell does for a job); the
 * parent prints what it read from the master side and how the child
 * ended.
 */
#include <pty.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static void child(void)
{
	printf("child: terminal %d, session leader %d, foreground %d, its session %d, set %d\n",
	       isatty(1), getsid(0) == getpid(), tcgetpgrp(1) == getpgrp(),
	       tcgetsid(1) == getsid(0), tcsetpgrp(1, getpgrp()) == 0);
	fflush(stdout);
	_exit(0);
}

int main(void)
{
	int master;
	pid_t pid = forkpty(&master, NULL, NULL, NULL);
	if (pid < 0) {
		perror("forkpty");
		return 2;
	}
	if (pid == 0)
		child();
	char all[4096];
	size_t got = 0;
	ssize_t n;
	while (got < sizeof(all) && (n = read(master, all + got, sizeof(all) - got)) > 0)
		got += (size_t)n; /* ends with EIO once the child has closed its side */
	int status;
	if (waitpid(pid, &status, 0) != pid) {
		perror("waitpid");
		return 2;
	}
	printf("parent read: %.*s", (int)got, all);
	printf("child ended: %s %d\n", WIFEXITED(status) ? "exit" : "signal",
	       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	return 0;
}
