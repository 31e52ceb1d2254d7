/*
 * bench/compute_lock.c -- compute-bound benchmark for deja.
 *
 * Two threads each run WORK million iterations (default 400; override with
 * argv[1]) of native integer arithmetic (an LCG feeding an FNV-1a style hash
 * over a thread-local buffer).  Every 100,000 iterations a thread adds its
 * partial result into a mutex-protected shared accumulator, so locking is
 * rare and almost all time is spent in plain user-space code.  This measures
 * the overhead deja adds to a program that rarely synchronises.
 *
 * The shared accumulator is combined with addition (commutative), so the
 * printed result is deterministic regardless of the interleaving.
 *
 * Output (deterministic): "compute_lock: work=W iterations=I checksum=0x..."
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NTHREADS 2
#define CHUNK 100000L   /* iterations between accumulator updates */
#define BUFWORDS 1024   /* thread-local buffer (power of two) */

static pthread_mutex_t acc_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t shared_acc;      /* protected by acc_lock */
static long shared_updates;      /* protected by acc_lock */
static long iters_per_thread;

static void die(const char *what, int err)
{
    fprintf(stderr, "compute_lock: %s: %s\n", what, strerror(err));
    exit(2);
}

static void *worker(void *arg)
{
    uint64_t seed = (uint64_t)(uintptr_t)arg;
    uint64_t buf[BUFWORDS];
    uint64_t x = seed * 0x9E3779B97F4A7C15ULL + 1;
    uint64_t h = 0xCBF29CE484222325ULL;
    int rc;

    for (int i = 0; i < BUFWORDS; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        buf[i] = x;
    }

    long done = 0;
    while (done < iters_per_thread) {
        long n = iters_per_thread - done;
        if (n > CHUNK)
            n = CHUNK;
        for (long i = 0; i < n; i++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            unsigned idx = (unsigned)(x >> 54) & (BUFWORDS - 1);
            uint64_t v = buf[idx] ^ (x >> 29);
            h = (h ^ v) * 0x100000001B3ULL;
            buf[idx] = v + h;
        }
        done += n;

        if ((rc = pthread_mutex_lock(&acc_lock)) != 0)
            die("pthread_mutex_lock", rc);
        shared_acc += h;
        shared_updates++;
        if ((rc = pthread_mutex_unlock(&acc_lock)) != 0)
            die("pthread_mutex_unlock", rc);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    long work = 400; /* millions of iterations per thread */
    if (argc > 1) {
        char *end;
        errno = 0;
        work = strtol(argv[1], &end, 10);
        if (errno != 0 || *end != '\0' || end == argv[1] || work < 0 ||
            work > 1000000) {
            fprintf(stderr, "usage: %s [MILLION_ITERATIONS_PER_THREAD]\n",
                    argv[0]);
            return 2;
        }
    }
    iters_per_thread = work * 1000000L;

    pthread_t tid[NTHREADS];
    int rc;
    for (int i = 0; i < NTHREADS; i++)
        if ((rc = pthread_create(&tid[i], NULL, worker,
                                 (void *)(uintptr_t)(i + 1))) != 0)
            die("pthread_create", rc);
    for (int i = 0; i < NTHREADS; i++)
        if ((rc = pthread_join(tid[i], NULL)) != 0)
            die("pthread_join", rc);

    printf("compute_lock: work=%ld iterations=%ld updates=%ld "
           "checksum=0x%016" PRIx64 "\n",
           work, iters_per_thread * NTHREADS, shared_updates, shared_acc);
    return 0;
}
