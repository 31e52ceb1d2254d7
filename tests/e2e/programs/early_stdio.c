/*
 * early_stdio.c: linked with early_stdio_lib, whose constructor uses
 * stdio before deja's runtime starts; prints what it found.
 */
#include <stdio.h>

extern int early_lines;

int main(void)
{
	printf("main sees %d line(s) read early\n", early_lines);
	return early_lines == 1 ? 0 : 1;
}
