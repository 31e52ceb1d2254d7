/*
 * corpora/lock_order/lock_order.c -- lock-order (ABBA) deadlock.
 *
 * transfer(from, to) locks the source account, then the destination.  One
 * thread moves money from A to B while another moves money from B to A, so
 * the two threads take the same two mutexes in opposite orders.  If each
 * thread gets its first lock before the other asks for its second, both wait
 * for each other forever.
 *
 * Expected under the bad interleaving: deadlock.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <stdio.h>

struct account {
    pthread_mutex_t lock;
    int balance;
};

static struct account acct_a = { PTHREAD_MUTEX_INITIALIZER, 100 };
static struct account acct_b = { PTHREAD_MUTEX_INITIALIZER, 100 };

/* BUG: lock order depends on the direction of the transfer. */
static void transfer(struct account *from, struct account *to, int amount)
{
    pthread_mutex_lock(&from->lock);
    pthread_mutex_lock(&to->lock);
    from->balance -= amount;
    to->balance += amount;
    pthread_mutex_unlock(&to->lock);
    pthread_mutex_unlock(&from->lock);
}

static void *a_to_b(void *arg)
{
    (void)arg;
    transfer(&acct_a, &acct_b, 10);
    return NULL;
}

static void *b_to_a(void *arg)
{
    (void)arg;
    transfer(&acct_b, &acct_a, 20);
    return NULL;
}

int main(void)
{
    pthread_t t1, t2;
    pthread_create(&t1, NULL, a_to_b, NULL);
    pthread_create(&t2, NULL, b_to_a, NULL);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    printf("lock_order: ok, a=%d b=%d\n", acct_a.balance, acct_b.balance);
    return 0;
}
