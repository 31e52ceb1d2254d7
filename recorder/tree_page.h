/*
 * tree_page.h: the page every process of the target's tree shares
 * (struct deja_tree in protocol.h; the runtime's side is
 * runtime/output_order.c), made and watched by the supervisor.
 */
#ifndef DEJA_TREE_PAGE_H
#define DEJA_TREE_PAGE_H

#include <stdbool.h>

#include "protocol.h"

/* How long a replay's outputs may wait for each other while no process
 * of the tree makes an event or computes; DEJA_OUTPUT_STALL_S (seconds,
 * 1 to 3600) sets another. */
#define TREE_STALL_S 10

/* The tree's processes computing: more CPU time than this (clock ticks,
 * 1/100 s) in a second of the watch (a waiting process's wake-ups are
 * charged a tick now and then). */
#define TREE_COMPUTING_TICKS 5

struct tree_page {
	int fd; /* the memfd, handed to the target as DEJA_TREE_FD; -1: none */
	struct deja_tree *page;
	unsigned stall_s;
	uint64_t events_seen;   /* the tree's events when the watch last looked */
	double still_since;     /* when they last changed, or the tree last computed
				 * (CLOCK_MONOTONIC s) */
	uint64_t cpu_seen;      /* the tree's CPU time (clock ticks) when last read */
	double cpu_read_at;     /* and when */
};

struct processes;

/* Make it; false (errno set) if it cannot be. */
bool tree_page_open(struct tree_page *t);
/* A run starts: no output made, nobody waiting. */
void tree_page_reset(struct tree_page *t);
/* The run is stopped: a replayed output waits for no other. */
void tree_page_stop(struct tree_page *t);
/* Replay, now and then: `events` is how many the tree's processes (the
 * top one, `top`, and its followed children) have made.  While outputs
 * wait for their turns and for TREE_STALL_S seconds no process makes an
 * event or computes (its CPU time, read once a second while they are
 * still), the outputs wait for each other (a damaged trace's
 * order can make them): the order is given up, and said so on stderr,
 * rather than the replay hanging.  A process that computes for longer
 * between two events (a compiler's optimiser) is waited for. */
void tree_page_watch(struct tree_page *t, uint64_t events, const struct processes *children,
		     int32_t top);
void tree_page_close(struct tree_page *t);

#endif /* DEJA_TREE_PAGE_H */
