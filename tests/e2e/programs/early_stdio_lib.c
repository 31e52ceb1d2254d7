/*
 * early_stdio_lib.c: a shared library whose constructor uses stdio (fopen,
 * fgets, printf, fclose) before deja's runtime has started: a dependency
 * of the program is initialised before the preloaded runtime, as
 * libselinux is in ls.
 */
#include <stdio.h>
#include <string.h>

int early_lines;

__attribute__((constructor)) static void read_early(void)
{
	FILE *f = fopen("/proc/self/cmdline", "r");
	char buf[256];
	if (f && fgets(buf, sizeof(buf), f))
		early_lines++;
	if (f)
		fclose(f);
	printf("constructor read %d line(s)\n", early_lines);
}
