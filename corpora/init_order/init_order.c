/*
 * corpora/init_order/init_order.c -- order violation on initialisation.
 *
 * main starts a user thread and then loads the configuration object that
 * the user thread waits for.  load_config() publishes the object in one
 * critical section (sets `published`, wakes the user) and only in a SECOND
 * critical section fills in its fields.  The synchronisation is all there,
 * just in the wrong order.  If the user thread gets the mutex between
 * main's two sections, it sees a published but still zeroed object and the
 * assert on its magic number fails.
 *
 * Expected under the bad interleaving: assertion failure (SIGABRT).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#undef NDEBUG
#include <assert.h>
#include <pthread.h>
#include <stdio.h>

#define CONFIG_MAGIC 0x5eed

struct config {
    int magic;
    int workers;
};

static pthread_mutex_t cfg_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cfg_cv = PTHREAD_COND_INITIALIZER;
static struct config the_config;      /* static, so zeroed until loaded */
static struct config *published;      /* protected by cfg_lock */
static int used_workers;

static void load_config(void)
{
    /* BUG: publish first ... */
    pthread_mutex_lock(&cfg_lock);
    published = &the_config;
    pthread_cond_broadcast(&cfg_cv);
    pthread_mutex_unlock(&cfg_lock);

    /* ... initialise afterwards. */
    pthread_mutex_lock(&cfg_lock);
    the_config.workers = 4;
    the_config.magic = CONFIG_MAGIC;
    pthread_mutex_unlock(&cfg_lock);
}

static void *user(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&cfg_lock);
    while (published == NULL)
        pthread_cond_wait(&cfg_cv, &cfg_lock);
    assert(published->magic == CONFIG_MAGIC && "config used before init");
    used_workers = published->workers;
    pthread_mutex_unlock(&cfg_lock);
    return NULL;
}

int main(void)
{
    pthread_t u;
    pthread_create(&u, NULL, user, NULL);
    load_config();
    pthread_join(u, NULL);
    printf("init_order: ok, %d workers\n", used_workers);
    return 0;
}
