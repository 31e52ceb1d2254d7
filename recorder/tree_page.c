/*
 * tree_page.c: the page every process of the target's tree shares (see
 * tree_page.h), in a memfd of its own: each process's channel is a memfd
 * of its own, which a forked child's runtime leaves, while this one stays
 * mapped in every process the target forks and is mapped again, from
 * DEJA_TREE_FD, by every image it execs.
 */
#define _GNU_SOURCE
#include "tree_page.h"

#include <limits.h>
#include <linux/futex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "processes.h"

static unsigned stall_seconds(void)
{
	const char *v = getenv("DEJA_OUTPUT_STALL_S");
	char *end;
	unsigned long s = v ? strtoul(v, &end, 10) : 0;
	return v && *v && !*end && s >= 1 && s <= 3600 ? (unsigned)s : TREE_STALL_S;
}

bool tree_page_open(struct tree_page *t)
{
	t->page = NULL;
	t->fd = memfd_create("deja-tree", MFD_CLOEXEC);
	if (t->fd < 0)
		return false;
	void *p = MAP_FAILED;
	if (ftruncate(t->fd, (off_t)sizeof(struct deja_tree)) == 0)
		p = mmap(NULL, sizeof(struct deja_tree), PROT_READ | PROT_WRITE, MAP_SHARED, t->fd,
			 0);
	if (p == MAP_FAILED) {
		close(t->fd);
		t->fd = -1;
		return false;
	}
	t->page = p;
	t->stall_s = stall_seconds();
	t->page->magic = DEJA_SHARED_MAGIC;
	t->page->version = DEJA_PROTOCOL_VERSION;
	return true;
}

void tree_page_reset(struct tree_page *t)
{
	t->events_seen = 0;
	t->still_since = 0;
	t->cpu_seen = 0;
	t->cpu_read_at = 0;
	if (!t->page)
		return;
	__atomic_store_n(&t->page->outputs, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&t->page->waiters, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&t->page->off, 0, __ATOMIC_RELEASE);
}

void tree_page_stop(struct tree_page *t)
{
	if (!t->page || __atomic_load_n(&t->page->off, __ATOMIC_ACQUIRE))
		return;
	__atomic_store_n(&t->page->off, 1, __ATOMIC_SEQ_CST);
	syscall(SYS_futex, &t->page->outputs, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

/* Whether the tree computed since the last read (once a second). */
static bool computing(struct tree_page *t, double now, const struct processes *children,
		      int32_t top)
{
	if (now - t->cpu_read_at < 1)
		return false;
	uint64_t ticks = processes_cpu_ticks(children, top);
	bool more = t->cpu_read_at != 0 && ticks > t->cpu_seen + TREE_COMPUTING_TICKS;
	t->cpu_seen = ticks;
	t->cpu_read_at = now;
	return more;
}

void tree_page_watch(struct tree_page *t, uint64_t events, const struct processes *children,
		     int32_t top)
{
	if (!t->page || __atomic_load_n(&t->page->off, __ATOMIC_ACQUIRE))
		return;
	if (!__atomic_load_n(&t->page->waiters, __ATOMIC_ACQUIRE)) { /* always so when recording */
		t->still_since = 0;
		t->cpu_read_at = 0;
		return;
	}
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	double now = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	if (t->still_since == 0 || events != t->events_seen || computing(t, now, children, top)) {
		t->events_seen = events;
		t->still_since = now;
		return;
	}
	if (now - t->still_since < t->stall_s)
		return;
	tree_page_stop(t);
	fprintf(stderr, "deja: the replayed processes waited %u s for each other's outputs: their"
			" order is given up for the rest of the run\n", t->stall_s);
}

void tree_page_close(struct tree_page *t)
{
	if (t->page)
		munmap(t->page, sizeof(struct deja_tree));
	if (t->fd >= 0)
		close(t->fd);
	t->page = NULL;
	t->fd = -1;
}
