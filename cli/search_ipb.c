/*
 * search_ipb.c: iterative preemption bounding (see search_ipb.h).
 *
 * Every schedule is a node of a tree: its parent is the schedule without
 * its last switch.  A node stores only that switch, so a script is the
 * chain of switches up to the root.  Nodes waiting to run sit in one FIFO
 * per preemption count; the lowest non-empty one goes first, and since a
 * child never costs less than its parent, a count once left behind never
 * gets new nodes: the search is iterative in the bound.
 */
#include "search_ipb.h"

#include <assert.h>
#include <stdlib.h>

#include "grow.h"
#include "script.h"

#define IPB_DEFAULT_MAX_PENDING (1ull << 21)
#define IPB_NO_PARENT UINT64_MAX

struct ipb_node {
	uint64_t parent;                /* node index, IPB_NO_PARENT for the root */
	struct deja_script_entry entry; /* the switch it adds (unused at the root) */
	uint32_t branch_from;           /* children branch at events from here on */
	uint32_t cost;                  /* preemptions of its switches */
};

struct ipb_queue {
	uint64_t *items; /* node indices */
	uint64_t head, len, cap;
};

struct ipb_search {
	uint32_t bound;
	uint64_t max_pending, pending;
	struct ipb_node *nodes;
	uint64_t nnodes, cap;
	struct ipb_queue queues[IPB_MAX_BOUND + 1];
	bool complete, started;
	uint64_t runs;
	/* The run in progress. */
	uint64_t node;
	uint64_t event;   /* index of the next event */
	uint32_t current; /* thread of the last event (0 before the first) */
	uint64_t done[DEJA_MAX_THREADS]; /* script positions (deja_script_counts) */
	bool last_alone;
	/* The script ipb_next handed out. */
	struct deja_script_entry *script;
	uint64_t script_cap;
};

/* Append a node; its index, or IPB_NO_PARENT when out of memory. */
static uint64_t add_node(struct ipb_search *s, struct ipb_node n)
{
	if (!grow_array(&s->nodes, &s->cap, s->nnodes + 1, sizeof(*s->nodes), 1024))
		return IPB_NO_PARENT;
	s->nodes[s->nnodes] = n;
	return s->nnodes++;
}

static bool push(struct ipb_queue *q, uint64_t node)
{
	if (q->head + q->len == q->cap) {
		if (q->head > 0) { /* slide the live part down first */
			for (uint64_t i = 0; i < q->len; i++)
				q->items[i] = q->items[q->head + i];
			q->head = 0;
		}
		if (!grow_array(&q->items, &q->cap, q->len + 1, sizeof(*q->items), 1024))
			return false;
	}
	q->items[q->head + q->len++] = node;
	return true;
}

struct ipb_search *ipb_new(uint32_t bound, uint64_t max_pending)
{
	assert(bound <= IPB_MAX_BOUND);
	struct ipb_search *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->bound = bound;
	s->max_pending = max_pending ? max_pending : IPB_DEFAULT_MAX_PENDING;
	s->complete = true;
	uint64_t root = add_node(s, (struct ipb_node){ .parent = IPB_NO_PARENT });
	if (root == IPB_NO_PARENT || !push(&s->queues[0], root)) {
		ipb_free(s);
		return NULL;
	}
	s->pending = 1;
	return s;
}

void ipb_free(struct ipb_search *s)
{
	if (!s)
		return;
	for (uint32_t c = 0; c <= IPB_MAX_BOUND; c++)
		free(s->queues[c].items);
	free(s->nodes);
	free(s->script);
	free(s);
}

/* The script of node n: its chain of switches, sorted. */
static bool build_script(struct ipb_search *s, uint64_t n, uint64_t *len)
{
	uint64_t count = 0;
	for (uint64_t i = n; s->nodes[i].parent != IPB_NO_PARENT; i = s->nodes[i].parent) {
		if (!grow_array(&s->script, &s->script_cap, count + 1, sizeof(*s->script), 16))
			return false;
		s->script[count++] = s->nodes[i].entry;
	}
	*len = deja_script_sort(s->script, count);
	return true;
}

enum ipb_status ipb_next(struct ipb_search *s, const struct deja_script_entry **script,
			 uint64_t *len, uint32_t *preemptions)
{
	for (uint32_t c = 0; c <= s->bound; c++) {
		struct ipb_queue *q = &s->queues[c];
		while (q->len > 0) {
			uint64_t n = q->items[q->head++];
			q->len--;
			s->pending--;
			if (!build_script(s, n, len)) {
				s->complete = false;
				continue;
			}
			*script = s->script;
			*preemptions = c;
			s->node = n;
			s->event = 0;
			s->current = 0;
			for (uint32_t t = 0; t < DEJA_MAX_THREADS; t++)
				s->done[t] = 0;
			s->last_alone = false;
			s->started = true;
			s->runs++;
			return IPB_RUN;
		}
	}
	return IPB_EXHAUSTED;
}

/* A child of the running node: at this event's choice, run `to` instead. */
static void add_child(struct ipb_search *s, uint32_t to, uint32_t cost)
{
	if (s->pending >= s->max_pending) {
		s->complete = false;
		return;
	}
	struct ipb_node child = {
		.parent = s->node,
		.entry = { .thread = s->current, .to = to, .after = s->done[s->current] },
		.branch_from = (uint32_t)s->event + 1,
		.cost = cost,
	};
	uint64_t n = add_node(s, child);
	if (n == IPB_NO_PARENT || !push(&s->queues[cost], n)) {
		s->complete = false;
		return;
	}
	s->pending++;
}

void ipb_observe(struct ipb_search *s, const struct deja_event *ev)
{
	assert(s->started);
	const struct ipb_node *node = &s->nodes[s->node];
	if (s->event >= node->branch_from && s->event < UINT32_MAX && ev->choosable) {
		uint32_t cost = node->cost; /* node may move as children are added */
		for (uint32_t u = 0; u < 64; u++) {
			if (!(ev->choosable >> u & 1) || u == ev->thread)
				continue;
			uint32_t c = cost + (u != s->current && !ev->choice_free);
			if (c <= s->bound)
				add_child(s, u, c);
		}
	}
	bool counts = deja_script_counts(ev->flags, &s->last_alone);
	if (ev->thread < DEJA_MAX_THREADS) {
		if (counts)
			s->done[ev->thread]++;
		s->current = ev->thread;
	}
	s->event++;
}

void ipb_end(struct ipb_search *s)
{
	s->started = false;
}

uint64_t ipb_runs(const struct ipb_search *s)
{
	return s->runs;
}

bool ipb_complete(const struct ipb_search *s)
{
	return s->complete;
}
