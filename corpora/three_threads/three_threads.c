/*
 * corpora/three_threads/three_threads.c -- a lost-update bug among three
 * threads; one preemption is enough to see it (see README.md).
 *
 * Three voters each add their vote to a shared tally with a split
 * read / write: read the tally in one critical section, write tally+1 in a
 * second one.  All three vote yes, and the decision only needs a majority
 * (2 of 3).  One lost update leaves the tally at 2, which still passes, so
 * the bug stays hidden.  The tally ends at 1 when all three voters read it
 * before any of them writes it back, or when one voter's stale write-back
 * comes after both others' votes; main then reports that the quorum was
 * missed and exits with status 1.
 *
 * Expected under the bad interleaving: exit status 1.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define NVOTERS 3
#define QUORUM 2

static pthread_mutex_t tally_lock = PTHREAD_MUTEX_INITIALIZER;
static int tally;

static void *voter(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&tally_lock);
    int seen = tally;
    pthread_mutex_unlock(&tally_lock);

    /* BUG: `seen` may be stale once we hold the lock again. */
    pthread_mutex_lock(&tally_lock);
    tally = seen + 1;
    pthread_mutex_unlock(&tally_lock);
    return NULL;
}

int main(void)
{
    pthread_t t[NVOTERS];
    for (int i = 0; i < NVOTERS; i++)
        pthread_create(&t[i], NULL, voter, NULL);
    for (int i = 0; i < NVOTERS; i++)
        pthread_join(t[i], NULL);
    if (tally < QUORUM) {
        fprintf(stderr, "three_threads: quorum missed: %d of %d yes votes "
                "counted, all %d voted yes\n", tally, NVOTERS, NVOTERS);
        exit(1);
    }
    printf("three_threads: ok, %d votes\n", tally);
    return 0;
}
