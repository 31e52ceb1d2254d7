/*
 * glib_pool.c: a GLib program, for glib.sh: a GThreadPool of 3 workers
 * sums 20 jobs under a GMutex and hands each back through a
 * GAsyncQueue, while a thread made with g_thread_new waits on a GCond
 * for main to say the pool is done.  GLib's locks and conditions wait in
 * raw futex calls, not through pthreads.  Prints the sums, the same on
 * every run.
 */
#include <glib.h>
#include <stdio.h>

static GMutex mutex;
static GCond done_cond;
static int done;
static long total;

static void work(gpointer data, gpointer user)
{
	GAsyncQueue *results = user;
	g_mutex_lock(&mutex);
	total += GPOINTER_TO_INT(data);
	g_mutex_unlock(&mutex);
	g_async_queue_push(results, data);
}

static gpointer waiter(gpointer arg)
{
	g_mutex_lock(&mutex);
	while (!done)
		g_cond_wait(&done_cond, &mutex);
	g_mutex_unlock(&mutex);
	return arg;
}

int main(void)
{
	GThread *w = g_thread_new("waiter", waiter, NULL);
	GAsyncQueue *results = g_async_queue_new();
	GThreadPool *pool = g_thread_pool_new(work, results, 3, FALSE, NULL);
	for (int i = 1; i <= 20; i++)
		g_thread_pool_push(pool, GINT_TO_POINTER(i), NULL);
	long got = 0;
	for (int i = 0; i < 20; i++)
		got += GPOINTER_TO_INT(g_async_queue_pop(results));
	g_thread_pool_free(pool, FALSE, TRUE);
	g_mutex_lock(&mutex);
	done = 1;
	g_cond_signal(&done_cond);
	g_mutex_unlock(&mutex);
	g_thread_join(w);
	g_async_queue_unref(results);
	printf("popped %ld, summed %ld\n", got, total);
	return 0;
}
