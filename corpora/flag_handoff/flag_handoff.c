/*
 * flag_handoff: a one-slot mailbox handed between two threads with a plain
 * flag and no synchronisation.
 *
 * The producer waits (sleeping briefly) until `full` is clear, writes the next
 * number into `slot` and sets `full`.  The consumer waits until `full` is
 * set, clears it, and only then reads the slot (take_message): it gives the
 * slot back before it has used it.  If the producer runs between the two,
 * it overwrites the slot and the consumer sees a number out of sequence.
 * Between clearing the flag and reading the slot there is no
 * synchronisation call and no syscall: only ticks (deja cflags) let deja
 * preempt the consumer there.
 */
#include <assert.h>
#include <pthread.h>
#include <unistd.h>
#include <stdio.h>

#define MESSAGES 50

/* volatile makes the compiler keep every access, in program order (the
 * waits re-read the flag); it synchronises nothing. */
static volatile int full;
static volatile int slot;

static void *producer(void *arg)
{
	(void)arg;
	for (int i = 1; i <= MESSAGES; i++) {
		while (full)
			usleep(1);
		slot = i;
		full = 1;
	}
	return NULL;
}

/* noinline: as if it were in another file; inlined, its read of the slot
 * could share a basic block with the store to the flag. */
static __attribute__((noinline)) int take_message(int expected)
{
	int got = slot;
	if (got != expected)
		fprintf(stderr, "expected message %d, got %d\n", expected, got);
	return got;
}

static void *consumer(void *arg)
{
	(void)arg;
	for (int i = 1; i <= MESSAGES; i++) {
		while (!full)
			usleep(1);
		full = 0; /* BUG: the slot is given back ... */
		int got = take_message(i); /* ... before it is read */
		assert(got == i);
	}
	return NULL;
}

int main(void)
{
	pthread_t p, c;
	pthread_create(&p, NULL, producer, NULL);
	pthread_create(&c, NULL, consumer, NULL);
	pthread_join(p, NULL);
	pthread_join(c, NULL);
	printf("%d messages handed over\n", MESSAGES);
	return 0;
}
