/*
 * corpora/torn_request/torn_request.c -- a server reads a request in two
 * critical sections; the client replaces the request in between.  Needs
 * two preemptions.
 *
 * The client submits request 1 and then request 2, each atomically (id and
 * payload written under one lock).  The server takes the request's id in
 * one critical section and its payload in a second one, trusting that the
 * payload still belongs to that id.  It does not if the server takes id 1,
 * and request 2 replaces request 1 before the server takes the payload:
 * the server then pairs id 1 with payload 200 and its assert fires.
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
static int id, payload; /* the current request; id 0: none yet */

static void *client(void *arg)
{
	(void)arg;
	for (int req = 1; req <= 2; req++) {
		pthread_mutex_lock(&lock);
		id = req;
		payload = req * 100;
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

static void *server(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	int got_id = id;
	pthread_mutex_unlock(&lock);
	/* BUG: the request may have been replaced since we read its id. */
	pthread_mutex_lock(&lock);
	int got_payload = payload;
	pthread_mutex_unlock(&lock);
	if (got_id != 0)
		assert(got_payload == got_id * 100 && "payload of a later request");
	return NULL;
}

int main(void)
{
	pthread_t c, s;
	pthread_create(&c, NULL, client, NULL);
	pthread_create(&s, NULL, server, NULL);
	pthread_join(c, NULL);
	pthread_join(s, NULL);
	printf("torn_request: ok\n");
	return 0;
}
