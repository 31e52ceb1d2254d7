/*
 * trace_outputs.c: the order of outputs across a trace's processes (see
 * trace.h, runtime/output_order.c), as a replay waits on it.
 *
 * A replayed output waits until every output numbered before it is made.
 * The recorded numbers may have gaps: a process killed between a write and
 * its event took a number that no event carries, and a replay waiting for
 * it would wait for ever (so did one of a trace whose numbers were
 * damaged).  So a replay waits on ranks, 1 to n over the outputs the trace
 * holds, in their recorded order.  A trace that numbers an event that is
 * no output (which no replay makes, so its turn would never pass) is
 * damaged.  The numbers need not rise along a process's events: the
 * serialised mode numbers a write as it is made, before its event, and a
 * thread preempted there lets another's write and event come first.
 */
#include "trace_private.h"

#include <stdlib.h>

#include "grow.h"
#include "syscall_table.h"

static bool read_output(sqlite3_stmt *st, void *row)
{
	struct trace_output_rank *r = row;
	r->process = (uint32_t)sqlite3_column_int64(st, 0);
	r->seq = (uint64_t)sqlite3_column_int64(st, 1);
	int64_t number = sqlite3_column_int64(st, 2);
	r->number = (uint64_t)number;
	return number > 0;
}

static int by_process_and_seq(const void *a, const void *b)
{
	const struct trace_output_rank *x = a, *y = b;
	if (x->process != y->process)
		return x->process < y->process ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int by_number(const void *a, const void *b)
{
	const struct trace_output_rank *x = a, *y = b;
	if (x->number != y->number)
		return x->number < y->number ? -1 : 1;
	return by_process_and_seq(a, b);
}

/* The top process's numbered outputs, after the children's. */
static enum trace_status add_top_outputs(const struct trace_event *top, size_t ntop,
					 struct trace_output_rank **r, size_t *n)
{
	size_t cap = *n;
	for (size_t i = 0; i < ntop; i++) {
		if (!top[i].ev.output_seq)
			continue;
		if (!grow_array(r, &cap, *n + 1, sizeof(**r), 64))
			return TRACE_ERR_NOMEM;
		(*r)[(*n)++] = (struct trace_output_rank){ .process = 0, .seq = top[i].ev.seq,
							   .number = top[i].ev.output_seq };
	}
	return TRACE_OK;
}

enum trace_status trace_get_output_ranks(struct trace *t, const struct trace_event *top,
					 size_t ntop, struct trace_output_rank **out, size_t *n)
{
	struct trace_output_rank *r;
	enum trace_status st = trace_load_rows(t,
		"SELECT process, seq, output_seq FROM process_events WHERE output_seq != 0",
		sizeof(*r), read_output, (void **)&r, n);
	if (st == TRACE_OK)
		st = add_top_outputs(top, ntop, &r, n);
	if (st != TRACE_OK) {
		free(r);
		*n = 0;
		return st;
	}
	if (*n)
		qsort(r, *n, sizeof(*r), by_number);
	for (size_t i = 0; i < *n; i++)
		r[i].rank = (uint32_t)(i + 1);
	if (*n)
		qsort(r, *n, sizeof(*r), by_process_and_seq);
	*out = r;
	return TRACE_OK;
}

enum trace_status trace_rank_outputs(const struct trace_output_rank *ranks, size_t n,
				     uint32_t process, struct trace_event *events, size_t nevents)
{
	for (size_t i = 0; i < nevents; i++) {
		struct deja_event *ev = &events[i].ev;
		if (!ev->output_seq)
			continue;
		if (ev->op != DEJA_OP_SYSCALL || deja_syscall((long)ev->arg)->klass != DEJA_SC_OUTPUT)
			return TRACE_ERR_CORRUPT;
		struct trace_output_rank key = { .process = process, .seq = ev->seq };
		const struct trace_output_rank *r =
			bsearch(&key, ranks, n, sizeof(*ranks), by_process_and_seq);
		if (!r)
			return TRACE_ERR_CORRUPT;
		ev->output_seq = r->rank;
	}
	return TRACE_OK;
}
