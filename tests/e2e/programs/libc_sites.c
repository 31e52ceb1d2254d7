/*
 * libc_sites.c: events libc makes for the program's calls, each on a line
 * of its own marked "site:NAME" for libc_sites.sh to find: an fopen's
 * openat, an fclose's write, a readdir's getdents64, a poll's wait, a
 * pause() a signal handler leaves by siglongjmp, and then a syscall()
 * (uname) made from main, which is not within the pause.  Given the
 * argument "assert", it fails an assertion instead, whose message's
 * write belongs at the assertion.
 */
#include <assert.h>
#include <dirent.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

static sigjmp_buf out_of_pause;

static void on_alarm(int sig)
{
	(void)sig;
	siglongjmp(out_of_pause, 1);
}

int main(int argc, char **argv)
{
	(void)argv;
	assert(argc == 1); /* site:assert */
	FILE *f = fopen("libc_sites.out", "w"); /* site:fopen */
	assert(f);
	fprintf(f, "written at the close\n");
	fclose(f); /* site:fclose */
	DIR *d = opendir(".");
	assert(d);
	int entries = 0;
	while (readdir(d)) /* site:readdir */
		entries++;
	closedir(d);
	poll(NULL, 0, 10); /* site:poll */
	signal(SIGALRM, on_alarm);
	if (sigsetjmp(out_of_pause, 1) == 0) {
		alarm(1);
		pause(); /* site:pause */
	}
	struct utsname u;
	long named = syscall(SYS_uname, &u); /* site:syscall */
	printf("entries %s, uname %s\n", entries >= 3 ? "found" : "missing", named == 0 ? "found" : "missing");
	return 0;
}
