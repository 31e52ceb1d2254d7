/*
 * spawn_fail.c: posix_spawn's errors, which its child reports.
 *
 * posix_spawn of a program that does not exist, of a file that is not
 * executable (/dev/null), through a PATH search that finds nothing, and with a file
 * action that fails: each must return the child's errno, as natively;
 * a program that runs and exits 3, or 127 of its own, must be spawned
 * and waited for.  Two threads spawn at once as well.  Prints one line.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const char *err_name(int e)
{
	return e == 0 ? "0" : e == ENOENT ? "ENOENT" : e == EACCES ? "EACCES" : strerror(e);
}

/* posix_spawn(p) of argv[0]; its result, and the exit status in *status. */
static int spawn(const char *path, bool search, posix_spawn_file_actions_t *fa, char *const argv[],
		 int *status)
{
	pid_t pid;
	int r = search ? posix_spawnp(&pid, path, fa, NULL, argv, environ)
		       : posix_spawn(&pid, path, fa, NULL, argv, environ);
	*status = -1;
	if (r == 0) {
		int st;
		assert(waitpid(pid, &st, 0) == pid);
		*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	}
	return r;
}

static void *spawner(void *arg)
{
	char *argv[] = { (char *)arg, NULL };
	int st;
	return (void *)(long)spawn(arg, false, NULL, argv, &st);
}

int main(void)
{
	int st;
	char *missing[] = { "/nonexistent/deja-prog", NULL };
	int e_missing = spawn(missing[0], false, NULL, missing, &st);
	char *searched[] = { "deja-no-such-prog", NULL };
	int e_search = spawn(searched[0], true, NULL, searched, &st);

	char *plain[] = { "/dev/null", NULL }; /* not an executable: EACCES */
	int e_plain = spawn(plain[0], false, NULL, plain, &st);

	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/nonexistent/deja-input", O_RDONLY, 0);
	char *sh3[] = { "sh", "-c", "exit 3", NULL };
	int e_action = spawn("/bin/sh", false, &fa, sh3, &st);
	posix_spawn_file_actions_destroy(&fa);

	int s3, s127;
	int e3 = spawn("/bin/sh", false, NULL, sh3, &s3);
	char *sh127[] = { "sh", "-c", "exit 127", NULL };
	int e127 = spawn("/bin/sh", false, NULL, sh127, &s127);
	assert(e3 == 0 && e127 == 0);

	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		assert(pthread_create(&t[i], NULL, spawner, missing[0]) == 0);
	int threads_ok = 1;
	for (int i = 0; i < 2; i++) {
		void *r;
		assert(pthread_join(t[i], &r) == 0);
		threads_ok &= (long)r == ENOENT;
	}
	printf("missing %s, searched %s, plain %s, action %s; sh %d %d; threads %s\n",
	       err_name(e_missing), err_name(e_search), err_name(e_plain), err_name(e_action), s3,
	       s127, threads_ok ? "ENOENT" : "wrong");
	return 0;
}
