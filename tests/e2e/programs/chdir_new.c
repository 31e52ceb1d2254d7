/*
 * chdir_new.c: changes into a directory that it creates only if the first
 * chdir fails, as `git init DIR` does, then works there by relative paths
 * and goes back up with fchdir.  Whether that first chdir succeeds is the
 * file system's answer, which a replay must give as recorded, whether the
 * directory is there by then or gone.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	assert(argc == 2);
	const char *dir = argv[1];
	if (chdir(dir) == 0) {
		printf("chdir %s: it was there\n", dir);
	} else {
		printf("chdir %s: %s, creating it\n", dir, strerror(errno));
		if (mkdir(dir, 0755) != 0 || chdir(dir) != 0) {
			perror(dir);
			return 1;
		}
	}
	char cwd[4096];
	assert(getcwd(cwd, sizeof(cwd)));
	const char *base = strrchr(cwd, '/');
	printf("now in %s\n", base ? base + 1 : cwd);

	int fd = open("note.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
	assert(fd >= 0);
	assert(write(fd, "written in the new directory\n", 29) == 29);
	close(fd);
	char buf[64] = { 0 };
	fd = open("note.txt", O_RDONLY);
	assert(fd >= 0);
	assert(read(fd, buf, sizeof(buf) - 1) == 29);
	close(fd);
	printf("read back: %s", buf);

	int up = open("..", O_RDONLY | O_DIRECTORY);
	assert(up >= 0);
	printf("fchdir ..: %d\n", fchdir(up));
	close(up);
	assert(getcwd(cwd, sizeof(cwd)));
	base = strrchr(cwd, '/');
	printf("back in %s\n", base ? base + 1 : cwd);
	char note[4200];
	snprintf(note, sizeof(note), "%s/note.txt", dir);
	printf("%s is there: %s\n", note, access(note, F_OK) == 0 ? "yes" : "no");
	return 0;
}
