/*
 * escape_state.c: the escape watch's view of the target's processes and
 * threads, from the runtime's announcements (see escape_state.h).
 */
#include "escape_state.h"

#include <stdlib.h>

#include "grow.h"
#include "escape_log.h"
#include "syscall_marker.h"

static const struct escape_id *ids_find(const struct escape_ids *s, int32_t id)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].id == id)
			return &s->v[i];
	return NULL;
}

static bool ids_add(struct escape_ids *s, int32_t id, uint64_t value)
{
	struct escape_id *found = (struct escape_id *)ids_find(s, id);
	if (found) {
		found->value = value;
		return true;
	}
	if (!grow_array(&s->v, &s->cap, s->n + 1, sizeof(*s->v), 16))
		return false;
	s->v[s->n++] = (struct escape_id){ id, value };
	return true;
}

static void ids_remove_at(struct escape_ids *s, size_t i)
{
	s->v[i] = s->v[--s->n];
}

static void ids_remove(struct escape_ids *s, int32_t id)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].id == id) {
			ids_remove_at(s, i);
			return;
		}
}

/* Every id whose value is `value`: the threads of a process. */
static void ids_remove_valued(struct escape_ids *s, uint64_t value)
{
	for (size_t i = 0; i < s->n;)
		if (s->v[i].value == value)
			ids_remove_at(s, i);
		else
			i++;
}

/* A thread is in one state at a time. */
static bool thread_becomes(struct escape_state *st, struct escape_ids *state, int32_t tid,
			   int32_t pid)
{
	ids_remove(&st->managed, tid);
	ids_remove(&st->exiting, tid);
	ids_remove(&st->escaped, tid);
	return ids_add(state, tid, (uint64_t)(uint32_t)pid);
}

bool escape_state_announce(struct escape_state *st, int32_t pid, int32_t tid, long what,
			   uint64_t own_ip)
{
	switch (what) {
	case DEJA_ANNOUNCE_STARTED:
		return ids_add(&st->started, pid, own_ip) &&
		       thread_becomes(st, &st->managed, tid, pid);
	case DEJA_ANNOUNCE_EXEC: { /* every thread of the process goes with its image */
		uint64_t of_pid = (uint64_t)(uint32_t)pid;
		ids_remove(&st->started, pid);
		ids_remove_valued(&st->managed, of_pid);
		ids_remove_valued(&st->exiting, of_pid);
		ids_remove_valued(&st->escaped, of_pid);
		return true;
	}
	case DEJA_ANNOUNCE_THREAD_START:
		return thread_becomes(st, &st->managed, tid, pid);
	case DEJA_ANNOUNCE_THREAD_EXIT:
		return thread_becomes(st, &st->exiting, tid, pid);
	case DEJA_ANNOUNCE_THREAD_ESCAPED:
		return thread_becomes(st, &st->escaped, tid, pid);
	default:
		return true; /* news from another version: nothing to take */
	}
}

int escape_state_thread_kind(const struct escape_state *st, int32_t tid, int32_t *pid)
{
	const struct {
		const struct escape_ids *ids;
		enum escape_kind kind;
	} named[] = {
		{ &st->managed, ESCAPE_KIND_RUNTIME },
		{ &st->exiting, ESCAPE_KIND_EXIT },
		{ &st->escaped, ESCAPE_KIND_ESCAPE },
	};
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		const struct escape_id *t = ids_find(named[i].ids, tid);
		if (t) {
			*pid = (int32_t)t->value;
			return (int)named[i].kind;
		}
	}
	return -1;
}

bool escape_state_own_call(const struct escape_state *st, int32_t pid, uint64_t ip)
{
	const struct escape_id *p = ids_find(&st->started, pid);
	return p && p->value != 0 && p->value == ip;
}

bool escape_state_started(const struct escape_state *st, int32_t pid)
{
	return ids_find(&st->started, pid) != NULL;
}

void escape_state_free(struct escape_state *st)
{
	free(st->started.v);
	free(st->managed.v);
	free(st->exiting.v);
	free(st->escaped.v);
	*st = (struct escape_state){ 0 };
}
