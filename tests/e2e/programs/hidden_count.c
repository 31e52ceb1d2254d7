/*
 * hidden_count.c: a loop that computes, whose count lies further up the
 * stack than the top 128 bytes: the same straight-line work on the same
 * input at every pass (as SHA-256's unrolled rounds in `openssl speed`),
 * its counter in the caller's frame, past the callee's 512-byte block.
 * An alarm far off is armed, as `openssl speed` arms one to end its loop.
 *
 * Natively it prints "count 600000" and the hash.  Taken for a spin, it
 * was stopped with the clock jumped to the alarm, whose handler ended the
 * loop early; and a replay stopped it at another pass.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define PASSES 600000L

static volatile sig_atomic_t stop;

static void on_alarm(int sig)
{
	(void)sig;
	stop = 1;
}

#define R(i) h = (h ^ blk[i]) * 16777619u;
#define R4(i) R(i) R(i + 1) R(i + 2) R(i + 3)
#define R16(i) R4(i) R4(i + 4) R4(i + 8) R4(i + 12)
#define R64(i) R16(i) R16(i + 16) R16(i + 32) R16(i + 48)

/* No loop: each instruction runs once per call, with the same registers. */
__attribute__((noinline)) static unsigned work(const unsigned char *in)
{
	unsigned char blk[512];
	memcpy(blk, in, sizeof(blk));
	__asm__ volatile("" ::"r"(blk) : "memory");
	unsigned h = 2166136261u;
	R64(0) R64(64) R64(128) R64(192) R64(256) R64(320) R64(384) R64(448)
	return h;
}

int main(void)
{
	static unsigned char in[512];
	for (int i = 0; i < 512; i++)
		in[i] = (unsigned char)i;
	signal(SIGALRM, on_alarm);
	alarm(100);
	volatile long count; /* in this frame, far above work()'s */
	unsigned h = 0;
	for (count = 0; count < PASSES && !stop; count++)
		h = work(in);
	printf("count %ld h %x\n", (long)count, h);
	return 0;
}
