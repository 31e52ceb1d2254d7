/*
 * tree_page.h: the page every process of the target's tree shares
 * (struct deja_tree in protocol.h; the runtime's side is
 * runtime/output_order.c), made and watched by the supervisor.
 */
#ifndef DEJA_TREE_PAGE_H
#define DEJA_TREE_PAGE_H

#include <stdbool.h>

#include "protocol.h"

/* How long a replay's outputs may wait for each other with no event made. */
#define TREE_STALL_S 10

struct tree_page {
	int fd; /* the memfd, handed to the target as DEJA_TREE_FD; -1: none */
	struct deja_tree *page;
	uint64_t events_seen;   /* the tree's events when the watch last looked */
	double still_since;     /* when they last changed (CLOCK_MONOTONIC s) */
};

/* Make it; false (errno set) if it cannot be. */
bool tree_page_open(struct tree_page *t);
/* A run starts: no output made, nobody waiting. */
void tree_page_reset(struct tree_page *t);
/* The run is stopped: a replayed output waits for no other. */
void tree_page_stop(struct tree_page *t);
/* Replay, now and then: `events` is how many the tree's processes have
 * made.  While outputs wait for their turns and no process makes an
 * event for TREE_STALL_S seconds, the outputs wait for each other (a
 * damaged trace's order can make them): the order is given up, and said
 * so on stderr, rather than the replay hanging. */
void tree_page_watch(struct tree_page *t, uint64_t events);
void tree_page_close(struct tree_page *t);

#endif /* DEJA_TREE_PAGE_H */
