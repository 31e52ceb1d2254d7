/*
 * publish_early: an order violation: a pointer is published before the
 * object it points to is initialised.
 *
 * main allocates a table, stores its address in the plain global `table`
 * and only then fills it in (setup_table).  A reader thread polls `table`
 * (sleeping briefly between looks) and, once it sees the pointer, checks the
 * table's magic number.  If the reader looks between the store of the
 * pointer and the end of setup_table, it reads a half-built table and the
 * assert fails.  Between publishing and filling there is no
 * synchronisation call and no syscall: only ticks (deja cflags) let deja
 * preempt main there.
 */
#include <assert.h>
#include <pthread.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>

#define TABLE_MAGIC 0x7ab1e
#define SLOTS 32

struct table {
	int slots[SLOTS];
	int magic;
};

static struct table *table;

static void setup_table(struct table *t)
{
	for (int i = 0; i < SLOTS; i++)
		t->slots[i] = i * i;
	t->magic = TABLE_MAGIC;
}

static void *reader(void *arg)
{
	(void)arg;
	for (int tries = 0; tries < 100; tries++) {
		struct table *t = table;
		if (t) {
			assert(t->magic == TABLE_MAGIC);
			assert(t->slots[SLOTS - 1] == (SLOTS - 1) * (SLOTS - 1));
			return NULL;
		}
		usleep(1);
	}
	return NULL;
}

int main(void)
{
	pthread_t r;
	pthread_create(&r, NULL, reader, NULL);
	struct table *t = calloc(1, sizeof(*t));
	if (!t)
		return 2;
	table = t;       /* BUG: published ... */
	setup_table(t);  /* ... before it is initialised */
	pthread_join(r, NULL);
	printf("table ready: %d\n", table->magic == TABLE_MAGIC);
	free(t);
	return 0;
}
