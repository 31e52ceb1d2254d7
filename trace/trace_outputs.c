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

#include "syscall_table.h"

static bool read_output(sqlite3_stmt *st, void *row)
{
	struct trace_output_rank *r = row;
	r->process = (uint32_t)sqlite3_column_int64(st, 0);
	r->seq = (uint64_t)sqlite3_column_int64(st, 1);
	return sqlite3_column_int64(st, 2) > 0;
}

static int by_process_and_seq(const void *a, const void *b)
{
	const struct trace_output_rank *x = a, *y = b;
	if (x->process != y->process)
		return x->process < y->process ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

enum trace_status trace_get_output_ranks(struct trace *t, struct trace_output_rank **out,
					 size_t *n)
{
	struct trace_output_rank *r;
	enum trace_status st = trace_load_rows(t,
		"SELECT 0, seq, output_seq FROM events WHERE output_seq != 0"
		" UNION ALL SELECT process, seq, output_seq FROM process_events"
		" WHERE output_seq != 0 ORDER BY 3, 1, 2",
		sizeof(*r), read_output, (void **)&r, n);
	if (st != TRACE_OK)
		return st;
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
