/*
 * corpora/semaphore_misuse/semaphore_misuse.c -- semaphore initialised with
 * the wrong count.
 *
 * A "device" has exactly one slot and two users (main and one thread).
 * Its claim and release operations each take the device's internal mutex,
 * and the semaphore `slots` is supposed to make sure only one thread is
 * between claim and release.  But the
 * semaphore is initialised with 2 instead of 1, so it never makes anyone
 * wait.  Usually each thread claims and releases back to back and nothing
 * happens; if a second thread claims while the first one is between its
 * claim and its release, the device detects the double occupancy and the
 * program exits with status 1.
 *
 * Expected under the bad interleaving: exit status 1.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>

static sem_t slots;
static pthread_mutex_t dev_lock = PTHREAD_MUTEX_INITIALIZER;
static int dev_owner;     /* 0 = free, else id of the thread using it */
static int dev_uses;

static void device_claim(int id)
{
    pthread_mutex_lock(&dev_lock);
    if (dev_owner != 0) {
        fprintf(stderr, "semaphore_misuse: thread %d claimed the device "
                "while thread %d holds it\n", id, dev_owner);
        exit(1);
    }
    dev_owner = id;
    dev_uses++;
    pthread_mutex_unlock(&dev_lock);
}

static void device_release(int id)
{
    pthread_mutex_lock(&dev_lock);
    if (dev_owner == id)
        dev_owner = 0;
    pthread_mutex_unlock(&dev_lock);
}

static void use_device(int id)
{
    sem_wait(&slots);
    device_claim(id);
    device_release(id);
    sem_post(&slots);
}

static void *user(void *arg)
{
    use_device((int)(long)arg);
    return NULL;
}

int main(void)
{
    pthread_t t;
    /* BUG: the device has one slot, but the semaphore starts at 2. */
    sem_init(&slots, 0, 2);
    pthread_create(&t, NULL, user, (void *)2L);
    use_device(1);          /* main is user 1 */
    pthread_join(t, NULL);
    sem_destroy(&slots);
    printf("semaphore_misuse: ok, %d uses\n", dev_uses);
    return 0;
}
