/*
 * spin_moves.c: a thread interrupted in code it then leaves for good, for
 * spin_moves.sh.  Main fills 256 MiB of fresh memory with one `rep stosb`
 * (an instruction that runs for a long time, faulting in each page), so
 * deja's first interrupt lands on it; then it spins on a flag the worker
 * sets.  The instruction the interrupt found is never passed again, so a
 * breakpoint on it never sees the spin: the thread must be looked at
 * again where it is now.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/mman.h>

#define FILL_BYTES (256UL << 20)

static atomic_int flag;

static void *worker(void *arg)
{
	(void)arg;
	atomic_store(&flag, 1);
	return NULL;
}

/* One instruction for the whole fill, in the program's own code. */
static void fill(void *p, unsigned long n)
{
	__asm__ volatile("rep stosb" : "+D"(p), "+c"(n) : "a"(0x5a) : "memory");
}

int main(void)
{
	unsigned char *p = mmap(NULL, FILL_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 2;
	pthread_t t;
	if (pthread_create(&t, NULL, worker, NULL) != 0)
		return 2;
	fill(p, FILL_BYTES);
	while (!atomic_load(&flag))
		;
	pthread_join(t, NULL);
	printf("done %x\n", p[FILL_BYTES - 1]);
	return 0;
}
