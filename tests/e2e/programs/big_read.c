/*
 * big_read.c FILE: reads FILE with one read() call into a buffer as large
 * as the file, and prints how many bytes came and a checksum of them.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	int fd = open(argv[1], O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0)
		return 2;
	unsigned char *buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return 2;
	ssize_t n = read(fd, buf, (size_t)st.st_size + 1);
	uint64_t sum = 1469598103934665603ull; /* FNV-1a */
	for (ssize_t i = 0; i < n; i++)
		sum = (sum ^ buf[i]) * 1099511628211ull;
	printf("read %zd bytes, fnv %016llx\n", n, (unsigned long long)sum);
	return 0;
}
