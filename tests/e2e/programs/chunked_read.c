/*
 * chunked_read.c FILE: reads FILE in pieces of uneven sizes (primes from
 * one byte to 128 KiB, some through readv into two buffers), so that a
 * replay's streamed feed has entries that straddle its ring's end, and
 * prints how many bytes came and a checksum of them.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/uio.h>
#include <unistd.h>

static const size_t sizes[] = { 4093, 131071, 1, 65521, 7919, 100003, 17, 32749 };

static uint64_t fnv(uint64_t sum, const unsigned char *p, ssize_t n)
{
	for (ssize_t i = 0; i < n; i++)
		sum = (sum ^ p[i]) * 1099511628211ull;
	return sum;
}

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	int fd = open(argv[1], O_RDONLY);
	if (fd < 0)
		return 2;
	static unsigned char a[131071], b[65521];
	uint64_t sum = 1469598103934665603ull, total = 0;
	for (size_t i = 0;; i++) {
		size_t want = sizes[i % (sizeof(sizes) / sizeof(sizes[0]))];
		ssize_t n;
		if (i % 3 == 2) {
			struct iovec iov[2] = { { a, want / 2 + 1 }, { b, 333 } };
			n = readv(fd, iov, 2);
			if (n > 0) {
				size_t first = (size_t)n < iov[0].iov_len ? (size_t)n : iov[0].iov_len;
				sum = fnv(sum, a, (ssize_t)first);
				sum = fnv(sum, b, n - (ssize_t)first);
			}
		} else {
			n = read(fd, a, want);
			sum = fnv(sum, a, n);
		}
		if (n <= 0)
			break;
		total += (uint64_t)n;
	}
	printf("read %llu bytes, fnv %016llx\n", (unsigned long long)total, (unsigned long long)sum);
	return 0;
}
