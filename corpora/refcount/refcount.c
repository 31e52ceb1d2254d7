/*
 * corpora/refcount/refcount.c -- check-then-act on a reference count,
 * leading to a double free.
 *
 * main hands a shared buffer to two threads, so its reference count is 2.
 * buf_put() drops a reference in one critical section and, in a second
 * critical section, asks whether the count is now zero and frees the buffer
 * if so.  Normally only the thread that dropped the last reference sees
 * zero.  If both threads drop their reference before either looks at the
 * count, both see zero and both free the buffer.  The buffer lives in a
 * static pool whose free routine asserts it is not freed twice (no real
 * free(), so nothing undefined happens before the assert).
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
#include <string.h>

struct buf {
    pthread_mutex_t lock;
    int refs;
    int in_use;             /* 1 while allocated from the pool */
    char data[32];
};

static struct buf pool_slot = { PTHREAD_MUTEX_INITIALIZER, 0, 0, {0} };
static int frees;

static struct buf *buf_alloc(int refs)
{
    pool_slot.refs = refs;
    pool_slot.in_use = 1;
    return &pool_slot;
}

static void buf_free(struct buf *b)
{
    assert(b->in_use && "double free of shared buffer");
    b->in_use = 0;
    frees++;
}

static void buf_put(struct buf *b)
{
    pthread_mutex_lock(&b->lock);
    b->refs--;
    pthread_mutex_unlock(&b->lock);

    /* BUG: by now another thread may also have dropped its reference. */
    pthread_mutex_lock(&b->lock);
    if (b->refs == 0)
        buf_free(b);
    pthread_mutex_unlock(&b->lock);
}

static void *consumer(void *arg)
{
    struct buf *b = arg;
    pthread_mutex_lock(&b->lock);
    size_t n = strlen(b->data);
    pthread_mutex_unlock(&b->lock);
    (void)n;
    buf_put(b);
    return NULL;
}

int main(void)
{
    pthread_t t[2];
    struct buf *b = buf_alloc(2);
    strcpy(b->data, "hello");
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, consumer, b);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    printf("refcount: ok, %d free(s)\n", frees);
    return 0;
}
