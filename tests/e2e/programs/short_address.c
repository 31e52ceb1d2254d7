/*
 * short_address.c: accept, getsockname, getpeername and recvmsg into an
 * address buffer smaller than the address (a Unix socket's long path into
 * a struct sockaddr_in), put right before an inaccessible page.  The
 * kernel writes only the buffer's size and returns the whole length;
 * nothing may read or write past the buffer, natively, recorded or
 * replayed (short_address.sh).
 */
#include <assert.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* A sockaddr_in whose last byte is the last before a PROT_NONE page. */
static struct sockaddr_in *at_page_end(void)
{
	long page = sysconf(_SC_PAGESIZE);
	char *two = mmap(NULL, 2 * (size_t)page, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert(two != MAP_FAILED && mprotect(two + page, (size_t)page, PROT_NONE) == 0);
	return (struct sockaddr_in *)(two + page - sizeof(struct sockaddr_in));
}

static void show(const char *what, const struct sockaddr_in *addr, socklen_t len)
{
	printf("%s: length %u, family %u\n", what, (unsigned)len, (unsigned)addr->sin_family);
}

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	snprintf(un.sun_path, sizeof(un.sun_path), "%s", argv[1]);
	int srv = socket(AF_UNIX, SOCK_STREAM, 0);
	assert(srv >= 0 && bind(srv, (struct sockaddr *)&un, sizeof(un)) == 0 && listen(srv, 1) == 0);
	int cli = socket(AF_UNIX, SOCK_STREAM, 0);
	assert(connect(cli, (struct sockaddr *)&un, sizeof(un)) == 0);

	struct sockaddr_in *addr = at_page_end();
	socklen_t len = sizeof(*addr);
	int conn = accept(srv, (struct sockaddr *)addr, &len);
	assert(conn >= 0);
	show("accept", addr, len);
	len = sizeof(*addr);
	assert(getsockname(srv, (struct sockaddr *)addr, &len) == 0);
	show("getsockname", addr, len);
	len = sizeof(*addr);
	assert(getpeername(cli, (struct sockaddr *)addr, &len) == 0);
	show("getpeername", addr, len);

	/* A datagram's sender, through recvmsg, into the same short buffer. */
	char from_path[sizeof(un.sun_path)];
	snprintf(from_path, sizeof(from_path), "%s.sender", argv[1]);
	struct sockaddr_un from = { .sun_family = AF_UNIX };
	snprintf(from.sun_path, sizeof(from.sun_path), "%s", from_path);
	int rx = socket(AF_UNIX, SOCK_DGRAM, 0), tx = socket(AF_UNIX, SOCK_DGRAM, 0);
	unlink(argv[1]);
	assert(bind(rx, (struct sockaddr *)&un, sizeof(un)) == 0);
	assert(bind(tx, (struct sockaddr *)&from, sizeof(from)) == 0);
	assert(sendto(tx, "hi", 2, 0, (struct sockaddr *)&un, sizeof(un)) == 2);
	char data[8];
	struct iovec iov = { data, sizeof(data) };
	struct msghdr m = { .msg_name = addr, .msg_namelen = sizeof(*addr), .msg_iov = &iov,
			    .msg_iovlen = 1 };
	assert(recvmsg(rx, &m, 0) == 2);
	show("recvmsg", addr, m.msg_namelen);
	unlink(argv[1]);
	unlink(from_path);
	return 0;
}
