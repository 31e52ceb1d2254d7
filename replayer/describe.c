/*
 * describe.c: human-readable events (see describe.h).
 */
#define _GNU_SOURCE
#include "describe.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>

#include "model.h"
#include "syscall_table.h"

/* The order of trace_get_sites: process, image, address. */
static int compare_site(const struct trace_site *s, struct trace_site_key k)
{
	if (s->process != k.process)
		return s->process < k.process ? -1 : 1;
	if (s->image != k.image)
		return s->image < k.image ? -1 : 1;
	if (s->address != k.address)
		return s->address < k.address ? -1 : 1;
	return 0;
}

const struct trace_site *site_find(const struct site_table *tab, struct trace_site_key key)
{
	size_t lo = 0, hi = tab ? tab->n : 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (compare_site(&tab->sites[mid], key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (tab && lo < tab->n && compare_site(&tab->sites[lo], key) == 0)
		return &tab->sites[lo];
	return NULL;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

void site_table_load(struct trace *t, struct site_table *tab)
{
	*tab = (struct site_table){ 0 };
	if (trace_get_sites(t, &tab->sites, &tab->n) != TRACE_OK)
		tab->sites = NULL, tab->n = 0;
	if (trace_get_python_codes(t, &tab->python, &tab->npython) != TRACE_OK)
		tab->python = NULL, tab->npython = 0;
}

void site_table_free(struct site_table *tab)
{
	trace_sites_free(tab->sites, tab->n);
	trace_python_codes_free(tab->python, tab->npython);
	*tab = (struct site_table){ 0 };
}

/* The order of trace_get_python_codes: process, image, code as SQLite's
 * signed integers. */
static int compare_python(const struct trace_python_code *c, uint32_t process, uint32_t image,
			  uint64_t code)
{
	if (c->process != process)
		return c->process < process ? -1 : 1;
	if (c->image != image)
		return c->image < image ? -1 : 1;
	if (c->code != code)
		return (int64_t)c->code < (int64_t)code ? -1 : 1;
	return 0;
}

const struct trace_python_code *python_code_find(const struct site_table *tab, uint32_t process,
						 uint32_t image, uint64_t code)
{
	size_t lo = 0, hi = tab ? tab->npython : 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (compare_python(&tab->python[mid], process, image, code) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (tab && lo < tab->npython && compare_python(&tab->python[lo], process, image, code) == 0)
		return &tab->python[lo];
	return NULL;
}

bool describe_python(const struct site_table *tab, uint32_t process, const struct deja_event *ev,
		     bool full_path, char *buf, size_t len)
{
	if (len)
		buf[0] = '\0';
	if (ev->py_line == 0)
		return false;
	const struct trace_python_code *c = python_code_find(tab, process, ev->image, ev->py_code);
	if (c && c->file && c->function)
		snprintf(buf, len, "%s:%u in %s", full_path ? c->file : base_name(c->file),
			 ev->py_line, c->function);
	else
		snprintf(buf, len, "?:%u", ev->py_line);
	return true;
}

void describe_site(const struct site_table *tab, struct trace_site_key key, char *buf,
		   size_t len)
{
	const struct trace_site *s = site_find(tab, key);
	uint64_t address = key.address;
	if (address == 0) {
		snprintf(buf, len, "-");
	} else if (s && s->function && s->file && s->line > 0) {
		snprintf(buf, len, "%s (%s:%lld)", s->function, base_name(s->file),
			 (long long)s->line);
	} else if (s && s->function) {
		snprintf(buf, len, "%s (%s)", s->function, s->module ? s->module : "?");
	} else if (s && s->module) { /* a stripped module */
		snprintf(buf, len, "0x%llx (%s)", (unsigned long long)address, s->module);
	} else {
		snprintf(buf, len, "0x%llx", (unsigned long long)address);
	}
}

/* A lock attempt that found the lock held through another open file of
 * the process (runtime/file_locks.c) has that file's descriptor in its
 * result. */
static bool file_lock_call(long nr)
{
	return nr == SYS_flock || nr == SYS_fcntl;
}

void describe_op(const struct deja_event *ev, char *buf, size_t len)
{
	enum deja_object_kind kind = deja_op_object_kind(ev->op);
	const char *name = deja_op_name(ev->op);
	long long result = (long long)ev->result;
	switch (ev->op) {
	case DEJA_OP_THREAD_CREATE:
		snprintf(buf, len, "%s() -> thread %llu", name, (unsigned long long)ev->arg);
		return;
	case DEJA_OP_JOIN:
	case DEJA_OP_TRYJOIN:
	case DEJA_OP_DETACH:
	case DEJA_OP_CANCEL:
		snprintf(buf, len, "%s(thread %llu) = %lld", name, (unsigned long long)ev->arg,
			 result);
		return;
	case DEJA_OP_THREAD_START:
	case DEJA_OP_THREAD_EXIT:
	case DEJA_OP_YIELD:
		snprintf(buf, len, "%s()", name);
		return;
	case DEJA_OP_SYSCALL:
	case DEJA_OP_SYSCALL_UNSUPPORTED: {
		const char *sc = deja_syscall((long)ev->arg)->name;
		if (sc && result <= DEJA_LOCK_HELD_HERE && file_lock_call((long)ev->arg))
			snprintf(buf, len, "%s %s() = held here (fd %lld)", name, sc,
				 DEJA_LOCK_HELD_HERE - result);
		else if (sc)
			snprintf(buf, len, "%s %s() = %lld", name, sc, result);
		else
			snprintf(buf, len, "%s %llu() = %lld", name, (unsigned long long)ev->arg,
				 result);
		return;
	}
	case DEJA_OP_FILE_LOCK_WAIT:
		snprintf(buf, len, "%s(file_lock#%u) held by thread %llu = %lld", name, ev->object,
			 (unsigned long long)ev->arg, result);
		return;
	case DEJA_OP_SIGNAL: {
		const char *abbrev = sigabbrev_np((int)ev->arg);
		if (abbrev)
			snprintf(buf, len, "signal(SIG%s) handled", abbrev);
		else
			snprintf(buf, len, "signal(%llu) handled", (unsigned long long)ev->arg);
		return;
	}
	case DEJA_OP_COND_SIGNAL:
	case DEJA_OP_COND_BROADCAST:
		if (ev->arg)
			snprintf(buf, len, "%s(cond#%u) woke thread %llu", name, ev->object,
				 (unsigned long long)ev->arg - 1);
		else
			snprintf(buf, len, "%s(cond#%u) woke none", name, ev->object);
		return;
	case DEJA_OP_SLEEP: /* a signal may cut it short (-EINTR) */
		if (result)
			snprintf(buf, len, "%s(%lluns) = %lld", name, (unsigned long long)ev->arg,
				 result);
		else
			snprintf(buf, len, "%s(%lluns)", name, (unsigned long long)ev->arg);
		return;
	case DEJA_OP_TICK:
	case DEJA_OP_TIMESLICE:
		snprintf(buf, len, "%s(%llu)", name, (unsigned long long)ev->arg);
		return;
	case DEJA_OP_INTERRUPT: /* arg: the xxh3 of the registers it stopped with */
		snprintf(buf, len, "%s(registers %016llx)", name, (unsigned long long)ev->arg);
		return;
	case DEJA_OP_FORK:
		snprintf(buf, len, "fork(#%llu) = %lld", (unsigned long long)ev->arg, result);
		return;
	case DEJA_OP_SEM_SHARED: {
		static const char *const calls[] = { "?", "try", "post", "getvalue" };
		snprintf(buf, len, "sem_shared(%s) = %lld", calls[ev->arg < 4 ? ev->arg : 0], result);
		return;
	}
	case DEJA_OP_SYNC_SHARED: {
		/* enum rt_sync_call in runtime/runtime.h */
		static const char *const calls[] = { "?", "mutex_try", "mutex_unlock",
			"rwlock_try_read", "rwlock_try_write", "rwlock_unlock", "cond_signal",
			"cond_broadcast", "spin_try", "spin_unlock", "barrier_enter", "barrier_leave",
			"barrier_destroy", "mutex_lock_try" };
		size_t n = sizeof(calls) / sizeof(calls[0]);
		snprintf(buf, len, "sync_shared(%s) = %lld", calls[ev->arg < n ? ev->arg : 0], result);
		return;
	}
	case DEJA_OP_REAP:
		if (ev->arg)
			snprintf(buf, len, "reap(fork #%llu) = %lld, status 0x%llx",
				 (unsigned long long)ev->arg - 1, result,
				 (unsigned long long)ev->data);
		else
			snprintf(buf, len, "reap() = %lld", result);
		return;
	default:
		break;
	}
	if (kind != DEJA_OBJ_NONE)
		snprintf(buf, len, "%s(%s#%u) = %lld", name, deja_object_kind_name(kind),
			 ev->object, result);
	else
		snprintf(buf, len, "%s() = %lld", name, result);
}

void describe_event(const struct site_table *tab, uint32_t process, const struct deja_event *ev,
		    char *buf, size_t len)
{
	char op[128], site[256], py[300], python[304] = "";
	describe_op(ev, op, sizeof(op));
	describe_site(tab, event_site(process, ev), site, sizeof(site));
	if (describe_python(tab, process, ev, false, py, sizeof(py)))
		snprintf(python, sizeof(python), " [%s]", py);
	snprintf(buf, len, "thread %u %s at %s%s%s%s", ev->thread, op, site, python,
		 (ev->flags & DEJA_EVENT_PREEMPT) ? " [preempted]" : "",
		 (ev->flags & DEJA_EVENT_TIMED_OUT) ? " [timed out]" : "");
}

bool events_alike(const struct deja_event *a, const struct deja_event *b)
{
	return a->thread == b->thread && a->op == b->op && a->object == b->object &&
	       a->result == b->result && a->arg == b->arg && a->site == b->site &&
	       a->data == b->data;
}

static void add_part(char *buf, size_t len, size_t *at, const char *part)
{
	if (*at >= len)
		return;
	int n = snprintf(buf + *at, len - *at, "%s%s", *at ? "; " : "", part);
	*at += n > 0 ? (size_t)n : 0;
}

/* An event's data, named by what it holds. */
static const char *data_name(const struct deja_event *ev)
{
	if (ev->op == DEJA_OP_SYSCALL)
		return "the bytes it sent or got";
	if (ev->op == DEJA_OP_SIGNAL)
		return "the signal's details";
	return "its data";
}

void describe_difference(const struct deja_event *recorded, const struct deja_event *got,
			 char *buf, size_t len)
{
	char part[160];
	size_t at = 0;
	buf[0] = '\0';
	if (recorded->thread != got->thread)
		add_part(buf, len, &at, "the thread");
	if (recorded->op != got->op)
		add_part(buf, len, &at, "the operation");
	if (recorded->object != got->object)
		add_part(buf, len, &at, "the object");
	if (recorded->arg != got->arg)
		add_part(buf, len, &at, "the argument");
	if (recorded->result != got->result)
		add_part(buf, len, &at, "the result");
	if (recorded->site != got->site)
		add_part(buf, len, &at, "the call site");
	if (recorded->data != got->data) {
		snprintf(part, sizeof(part), "%s (xxh3 %016llx recorded, %016llx now)",
			 data_name(recorded), (unsigned long long)recorded->data,
			 (unsigned long long)got->data);
		add_part(buf, len, &at, part);
	}
	if (recorded->flags != got->flags)
		add_part(buf, len, &at, "whether the scheduler switched or preempted there");
}

static bool is_futex_op(uint16_t op)
{
	return op == DEJA_OP_FUTEX_WAIT || op == DEJA_OP_FUTEX_RESUME || op == DEJA_OP_FUTEX_WAKE;
}

/* Locks and conditions that live in the program's memory and wait in raw
 * futex calls (GLib's, Rust's std::sync, the JVM's own) are taken in
 * whatever order the threads reach them, which parallel mode does not
 * steer: such a replay diverged with only the bare difference, where
 * OpenMP's locks get the explanation from the runtime (baton.c,
 * rt_model_end_stuck). */
static const char futex_hint[] =
	"\n  (a lock or condition in the program's memory that waits in raw futex"
	" calls, such as GLib's GMutex and GCond, Rust's std::sync or the JVM's, was"
	" taken in another order than recorded: parallel mode cannot steer what threads"
	" share in memory; record the program with a serialised strategy)";

/* CPython's GIL is handed over through memory too (its eval breaker, the
 * `locked` word its waiters look at before they wait), so a parallel
 * replay's threads may take it in another order than recorded: a sweep's
 * threads reading clocks and random numbers diverged in every parallel
 * replay at a mutex of the GIL's ("differs in the object; the call
 * site"), with nothing to say why. */
static const char cpython_hint[] =
	"\n  (CPython hands its GIL over through memory as well as through its"
	" mutex and condition variable, which parallel mode cannot steer: a"
	" CPython program's parallel replay may take another path; record it"
	" with a serialised strategy)";

/* A thread whose own next event differs took another path between its
 * events: it read something another thread wrote to memory without an
 * event, at another moment than in the recording.  std::jthread's stop
 * requests are such atomics (std::stop_token), and such a replay said
 * only what differed, which reads like a fault of deja's. */
static const char path_hint[] =
	"\n  (the thread took another path than recorded: in parallel mode a thread reads"
	" what others write to memory without a lock or wait deja sees (atomics, such as"
	" std::stop_token's stop requests, flags, data races) whenever it comes to it,"
	" and a replay may read another value; record the program with a serialised"
	" strategy)";

/* Whether the event was made in CPython (its interpreter or libpython). */
static bool in_cpython(const struct site_table *tab, uint32_t process,
		       const struct deja_event *ev)
{
	const struct trace_site *s = site_find(tab, event_site(process, ev));
	if (!s || !s->module)
		return false;
	const char *base = base_name(s->module);
	return strncmp(base, "python", 6) == 0 || strncmp(base, "libpython", 9) == 0;
}

const char *describe_memory_lock_hint(const struct site_table *tab, uint32_t process,
				      const struct deja_event *recorded,
				      const struct deja_event *got)
{
	if (is_futex_op(recorded->op) || is_futex_op(got->op))
		return futex_hint;
	if (tab && (in_cpython(tab, process, recorded) || in_cpython(tab, process, got)))
		return cpython_hint;
	return recorded->thread == got->thread ? path_hint : "";
}
