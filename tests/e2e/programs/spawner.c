/*
 * spawner.c: the three ways a program starts another: system(), popen()
 * and posix_spawn() (all vfork-style clones in glibc); prints what each
 * gave back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <spawn.h>
#include <sys/wait.h>
extern char **environ;
int main(void) {
  int r = system("echo from system; exit 3");
  printf("system -> %d\n", WEXITSTATUS(r));
  FILE *p = popen("echo from popen", "r"); char line[64] = ""; fgets(line, sizeof line, p);
  printf("popen read: %s", line); printf("pclose -> %d\n", pclose(p));
  pid_t pid; char *argv[] = { "/bin/echo", "from spawn", NULL };
  int e = posix_spawn(&pid, "/bin/echo", NULL, NULL, argv, environ); int st; waitpid(pid, &st, 0);
  printf("spawn -> %d, status %d\n", e, WEXITSTATUS(st));
  return 0;
}
