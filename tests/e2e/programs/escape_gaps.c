/*
 * escape_gaps.c: the watched syscalls no marker fits in (six arguments,
 * all read: runtime/syscall_marker.c) are watched all the same.
 *
 * First, with deja's trap on, the program makes each of them, so that the
 * runtime makes them for it: pselect6 with a signal mask, sendto and
 * recvfrom with an address (UDP on the loopback), epoll_pwait with a
 * signal mask, copy_file_range, process_vm_readv, FUTEX_WAKE_BITSET (one
 * bit and every bit), FUTEX_CMP_REQUEUE and a timed wait on a
 * CLOCK_MONOTONIC condition variable (FUTEX_WAIT_BITSET); and so does a
 * forked child after it has exec'd this program anew (its own image of
 * the runtime, which announces itself again).  None of these is an
 * escape, and none may be reported.  Then the main thread switches the
 * trap off, as escape_sud.c does, and makes raw pselect6, recvfrom with
 * an address, sendto with an address, epoll_pwait with a signal mask,
 * copy_file_range, process_vm_readv and FUTEX_WAKE_BITSET: each must be
 * reported once.  Their results differ between record and replay (the
 * replay feeds the descriptors back without opening them), so they are
 * not printed.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef PR_SET_SYSCALL_USER_DISPATCH
#define PR_SET_SYSCALL_USER_DISPATCH 59
#define PR_SYS_DISPATCH_OFF 0
#endif

struct place {
	int udp;
	struct sockaddr_in addr;
	int epoll;
	int in, out;
	uint32_t word;
};

static int udp_on_loopback(struct sockaddr_in *addr)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	*addr = (struct sockaddr_in){ .sin_family = AF_INET,
				      .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(*addr);
	if (s < 0 || bind(s, (struct sockaddr *)addr, len) != 0 ||
	    getsockname(s, (struct sockaddr *)addr, &len) != 0)
		return -1;
	return s;
}

static int setup(struct place *p)
{
	p->udp = udp_on_loopback(&p->addr);
	p->epoll = epoll_create1(0);
	p->in = open("gaps_in", O_RDWR | O_CREAT | O_TRUNC, 0600);
	p->out = open("gaps_out", O_RDWR | O_CREAT | O_TRUNC, 0600);
	p->word = 0;
	if (p->udp < 0 || p->epoll < 0 || p->in < 0 || p->out < 0)
		return -1;
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = p->udp };
	if (epoll_ctl(p->epoll, EPOLL_CTL_ADD, p->udp, &ev) != 0 ||
	    write(p->in, "gaps", 4) != 4)
		return -1;
	return 0;
}

/* The trap on: the runtime makes these calls for the program. */
static void managed_calls(struct place *p)
{
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	long sent = sendto(p->udp, "ping", 4, 0, (struct sockaddr *)&p->addr, sizeof(p->addr));
	fd_set rd;
	FD_ZERO(&rd);
	FD_SET(p->udp, &rd);
	struct timespec soon = { 1, 0 };
	int ready = pselect(p->udp + 1, &rd, NULL, NULL, &soon, &mask);
	struct epoll_event ev;
	int polled = epoll_pwait(p->epoll, &ev, 1, 1000, &mask);
	char buf[16];
	struct sockaddr_in from;
	socklen_t fromlen = sizeof(from);
	long got = recvfrom(p->udp, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fromlen);
	loff_t at = 0;
	long copied = copy_file_range(p->in, &at, p->out, NULL, 4, 0);
	char mine[4] = "vm!", theirs[4] = { 0 };
	struct iovec local = { theirs, sizeof(theirs) }, remote = { mine, sizeof(mine) };
	long peeked = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
	long woke1 = syscall(SYS_futex, &p->word, FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG, 1,
			     NULL, NULL, 1);
	long woke_any = syscall(SYS_futex, &p->word, FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG, 1,
				NULL, NULL, FUTEX_BITSET_MATCH_ANY);
	uint32_t other = 0;
	long requeued = syscall(SYS_futex, &p->word, FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG, 1,
				(void *)1L, &other, 0);
	pthread_condattr_t attr;
	pthread_cond_t cond;
	pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&cond, &attr);
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_nsec += 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&lock);
	int waited = pthread_cond_timedwait(&cond, &lock, &until);
	pthread_mutex_unlock(&lock);
	/* Not the sender's address nor what process_vm_readv read: a replay
	 * feeds recvfrom's bytes back, not its address, and process_vm_readv
	 * runs live there, on the pid getpid() gave in the recording. */
	printf("managed: sent %ld ready %d polled %d got %ld copied %ld woke %ld %ld requeued %ld "
	       "waited %s\n",
	       sent, ready, polled, got, copied, woke1, woke_any, requeued,
	       waited == ETIMEDOUT ? "timed out" : "?");
	(void)peeked;
	fflush(stdout);
}

/* In a new image of this program, in a forked child: the runtime's calls
 * from there are its own too. */
static int image_calls(void)
{
	sigset_t mask;
	sigemptyset(&mask);
	struct timespec soon = { 0, 1000 };
	int ready = pselect(0, NULL, NULL, NULL, &soon, &mask);
	char mine[4] = "vm!", theirs[4];
	struct iovec local = { theirs, sizeof(theirs) }, remote = { mine, sizeof(mine) };
	process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
	return ready == 0 ? 0 : 1;
}

static int child_image(void)
{
	pid_t child = fork();
	if (child == 0) {
		execl("/proc/self/exe", "escape_gaps", "image", (char *)NULL);
		_exit(127);
	}
	int status = -1;
	if (child < 0 || waitpid(child, &status, 0) != child)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* The trap off: the same calls straight to the kernel, each an escape. */
static void escaped_calls(struct place *p)
{
	uint64_t mask = 1u << (SIGUSR1 - 1);
	struct { const uint64_t *set; size_t size; } sigdata = { &mask, sizeof(mask) };
	struct timespec now = { 0, 0 };
	syscall(SYS_pselect6, 0, NULL, NULL, NULL, &now, &sigdata);
	syscall(SYS_sendto, p->udp, "pong", 4, MSG_DONTWAIT, &p->addr, sizeof(p->addr));
	char buf[16];
	struct sockaddr_in from;
	socklen_t fromlen = sizeof(from);
	syscall(SYS_recvfrom, p->udp, buf, sizeof(buf), MSG_DONTWAIT, &from, &fromlen);
	struct epoll_event ev;
	syscall(SYS_epoll_pwait, p->epoll, &ev, 1, 0, &mask, sizeof(mask));
	loff_t at = 0;
	syscall(SYS_copy_file_range, p->in, &at, p->out, NULL, 4, 0);
	char mine[4] = "vm!", theirs[4];
	struct iovec local = { theirs, sizeof(theirs) }, remote = { mine, sizeof(mine) };
	syscall(SYS_process_vm_readv, getpid(), &local, 1, &remote, 1, 0);
	syscall(SYS_futex, &p->word, FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 1);
}

int main(int argc, char **argv __attribute__((unused)))
{
	if (argc > 1)
		return image_calls();
	struct place p;
	if (setup(&p) != 0) {
		perror("setup");
		return 1;
	}
	managed_calls(&p);
	printf("child image: %d\n", child_image());
	fflush(stdout);
	if (prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_OFF, 0, 0, 0) != 0)
		perror("prctl");
	escaped_calls(&p);
	return 0;
}
