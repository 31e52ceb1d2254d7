/*
 * corpora/atomicity/atomicity.c -- atomicity violation across two critical
 * sections.
 *
 * A shared account starts with 100.  Two customers (main and one thread)
 * each withdraw 80.  withdraw() checks the balance under the lock, releases
 * the lock, and takes it again to subtract.  Each section is correctly
 * locked, but the check and the update are not one atomic step: if one
 * customer checks between the other's check and its debit, both
 * withdrawals go through and the balance goes negative, which the assert in
 * debit() catches.
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

static pthread_mutex_t account_lock = PTHREAD_MUTEX_INITIALIZER;
static int balance = 100;

static int balance_covers(int amount)
{
    pthread_mutex_lock(&account_lock);
    int ok = balance >= amount;
    pthread_mutex_unlock(&account_lock);
    return ok;
}

static void debit(int amount)
{
    pthread_mutex_lock(&account_lock);
    balance -= amount;
    assert(balance >= 0 && "account overdrawn");
    pthread_mutex_unlock(&account_lock);
}

/* BUG: check and debit are two separate critical sections. */
static int withdraw(int amount)
{
    if (!balance_covers(amount))
        return 0;
    debit(amount);
    return 1;
}

static void *customer(void *arg)
{
    (void)arg;
    withdraw(80);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, customer, NULL);
    withdraw(80);           /* main is the second customer */
    pthread_join(t, NULL);
    printf("atomicity: ok, balance %d\n", balance);
    return 0;
}
