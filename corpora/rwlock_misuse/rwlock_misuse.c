/*
 * corpora/rwlock_misuse/rwlock_misuse.c -- lost update through a
 * "read lock upgrade" done by unlocking and relocking.
 *
 * Two editors (main and one thread) each bump a shared version number.
 * bump_version() reads the current version under the read lock, drops the
 * read lock, takes the write lock and stores the value it read plus one.
 * pthread rwlocks cannot be upgraded atomically, so between the unlock and
 * the wrlock the other editor can do the same read; both then store the
 * same new version and one bump is lost.  main checks the final version and
 * exits with status 1.
 *
 * Expected under the bad interleaving: exit status 1.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_rwlock_t cfg_lock = PTHREAD_RWLOCK_INITIALIZER;
static int version;

static void bump_version(void)
{
    pthread_rwlock_rdlock(&cfg_lock);
    int seen = version;
    pthread_rwlock_unlock(&cfg_lock);

    /* BUG: "upgrade" by unlock + wrlock; `seen` may be stale by now. */
    pthread_rwlock_wrlock(&cfg_lock);
    version = seen + 1;
    pthread_rwlock_unlock(&cfg_lock);
}

static void *editor(void *arg)
{
    (void)arg;
    bump_version();
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, editor, NULL);
    bump_version();         /* main is the second editor */
    pthread_join(t, NULL);
    if (version != 2) {
        fprintf(stderr, "rwlock_misuse: lost update: version %d, expected 2\n",
                version);
        exit(1);
    }
    printf("rwlock_misuse: ok, version %d\n", version);
    return 0;
}
