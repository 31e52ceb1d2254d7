/*
 * script.c: schedules as lists of switches (see script.h).
 */
#include "script.h"

static int compare(const struct deja_script_entry *a, const struct deja_script_entry *b)
{
	if (a->thread != b->thread)
		return a->thread < b->thread ? -1 : 1;
	if (a->after != b->after)
		return a->after < b->after ? -1 : 1;
	return 0;
}

const struct deja_script_entry *deja_script_find(const struct deja_script_entry *script,
						 uint64_t len, uint32_t thread, uint64_t after)
{
	struct deja_script_entry key = { .thread = thread, .after = after };
	uint64_t lo = 0, hi = len;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		int c = compare(&script[mid], &key);
		if (c == 0)
			return &script[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Insertion sort, stable: the runtime may not call qsort (no libc outside
 * its rules), and scripts are short and usually sorted already. */
uint64_t deja_script_sort(struct deja_script_entry *script, uint64_t len)
{
	for (uint64_t i = 1; i < len; i++) {
		struct deja_script_entry e = script[i];
		uint64_t j = i;
		while (j > 0 && compare(&script[j - 1], &e) > 0) {
			script[j] = script[j - 1];
			j--;
		}
		script[j] = e;
	}
	uint64_t kept = 0;
	for (uint64_t i = 0; i < len; i++)
		if (kept == 0 || compare(&script[kept - 1], &script[i]) != 0)
			script[kept++] = script[i];
	return kept;
}

/* The tick thread t was stopped at when the schedule switched away from
 * it at event i: its next event is then that stop, a TICK event; or, when
 * it ran no more, the tick it was still stopped at when the run ended (0
 * if neither). */
static uint64_t stopped_at(const uint32_t *threads, const uint64_t *ticks,
			   const uint64_t *final_stops, uint64_t n, uint64_t i, uint32_t t)
{
	if (!ticks)
		return 0;
	for (uint64_t j = i + 1; j < n; j++)
		if (threads[j] == t)
			return ticks[j];
	uint64_t stop = final_stops ? final_stops[t] : DEJA_NO_TICK;
	return stop == DEJA_NO_TICK ? 0 : stop;
}

uint64_t deja_script_from_schedule(const uint32_t *threads, const bool *preempt,
				   const bool *yields, const bool *counted, const uint64_t *ticks,
				   const uint64_t *final_stops, uint64_t n,
				   struct deja_script_entry *out, bool *out_preempt,
				   uint64_t *out_event)
{
	uint64_t done[DEJA_MAX_THREADS] = { 0 };
	/* Before the first event the model's current thread is 0 with no
	 * events: the first choice is keyed (0, 0). */
	uint32_t current = 0;
	uint64_t count = 0;
	for (uint64_t i = 0; i < n; i++) {
		uint32_t t = threads[i];
		if (t >= DEJA_MAX_THREADS)
			continue;
		/* A tick stop the thread went straight on from: the script's
		 * run makes no such stop. */
		if (ticks && ticks[i] && (i == 0 || threads[i - 1] == t))
			continue;
		bool stays = i > 0 && t == current && yields && yields[i];
		if (t != current || stays) {
			uint64_t tick = t != current && i > 0
						? stopped_at(threads, ticks, final_stops, n, i, current) : 0;
			out[count] = (struct deja_script_entry){
				.thread = current, .to = t, .after = done[current], .tick = tick };
			if (out_preempt)
				out_preempt[count] = preempt && preempt[i];
			if (out_event)
				out_event[count] = i;
			count++;
		}
		if (!counted || counted[i])
			done[t]++;
		current = t;
	}
	return count;
}
