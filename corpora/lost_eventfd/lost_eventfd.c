/*
 * corpora/lost_eventfd/lost_eventfd.c -- a wake-up through an eventfd,
 * skipped on a stale "busy" flag.
 *
 * A worker takes jobs from a queue under a mutex.  When it finds the queue
 * empty it counts the sleep in its statistics (under a mutex of their
 * own), marks itself idle and sleeps in epoll_wait on an eventfd.  To
 * spare a syscall per job, the producer writes the eventfd only when the
 * worker is idle.  But the worker marks itself idle AFTER it has looked at
 * the queue and let go of the mutex: a job pushed in that gap finds the
 * worker not yet idle, so nobody writes the eventfd, and the worker then
 * sleeps for ever beside a job.  main waits for the worker, which never
 * gets the last job (the "stop" job), so the program hangs.
 *
 * The flag is a C11 atomic, so the program has no data race in the C
 * sense; the bug is the order of "look at the queue" and "say I am idle".
 *
 * Expected under the bad interleaving: deadlock (no thread can run, and the
 * worker waits on an eventfd only this process holds).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define JOBS 3
#define STOP -1

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static int queue[JOBS + 1];
static int head, tail;
static atomic_int idle;
static int wake_fd, epoll_fd;
static int done_sum;
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static int sleeps;

/* The next job, or 0 when the queue is empty. */
static int take(int *job)
{
    pthread_mutex_lock(&m);
    int found = head < tail;
    if (found)
        *job = queue[head++];
    pthread_mutex_unlock(&m);
    return found;
}

static void sleep_until_woken(void)
{
    struct epoll_event ev;
    uint64_t count;
    pthread_mutex_lock(&stats_lock);
    sleeps++;
    pthread_mutex_unlock(&stats_lock);
    atomic_store(&idle, 1); /* BUG: too late, the queue was looked at before */
    epoll_wait(epoll_fd, &ev, 1, -1);
    atomic_store(&idle, 0);
    if (read(wake_fd, &count, sizeof(count)) != sizeof(count))
        perror("read");
}

static void *worker(void *arg)
{
    (void)arg;
    for (;;) {
        int job;
        if (!take(&job)) {
            sleep_until_woken();
            continue;
        }
        if (job == STOP)
            return NULL;
        done_sum += job;
    }
}

static void push(int job)
{
    pthread_mutex_lock(&m);
    queue[tail++] = job;
    pthread_mutex_unlock(&m);
    if (atomic_load(&idle)) { /* a write only when the worker sleeps */
        uint64_t one = 1;
        if (write(wake_fd, &one, sizeof(one)) != sizeof(one))
            perror("write");
    }
}

int main(void)
{
    wake_fd = eventfd(0, 0);
    epoll_fd = epoll_create1(0);
    struct epoll_event ev = { .events = EPOLLIN, .data.fd = wake_fd };
    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, wake_fd, &ev);
    pthread_t w;
    pthread_create(&w, NULL, worker, NULL);
    for (int i = 1; i < JOBS; i++)
        push(i);
    push(STOP);
    pthread_join(w, NULL);
    printf("lost_eventfd: ok, sum %d\n", done_sum);
    (void)sleeps;
    return 0;
}
