/*
 * corpora/aba_request/aba_request.c -- an optimistic reader validates by
 * re-reading an id, and the writer recycles ids (ABA).  Needs three
 * preemptions.
 *
 * The current request is an (id, payload) pair, and a payload carries the
 * id it was made for (id * 1000 + sequence number).  The client replaces
 * the request twice, each time atomically: request 1 becomes request 2,
 * then request 1 again with a new payload (ids come from a pool of two and
 * are reused).  The server reads the request without holding the lock
 * across its steps: the id, then the payload, then the id once more, and
 * accepts the pair when both ids agree.  That check is fooled when the id
 * goes 1 -> 2 -> 1 between its reads: the server then accepts id 1 with
 * request 2's payload, and its assert fires.
 *
 * Expected under the bad interleaving: SIGABRT from the assert.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#undef NDEBUG
#include <assert.h>
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int id = 1, payload = 1001; /* request 1 is there from the start */

static void submit(int new_id, int seq)
{
	pthread_mutex_lock(&lock);
	id = new_id;
	payload = new_id * 1000 + seq;
	pthread_mutex_unlock(&lock);
}

static void *client(void *arg)
{
	(void)arg;
	submit(2, 2);
	submit(1, 3); /* id 1 is free again: reuse it */
	return NULL;
}

static int read_locked(const int *field)
{
	pthread_mutex_lock(&lock);
	int v = *field;
	pthread_mutex_unlock(&lock);
	return v;
}

static void *server(void *arg)
{
	(void)arg;
	int first = read_locked(&id);
	int got = read_locked(&payload);
	int again = read_locked(&id);
	/* BUG: equal ids do not mean the same request once ids are reused. */
	if (first == again)
		assert(got / 1000 == first && "accepted another request's payload");
	return NULL;
}

int main(void)
{
	pthread_t c, s;
	pthread_create(&c, NULL, client, NULL);
	pthread_create(&s, NULL, server, NULL);
	pthread_join(c, NULL);
	pthread_join(s, NULL);
	printf("aba_request: ok\n");
	return 0;
}
