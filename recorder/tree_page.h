/*
 * tree_page.h: the page every process of the target's tree shares
 * (struct deja_tree in protocol.h; the runtime's side is
 * runtime/output_order.c), made and watched by the supervisor.
 */
#ifndef DEJA_TREE_PAGE_H
#define DEJA_TREE_PAGE_H

#include <stdbool.h>

#include "protocol.h"

struct tree_page {
	int fd; /* the memfd, handed to the target as DEJA_TREE_FD; -1: none */
	struct deja_tree *page;
};

/* Make it; false (errno set) if it cannot be. */
bool tree_page_open(struct tree_page *t);
/* A run starts: no output made, nobody waiting. */
void tree_page_reset(struct tree_page *t);
/* The run is stopped: a replayed output waits for no other. */
void tree_page_stop(struct tree_page *t);
void tree_page_close(struct tree_page *t);

#endif /* DEJA_TREE_PAGE_H */
