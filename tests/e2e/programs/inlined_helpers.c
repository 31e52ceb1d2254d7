/* inlined_helpers.c: a word table whose lookup and insert are static
 * helpers that gcc inlines into the worker at -O1 (each is called once).
 * add_word() looks a word up in one critical section and inserts it in
 * another, so two workers adding the same new word both insert it, and
 * main aborts.  Used by inlined_names.sh: a lock taken in a helper must
 * be named by the helper, whose line it is, not by the worker. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXW 8
static const char *words[MAXW];
static int nwords;
static pthread_mutex_t table = PTHREAD_MUTEX_INITIALIZER;

static int find_word(const char *w)
{
	int at = -1;
	pthread_mutex_lock(&table); /* lock in find_word */
	for (int i = 0; i < nwords; i++)
		if (strcmp(words[i], w) == 0)
			at = i;
	pthread_mutex_unlock(&table);
	return at;
}

static void insert_word(const char *w)
{
	pthread_mutex_lock(&table); /* lock in insert_word */
	if (nwords < MAXW)
		words[nwords++] = w;
	pthread_mutex_unlock(&table);
}

static void add_word(const char *w)
{
	if (find_word(w) < 0)
		insert_word(w); /* the bug: found absent then, maybe present now */
}

static void *worker(void *arg)
{
	add_word(arg);
	return NULL;
}

int main(void)
{
	pthread_t a, b;
	pthread_create(&a, NULL, worker, "the");
	pthread_create(&b, NULL, worker, "the");
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	if (nwords != 1) {
		fprintf(stderr, "'the' is in the table %d times\n", nwords);
		abort();
	}
	return 0;
}
