/*
 * tree_scripts.c: every process's switches, and finding a process again
 * by its identity (see tree_scripts.h).
 */
#include "tree_scripts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "script_file.h"

static const struct trace_process *process_by_id(const struct trace_process *p, size_t n,
						 uint32_t id)
{
	for (size_t i = 0; i < n; i++)
		if (p[i].id == id)
			return &p[i];
	return NULL;
}

int tree_busiest_process(struct trace *t, uint32_t *process)
{
	struct trace_run run;
	if (trace_get_run(t, &run) != TRACE_OK)
		return -1;
	uint64_t most = run.preemptions;
	trace_run_free(&run);
	*process = 0;
	struct trace_process *p;
	size_t n;
	if (trace_get_processes(t, &p, &n) != TRACE_OK)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct trace_counts c;
		if (p[i].id == 0 || trace_get_process_counts(t, p[i].id, &c) != TRACE_OK)
			continue;
		if (c.preemptions > most) {
			most = c.preemptions;
			*process = p[i].id;
		}
	}
	trace_processes_free(p, n);
	return 0;
}

int tree_scripts_load_focus(struct trace *t, const char *command, const char *path,
			    bool given, uint64_t process, struct tree_scripts *ts)
{
	uint32_t focus = (uint32_t)process;
	int r = !given ? tree_busiest_process(t, &focus) : process > UINT32_MAX ? -2 : 0;
	if (r == 0)
		r = tree_scripts_load(t, focus, ts);
	if (r == -2)
		fprintf(stderr, "deja %s: %s has no process %llu (`deja show` lists them)\n", command,
			path, (unsigned long long)process);
	else if (r != 0)
		fprintf(stderr, "deja %s: %s: the processes cannot be read\n", command, path);
	return r == 0 ? 0 : -1;
}

/* The fork indexes from the top process down to `id`; false if it is not
 * a process of p or its line of parents is broken. */
static bool identity_of(const struct trace_process *p, size_t n, uint32_t id, uint32_t *path,
			size_t *depth)
{
	uint32_t up[TREE_DEPTH_MAX];
	size_t k = 0;
	while (id != 0) {
		const struct trace_process *q = process_by_id(p, n, id);
		if (!q || q->parent < 0 || q->fork_index < 0 || k == TREE_DEPTH_MAX)
			return false;
		up[k++] = (uint32_t)q->fork_index;
		id = (uint32_t)q->parent;
	}
	for (size_t i = 0; i < k; i++)
		path[i] = up[k - 1 - i];
	*depth = k;
	return true;
}

int tree_scripts_load(struct trace *t, uint32_t focus, struct tree_scripts *ts)
{
	memset(ts, 0, sizeof(*ts));
	ts->focus = focus;
	struct trace_process *p;
	size_t n;
	if (trace_get_processes(t, &p, &n) != TRACE_OK)
		return -1;
	int r = identity_of(p, n, focus, ts->path, &ts->depth) ? 0 : -2;
	if (r == 0 && script_from_trace(t, 0, &ts->top, NULL, NULL, &ts->ntop) != 0)
		r = -1;
	ts->children = r == 0 ? calloc(n ? n : 1, sizeof(*ts->children)) : NULL;
	if (r == 0 && !ts->children)
		r = -1;
	for (size_t i = 0; r == 0 && i < n; i++) {
		if (p[i].id == 0 || p[i].parent < 0 || p[i].fork_index < 0)
			continue;
		struct process_script *c = &ts->children[ts->nchildren];
		struct deja_script_entry *script;
		if (script_from_trace(t, p[i].id, &script, NULL, NULL, &c->len) != 0) {
			r = -1;
			break;
		}
		c->script = script;
		c->process = p[i].id;
		c->parent = (uint32_t)p[i].parent;
		c->fork_index = (uint32_t)p[i].fork_index;
		ts->nchildren++;
	}
	trace_processes_free(p, n);
	if (r != 0)
		tree_scripts_free(ts);
	return r;
}

void tree_scripts_free(struct tree_scripts *ts)
{
	free(ts->top);
	for (size_t i = 0; i < ts->nchildren; i++)
		free((void *)ts->children[i].script);
	free(ts->children);
	ts->top = NULL;
	ts->children = NULL;
	ts->ntop = ts->nchildren = 0;
}

int tree_scripts_find(const struct tree_scripts *ts, struct trace *t, uint32_t *process)
{
	*process = 0;
	if (ts->depth == 0)
		return 0;
	struct trace_process *p;
	size_t n;
	if (trace_get_processes(t, &p, &n) != TRACE_OK)
		return -1;
	uint32_t at = 0;
	bool found = true;
	for (size_t d = 0; d < ts->depth && found; d++) {
		found = false;
		for (size_t i = 0; i < n && !found; i++)
			if (p[i].parent == (int64_t)at && p[i].fork_index == (int64_t)ts->path[d]) {
				at = p[i].id;
				found = true;
			}
	}
	trace_processes_free(p, n);
	*process = at;
	return found ? 0 : -1;
}

int tree_scripts_for(const struct tree_scripts *ts, const struct deja_script_entry *candidate,
		     uint64_t ncandidate, const struct deja_script_entry **top, uint64_t *ntop,
		     struct process_script **children, size_t *nchildren)
{
	*top = ts->focus == 0 ? candidate : ts->top;
	*ntop = ts->focus == 0 ? ncandidate : ts->ntop;
	*children = NULL;
	*nchildren = ts->nchildren;
	if (!ts->nchildren)
		return 0;
	*children = malloc(ts->nchildren * sizeof(**children));
	if (!*children)
		return -1;
	memcpy(*children, ts->children, ts->nchildren * sizeof(**children));
	for (size_t i = 0; i < ts->nchildren; i++)
		if ((*children)[i].process == ts->focus) {
			(*children)[i].script = candidate;
			(*children)[i].len = ncandidate;
		}
	return 0;
}

int tree_process_threads(struct trace *t, uint32_t process, struct trace_thread **out,
			 size_t *n)
{
	if (process == 0)
		return trace_get_threads(t, out, n) == TRACE_OK ? 0 : -1;
	struct trace_event *ev;
	size_t nev;
	if (trace_get_process_events(t, process, &ev, &nev) != TRACE_OK)
		return -1;
	bool seen[DEJA_MAX_THREADS] = { false };
	*n = 0;
	for (size_t i = 0; i < nev; i++)
		if (ev[i].ev.thread < DEJA_MAX_THREADS && !seen[ev[i].ev.thread]) {
			seen[ev[i].ev.thread] = true;
			(*n)++;
		}
	free(ev);
	*out = calloc(*n ? *n : 1, sizeof(**out));
	if (!*out)
		return -1;
	size_t k = 0;
	for (uint32_t id = 0; id < DEJA_MAX_THREADS; id++)
		if (seen[id])
			(*out)[k++] = (struct trace_thread){ .id = id, .stopped_tick = DEJA_NO_TICK };
	return 0;
}
