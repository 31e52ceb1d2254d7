/*
 * file_times.c: a file the program has just written is not stamped in its
 * future (file_times.sh).
 *
 * It works a while without a scheduling point (real time passes, virtual
 * time does not), writes a file, and compares the file's times (stat,
 * fstat, statx) with the clock (clock_gettime, time) read after; then a
 * forked child does the same.  Natively a file's times are never later
 * than the clock read after writing it.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile unsigned long sink;

/* Tens of milliseconds of real time, with no clock read: the virtual
 * clock does not move meanwhile. */
static void work_a_while(void)
{
	for (unsigned long i = 0; i < 40000000UL; i++)
		sink += i;
}

static int after(struct timespec file, struct timespec clock)
{
	return file.tv_sec > clock.tv_sec ||
	       (file.tv_sec == clock.tv_sec && file.tv_nsec > clock.tv_nsec);
}

static void check(const char *who, const char *path)
{
	work_a_while();
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, "x\n", 2) != 2)
		exit(2);
	struct stat by_fd, by_path;
	struct statx sx;
	fstat(fd, &by_fd);
	close(fd);
	stat(path, &by_path);
	statx(AT_FDCWD, path, 0, STATX_MTIME, &sx);
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	time_t t = time(NULL);
	struct timespec sx_mtime = { sx.stx_mtime.tv_sec, sx.stx_mtime.tv_nsec };
	printf("%s: fstat mtime %s\n", who, after(by_fd.st_mtim, now) ? "in the future" : "past");
	printf("%s: stat mtime %s\n", who, after(by_path.st_mtim, now) ? "in the future" : "past");
	printf("%s: statx mtime %s\n", who, after(sx_mtime, now) ? "in the future" : "past");
	printf("%s: time() %s\n", who, by_path.st_mtim.tv_sec > t ? "before the mtime" : "not before");
	fflush(stdout);
}

int main(void)
{
	check("parent", "file_times.parent");
	pid_t pid = fork();
	if (pid == 0) {
		check("child", "file_times.child");
		_exit(0);
	}
	int status;
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
