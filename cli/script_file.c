/*
 * script_file.c: schedules as text (see script_file.h).
 */
#include "script_file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "script.h"

static int parse_line(const char *line, struct deja_script_entry *e)
{
	unsigned long long thread, after, to, tick = 0;
	int used = 0;
	if (sscanf(line, " %llu %llu %llu %n", &thread, &after, &to, &used) != 3)
		return -1;
	const char *rest = line + used;
	if (*rest != '\0' &&
	    (sscanf(rest, "tick %llu %n", &tick, &used) != 1 || rest[used] != '\0' || tick == 0))
		return -1;
	if (thread >= DEJA_MAX_THREADS || to >= DEJA_MAX_THREADS)
		return -1;
	*e = (struct deja_script_entry){ .thread = (uint32_t)thread, .to = (uint32_t)to,
					 .after = after, .tick = tick };
	return 0;
}

static int append(struct deja_script_entry **v, uint64_t *n, uint64_t *cap,
		  struct deja_script_entry e)
{
	if (!grow_array(v, cap, *n + 1, sizeof(**v), 64))
		return -1;
	(*v)[(*n)++] = e;
	return 0;
}

int script_file_read(const char *path, struct deja_script_entry **out, uint64_t *n,
		     char *err, size_t errlen)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "cannot read the script %s: %s", path, strerror(errno));
		return -1;
	}
	struct deja_script_entry *v = NULL;
	uint64_t count = 0, cap = 0;
	char *line = NULL;
	size_t len = 0;
	int r = 0;
	for (unsigned lineno = 1; getline(&line, &len, f) >= 0; lineno++) {
		line[strcspn(line, "\r\n")] = '\0';
		const char *p = line + strspn(line, " \t");
		if (*p == '\0' || *p == '#')
			continue;
		struct deja_script_entry e;
		if (parse_line(p, &e) != 0) {
			snprintf(err, errlen, "%s:%u: expected THREAD AFTER TO [tick N] (numbers, "
				 "threads below %u, N above 0), not '%s'", path, lineno,
				 DEJA_MAX_THREADS, p);
			r = -1;
			break;
		}
		if (append(&v, &count, &cap, e) != 0) {
			snprintf(err, errlen, "out of memory reading %s", path);
			r = -1;
			break;
		}
	}
	free(line);
	if (f != stdin)
		fclose(f);
	if (r != 0) {
		free(v);
		return -1;
	}
	*out = v;
	*n = count;
	return 0;
}

void script_file_write(FILE *f, const struct deja_script_entry *s, uint64_t n)
{
	fprintf(f, "# deja script: THREAD AFTER TO = when THREAD has executed AFTER\n"
		   "# events, run TO next; every other choice is nonpreemptive.\n"
		   "# THREAD AFTER TO tick N: after AFTER events THREAD stops at its\n"
		   "# tick N inside plain code, and TO runs next.  Events a thread\n"
		   "# made while no other thread was live count as one per stretch.\n");
	for (uint64_t i = 0; i < n; i++) {
		fprintf(f, "%u %llu %u", s[i].thread, (unsigned long long)s[i].after, s[i].to);
		if (s[i].tick)
			fprintf(f, " tick %llu", (unsigned long long)s[i].tick);
		fputc('\n', f);
	}
}

/* Per thread, the tick it was still stopped at when the run ended
 * (DEJA_NO_TICK if none, or if the threads cannot be read). */
static const uint64_t *final_stops(struct trace *t, uint32_t process)
{
	static uint64_t stops[DEJA_MAX_THREADS];
	for (uint32_t i = 0; i < DEJA_MAX_THREADS; i++)
		stops[i] = DEJA_NO_TICK;
	if (process != 0)
		return stops; /* a child's threads are not in `threads` */
	struct trace_thread *th;
	size_t n;
	if (trace_get_threads(t, &th, &n) != TRACE_OK)
		return stops;
	for (size_t i = 0; i < n; i++)
		if (th[i].id < DEJA_MAX_THREADS)
			stops[th[i].id] = th[i].stopped_tick;
	free(th);
	return stops;
}

/* A run's events as deja_script_from_schedule reads them. */
struct schedule_arrays {
	uint32_t *threads;
	bool *preempted, *yields, *timed_out, *counted;
	bool last_alone;
	uint64_t *ticks;
	uint64_t count, cap;
};

static void schedule_arrays_free(struct schedule_arrays *a)
{
	free(a->threads);
	free(a->preempted);
	free(a->yields);
	free(a->timed_out);
	free(a->counted);
	free(a->ticks);
}

static int schedule_arrays_grow(struct schedule_arrays *a)
{
	uint64_t cap = a->cap ? a->cap * 2 : 1024;
	uint32_t *nt = realloc(a->threads, cap * sizeof(*nt));
	if (nt)
		a->threads = nt;
	bool *np = nt ? realloc(a->preempted, cap * sizeof(*np)) : NULL;
	if (np)
		a->preempted = np;
	bool *ny = np ? realloc(a->yields, cap * sizeof(*ny)) : NULL;
	if (ny)
		a->yields = ny;
	bool *no = ny ? realloc(a->timed_out, cap * sizeof(*no)) : NULL;
	if (no)
		a->timed_out = no;
	bool *nc = no ? realloc(a->counted, cap * sizeof(*nc)) : NULL;
	if (nc)
		a->counted = nc;
	uint64_t *nk = nc ? realloc(a->ticks, cap * sizeof(*nk)) : NULL;
	if (!nk)
		return -1;
	a->ticks = nk;
	a->cap = cap;
	return 0;
}

/* Read the events.  deja_script_counts says which count towards the
 * positions.  Where only one thread is live (DEJA_EVENT_ALONE), the
 * default has nobody to switch to, so a "stay" there would
 * be an entry that changes nothing; CPython's main thread alone makes
 * hundreds of syscalls before its first thread starts, and each such
 * entry would cost a shrink candidate runs. */
static int read_schedule(struct trace *t, uint32_t process, struct schedule_arrays *a)
{
	struct trace_stream es;
	if (trace_stream_open(t, process, &es) != TRACE_OK)
		return -1;
	struct trace_event e;
	int r;
	while ((r = trace_stream_next(&es, &e)) == 1) {
		if (a->count == a->cap && schedule_arrays_grow(a) != 0)
			return -1;
		uint64_t i = a->count++;
		a->threads[i] = e.ev.thread;
		a->preempted[i] = (e.ev.flags & DEJA_EVENT_PREEMPT) != 0;
		a->timed_out[i] = (e.ev.flags & DEJA_EVENT_TIMED_OUT) != 0;
		a->ticks[i] = e.ev.op == DEJA_OP_TICK ? e.ev.arg : 0;
		/* Events before which the default would have switched away:
		 * yields, sleeps and inputs that may wait, and timed waits of
		 * the running thread that a strategy ended early, and the end
		 * of a thread's turn. */
		a->counted[i] = deja_script_counts(e.ev.flags, &a->last_alone);
		a->yields[i] = !(e.ev.flags & DEJA_EVENT_ALONE) && (e.ev.op == DEJA_OP_YIELD || e.ev.op == DEJA_OP_SLEEP ||
						 e.ev.op == DEJA_OP_SYSCALL || e.ev.op == DEJA_OP_REAP ||
						 a->timed_out[i] || (e.ev.flags & DEJA_EVENT_TURN));
	}
	trace_stream_close(&es);
	return r;
}

int script_from_trace(struct trace *t, uint32_t process, struct deja_script_entry **out,
		      bool **preempt, bool **timed_out, uint64_t *n)
{
	struct schedule_arrays a = { 0 };
	int r = read_schedule(t, process, &a);
	struct deja_script_entry *entries = r == 0 ? malloc((a.count + 1) * sizeof(*entries)) : NULL;
	bool *entry_preempt = entries ? malloc((a.count + 1) * sizeof(*entry_preempt)) : NULL;
	uint64_t *event = entry_preempt ? malloc((a.count + 1) * sizeof(*event)) : NULL;
	bool *entry_timed_out = event ? malloc((a.count + 1) * sizeof(*entry_timed_out)) : NULL;
	if (entry_timed_out) {
		*n = deja_script_from_schedule(a.threads, a.preempted, a.yields, a.counted, a.ticks,
					       final_stops(t, process), a.count, entries, entry_preempt,
					       event);
		for (uint64_t j = 0; j < *n; j++)
			entry_timed_out[j] = a.timed_out[event[j]];
	}
	schedule_arrays_free(&a);
	free(event);
	if (!entry_timed_out) {
		free(entries);
		free(entry_preempt);
		return -1;
	}
	*out = entries;
	if (preempt)
		*preempt = entry_preempt;
	else
		free(entry_preempt);
	if (timed_out)
		*timed_out = entry_timed_out;
	else
		free(entry_timed_out);
	return 0;
}

int script_positions(struct trace *t, uint32_t process, struct trace_thread *threads, size_t n)
{
	uint64_t *count = calloc(DEJA_MAX_THREADS, sizeof(*count));
	struct trace_stream es;
	if (!count || trace_stream_open(t, process, &es) != TRACE_OK) {
		free(count);
		return -1;
	}
	struct trace_event e;
	bool last_alone = false;
	int r;
	while ((r = trace_stream_next(&es, &e)) == 1)
		if (deja_script_counts(e.ev.flags, &last_alone) && e.ev.thread < DEJA_MAX_THREADS)
			count[e.ev.thread]++;
	for (size_t i = 0; r == 0 && i < n; i++)
		threads[i].events = threads[i].id < DEJA_MAX_THREADS ? count[threads[i].id] : 0;
	trace_stream_close(&es);
	free(count);
	return r;
}
