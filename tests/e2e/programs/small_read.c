/*
 * small_read.c: one read() of stdin into a 16-byte buffer on the stack.
 */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	char buf[16];
	ssize_t n = read(0, buf, sizeof(buf));
	printf("read %zd\n", n);
	return 0;
}
