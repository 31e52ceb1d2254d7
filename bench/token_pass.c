/*
 * bench/token_pass.c -- synchronisation-heavy benchmark for deja.
 *
 * Two threads hand a token back and forth N times (default 50,000; override
 * with argv[1]) using one mutex and two condition variables.  Every pass is a
 * lock / signal / wait / unlock sequence, so this measures the per-operation
 * overhead of deja's serialised scheduler on pthread mutexes and condvars.
 *
 * Output (deterministic): "token_pass: passes=N"
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond_ping = PTHREAD_COND_INITIALIZER; /* turn == 0 */
static pthread_cond_t cond_pong = PTHREAD_COND_INITIALIZER; /* turn == 1 */

static int turn;          /* whose turn it is: 0 = ping, 1 = pong */
static long total_passes; /* passes to perform in total */
static long passes_done;  /* passes performed so far (protected by lock) */

struct player {
    int me;                   /* 0 or 1 */
    pthread_cond_t *my_cond;  /* signalled when it becomes my turn */
    pthread_cond_t *other_cond;
    long passes;              /* passes this player made */
};

static void die(const char *what, int err)
{
    fprintf(stderr, "token_pass: %s: %s\n", what, strerror(err));
    exit(2);
}

static void *play(void *arg)
{
    struct player *p = arg;
    int rc;

    if ((rc = pthread_mutex_lock(&lock)) != 0)
        die("pthread_mutex_lock", rc);
    for (;;) {
        while (turn != p->me && passes_done < total_passes) {
            if ((rc = pthread_cond_wait(p->my_cond, &lock)) != 0)
                die("pthread_cond_wait", rc);
        }
        if (passes_done >= total_passes)
            break;
        /* Holding the token: pass it to the other player. */
        passes_done++;
        p->passes++;
        turn = 1 - p->me;
        if ((rc = pthread_cond_signal(p->other_cond)) != 0)
            die("pthread_cond_signal", rc);
    }
    /* Wake the other player so it can observe termination too. */
    if ((rc = pthread_cond_signal(p->other_cond)) != 0)
        die("pthread_cond_signal", rc);
    if ((rc = pthread_mutex_unlock(&lock)) != 0)
        die("pthread_mutex_unlock", rc);
    return NULL;
}

int main(int argc, char **argv)
{
    long n = 50000;
    if (argc > 1) {
        char *end;
        errno = 0;
        n = strtol(argv[1], &end, 10);
        if (errno != 0 || *end != '\0' || end == argv[1] || n < 0) {
            fprintf(stderr, "usage: %s [PASSES]\n", argv[0]);
            return 2;
        }
    }
    total_passes = n;

    struct player players[2] = {
        { 0, &cond_ping, &cond_pong, 0 },
        { 1, &cond_pong, &cond_ping, 0 },
    };
    pthread_t tid[2];
    int rc;
    for (int i = 0; i < 2; i++)
        if ((rc = pthread_create(&tid[i], NULL, play, &players[i])) != 0)
            die("pthread_create", rc);
    for (int i = 0; i < 2; i++)
        if ((rc = pthread_join(tid[i], NULL)) != 0)
            die("pthread_join", rc);

    long sum = players[0].passes + players[1].passes;
    if (sum != n || passes_done != n) {
        fprintf(stderr, "token_pass: mismatch: %ld + %ld != %ld\n",
                players[0].passes, players[1].passes, n);
        return 1;
    }
    printf("token_pass: passes=%ld\n", n);
    return 0;
}
