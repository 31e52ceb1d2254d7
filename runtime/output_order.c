/*
 * output_order.c: the order of outputs across the processes of a tree.
 *
 * Each process has a model and an event stream of its own, and a replay
 * runs the processes side by side, each following its own stream.  So
 * what several processes wrote to one terminal or file came out of a
 * replay in whatever order they happened to get there: a shell's
 * background jobs printed their lines in another order in nearly every
 * replay, and the replay still matched every event.  Every process of
 * the tree shares one page (struct deja_tree, a memfd the supervisor
 * hands the top process in DEJA_TREE_FD; forked children inherit the
 * mapping, and an exec keeps the descriptor as it keeps the channel's).
 * A recorded output takes the next number there (rt_output_order_take,
 * the event's output_seq), and a replayed output waits until every output
 * numbered before it is made (rt_output_order_wait), is shown again, and
 * says so (rt_output_order_done), at the same point of its thread as the
 * recording numbered it (outputs.c, io.c).  Inside a process the numbers
 * follow its events' order, so a replay that keeps its events keeps its
 * outputs' numbers; across processes they follow real time, which every
 * wait of a replay (a parent waiting for its child's end, say) also
 * follows, so no process waits for a number that waits for it.
 *
 * A replay the supervisor stops (a divergence, an interrupt) sets `off`
 * and wakes the waiters: a process that will never make its output must
 * not keep the others waiting.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>

/* How long a waiter sleeps between looks at `off`, which the supervisor
 * also wakes it for. */
#define ORDER_WAIT_SLICE_NS 100000000L

static struct deja_tree *tree;

void rt_output_order_attach(long fd)
{
	long p = rt_syscall((long)SYS_mmap, 0, (long)sizeof(struct deja_tree),
			    PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p < 0 && p > -4096)
		rt_fatal("cannot map the process tree's page");
	struct deja_tree *t = (struct deja_tree *)p;
	if (t->magic != DEJA_SHARED_MAGIC || t->version != DEJA_PROTOCOL_VERSION)
		rt_fatal("the process tree's page is not deja's");
	tree = t;
}

uint32_t rt_output_order_take(void)
{
	return tree ? __atomic_add_fetch(&tree->outputs, 1, __ATOMIC_SEQ_CST) : 0;
}

void rt_output_order_wait(uint32_t seq)
{
	if (!tree || !seq)
		return;
	for (;;) {
		uint32_t made = __atomic_load_n(&tree->outputs, __ATOMIC_ACQUIRE);
		if (made + 1 >= seq || __atomic_load_n(&tree->off, __ATOMIC_ACQUIRE))
			return;
		__atomic_add_fetch(&tree->waiters, 1, __ATOMIC_SEQ_CST);
		struct timespec slice = { 0, ORDER_WAIT_SLICE_NS };
		rt_syscall4(SYS_futex, &tree->outputs, FUTEX_WAIT, made, &slice);
		__atomic_sub_fetch(&tree->waiters, 1, __ATOMIC_SEQ_CST);
	}
}

void rt_output_order_done(uint32_t seq)
{
	if (!tree || !seq)
		return;
	uint32_t made = __atomic_load_n(&tree->outputs, __ATOMIC_ACQUIRE);
	while (made < seq &&
	       !__atomic_compare_exchange_n(&tree->outputs, &made, seq, false, __ATOMIC_SEQ_CST,
					    __ATOMIC_SEQ_CST))
		;
	/* After the store, as the waiter counts itself before it sleeps:
	 * one of the two sees the other. */
	if (__atomic_load_n(&tree->waiters, __ATOMIC_SEQ_CST))
		rt_syscall3(SYS_futex, &tree->outputs, FUTEX_WAKE, INT32_MAX);
}
