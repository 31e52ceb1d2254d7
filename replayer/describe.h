/*
 * describe.h: events and call sites as people read them, shared by
 * `deja show`, replay divergence reports and deadlock reports:
 *   thread 2  mutex_lock(mutex#3) = 0  at withdraw (atomicity.c:27)
 * and, for a Python program run with --python-lines, the Python line the
 * thread was at: [race.py:9 in withdraw].
 */
#ifndef DEJA_DESCRIBE_H
#define DEJA_DESCRIBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol.h"
#include "trace.h"

struct site_table {
	struct trace_site *sites; /* as trace_get_sites gives them */
	size_t n;
	/* as trace_get_python_codes gives them (none: Python lines unnamed) */
	struct trace_python_code *python;
	size_t npython;
};

/* A trace's call sites and Python code names (what cannot be read is
 * left out: events are then described without it); and freeing them. */
void site_table_load(struct trace *t, struct site_table *tab);
void site_table_free(struct site_table *tab);

/* Where an event of a process was made. */
static inline struct trace_site_key event_site(uint32_t process, const struct deja_event *ev)
{
	return (struct trace_site_key){ process, ev->image, ev->site };
}

/* Where a thread of a process waited. */
static inline struct trace_site_key wait_site(uint32_t process, const struct trace_wait *w)
{
	return (struct trace_site_key){ process, w->image, w->site };
}

/* Where a fault ended the run (in the top process's last image). */
static inline struct trace_site_key fault_site(const struct trace_run *run)
{
	return (struct trace_site_key){ 0, run->image, run->fault_site };
}

const struct trace_site *site_find(const struct site_table *tab, struct trace_site_key key);
/* "function (file:line)", "function (module)", "0x... (module)" when the
 * module has no symbol there, or the address in hex. */
void describe_site(const struct site_table *tab, struct trace_site_key key, char *buf,
		   size_t len);
const struct trace_python_code *python_code_find(const struct site_table *tab, uint32_t process,
						 uint32_t image, uint64_t code);
/* The Python line an event of a process was made at: "race.py:9 in
 * withdraw" (the file's full path with full_path), "?:9" when its code
 * object has no name; false, and "", when the event has no line. */
bool describe_python(const struct site_table *tab, uint32_t process, const struct deja_event *ev,
		     bool full_path, char *buf, size_t len);
/* "mutex_lock(mutex#3) = 0" */
void describe_op(const struct deja_event *ev, char *buf, size_t len);
/* "thread 2 mutex_lock(mutex#3) = 0 at withdraw (atomicity.c:27)", for an
 * event of the given process, then " [race.py:9 in withdraw]" if it has a
 * Python line. */
void describe_event(const struct site_table *tab, uint32_t process, const struct deja_event *ev,
		    char *buf, size_t len);

/* Whether a replayed event is the recorded one, field by field (the
 * digest chain aside). */
bool events_alike(const struct deja_event *a, const struct deja_event *b);
/* What differs between a recorded event and a replayed one, for people:
 * "the bytes it sent (xxh3 1a2b... recorded, 3c4d... now)", the fields
 * that differ, joined with "; ".  "" when the events are alike field by
 * field (then the digest chain differs, by an earlier event's flags). */
void describe_difference(const struct deja_event *recorded, const struct deja_event *got,
			 char *buf, size_t len);

/* A parallel replay that differs at a raw futex operation, at an event
 * made in CPython (of the given process, its sites in tab, which may be
 * NULL), or where a thread's own next event differs: what that likely
 * means, as a line to add after the difference (starting with "\n"), or
 * "" when it says nothing of the kind (another thread's event came). */
const char *describe_memory_lock_hint(const struct site_table *tab, uint32_t process,
				      const struct deja_event *recorded,
				      const struct deja_event *got);

#endif /* DEJA_DESCRIBE_H */
