/*
 * ping_pong3.c: a two-step protocol that breaks only when both sides
 * interleave step by step.
 *
 * A sender publishes a message in two steps (header, then body), and a
 * receiver consumes in two steps (checks the header, then reads the body),
 * each step its own critical section.  The receiver trusts that once it
 * has seen a header, the body it reads next belongs to that header.  That
 * holds unless the sender is interrupted after the header (1), the
 * receiver takes the header (2), the sender publishes the body and then
 * the *next* header and body, and is interrupted again before it marks the
 * exchange done (3): the receiver then reads a body that does not match
 * its header while the exchange still looks open.  That is not the only
 * way: one preemption is enough (the sender stopped between header 2 and
 * body 200, before the receiver has read anything), as `deja hunt -s
 * ipb:1` shows; see README.md.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#undef NDEBUG
#include <assert.h>
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int header, body, done; /* 0: nothing yet */

static void *sender(void *arg)
{
	(void)arg;
	for (int msg = 1; msg <= 2; msg++) {
		pthread_mutex_lock(&lock);
		header = msg;
		pthread_mutex_unlock(&lock);
		pthread_mutex_lock(&lock);
		body = msg * 100;
		pthread_mutex_unlock(&lock);
	}
	pthread_mutex_lock(&lock);
	done = 1;
	pthread_mutex_unlock(&lock);
	return NULL;
}

static void *receiver(void *arg)
{
	(void)arg;
	int seen = 0;
	pthread_mutex_lock(&lock);
	seen = header;
	pthread_mutex_unlock(&lock);
	pthread_mutex_lock(&lock);
	int got = body, finished = done;
	pthread_mutex_unlock(&lock);
	/* BUG: while the exchange is open, the body may already belong to a
	 * later header. */
	if (seen != 0 && got != 0 && !finished)
		assert(got == seen * 100 && "body does not match the header it followed");
	return NULL;
}

int main(void)
{
	pthread_t s, r;
	pthread_create(&r, NULL, receiver, NULL);
	pthread_create(&s, NULL, sender, NULL);
	pthread_join(s, NULL);
	pthread_join(r, NULL);
	printf("ping_pong3: ok\n");
	return 0;
}
