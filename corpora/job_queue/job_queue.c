/*
 * corpora/job_queue/job_queue.c -- check-then-blocking-pop on a job queue.
 *
 * main fills a queue with a few jobs and starts two workers.  Each worker
 * loops: ask "is the queue empty?" (one critical section); if not, pop a job
 * with a blocking pop that waits on a condition variable while the queue is
 * empty (a second critical section).  When only one job is left, both
 * workers can see "not empty"; the first pops the last job, the second
 * blocks in pthread_cond_wait forever because nobody will ever push again.
 * main then blocks in pthread_join: deadlock.
 *
 * Expected under the bad interleaving: deadlock.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <stdio.h>

#define NJOBS 3

struct queue {
    pthread_mutex_t lock;
    pthread_cond_t nonempty;
    int items[NJOBS];
    int head, count;
};

static struct queue q = {
    PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, {0}, 0, 0
};

static pthread_mutex_t done_lock = PTHREAD_MUTEX_INITIALIZER;
static int jobs_done;

static void queue_push(struct queue *qu, int job)
{
    pthread_mutex_lock(&qu->lock);
    qu->items[(qu->head + qu->count) % NJOBS] = job;
    qu->count++;
    pthread_cond_signal(&qu->nonempty);
    pthread_mutex_unlock(&qu->lock);
}

static int queue_empty(struct queue *qu)
{
    pthread_mutex_lock(&qu->lock);
    int empty = qu->count == 0;
    pthread_mutex_unlock(&qu->lock);
    return empty;
}

/* Blocking pop: waits until a job is available. */
static int queue_pop(struct queue *qu)
{
    pthread_mutex_lock(&qu->lock);
    while (qu->count == 0)
        pthread_cond_wait(&qu->nonempty, &qu->lock);
    int job = qu->items[qu->head];
    qu->head = (qu->head + 1) % NJOBS;
    qu->count--;
    pthread_mutex_unlock(&qu->lock);
    return job;
}

static void *worker(void *arg)
{
    (void)arg;
    /* BUG: "not empty" may be stale by the time queue_pop runs. */
    while (!queue_empty(&q)) {
        int job = queue_pop(&q);
        pthread_mutex_lock(&done_lock);
        jobs_done += job > 0;
        pthread_mutex_unlock(&done_lock);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[2];
    for (int i = 1; i <= NJOBS; i++)
        queue_push(&q, i);
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    printf("job_queue: ok, %d jobs done\n", jobs_done);
    return 0;
}
