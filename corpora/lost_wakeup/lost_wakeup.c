/*
 * corpora/lost_wakeup/lost_wakeup.c -- lost wakeup on a condition variable.
 *
 * The waiter looks at the `ready` flag WITHOUT holding the mutex and, if it
 * is not set yet, takes the mutex and waits on the condition variable once
 * (no re-check of the flag under the mutex).  If the signaller sets the flag
 * and signals in the gap between the waiter's unlocked check and its
 * pthread_mutex_lock, the signal finds nobody waiting and is lost; the
 * waiter then sleeps forever and main blocks in pthread_join.
 *
 * The flag is a C11 atomic so the program has no data race in the C sense;
 * the bug is purely the check-outside-the-lock protocol.
 *
 * Expected under the bad interleaving: deadlock.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready_cv = PTHREAD_COND_INITIALIZER;
static atomic_int ready;
static int payload;

static void *waiter(void *arg)
{
    (void)arg;
    /* BUG: flag checked outside the mutex, and no loop around the wait. */
    if (!atomic_load(&ready)) {
        pthread_mutex_lock(&m);
        pthread_cond_wait(&ready_cv, &m);
        pthread_mutex_unlock(&m);
    }
    return NULL;
}

static void *signaller(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&m);
    payload = 42;
    atomic_store(&ready, 1);
    pthread_cond_signal(&ready_cv);
    pthread_mutex_unlock(&m);
    return NULL;
}

int main(void)
{
    pthread_t w, s;
    pthread_create(&w, NULL, waiter, NULL);
    pthread_create(&s, NULL, signaller, NULL);
    pthread_join(w, NULL);
    pthread_join(s, NULL);
    printf("lost_wakeup: ok, payload %d\n", payload);
    return 0;
}
