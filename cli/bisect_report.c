/*
 * bisect_report.c: naming what `deja bisect` found (bisect.h): each
 * event of the pair as `deja show` would (operation, call site, the
 * Python line), read from the traces of its two orders; the program's
 * own lines that ran across the deciding switch; how much of the pair is
 * the program's own code (own_code.h), which picks among several
 * deciding preemptions; and the finding stored in FAIL_TRACE.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bisect.h"
#include "cli.h"
#include "describe.h"
#include "own_code.h"
#include "record.h"
#include "script.h"

static int event_of(const struct bisect *b, const char *path, uint32_t thread, uint64_t index,
		    struct deja_event *out, uint32_t *process, struct site_table *sites)
{
	struct trace *t;
	char why[256];
	if (trace_open(path, false, &t, why, sizeof(why)) != TRACE_OK)
		return -1;
	struct trace_stream es = { 0 };
	bool readable = focus_in(b, t, process) == 0 &&
			trace_stream_open(t, *process, &es) == TRACE_OK;
	struct trace_event e;
	uint64_t seen = 0;
	bool last_alone = false;
	int r, found = -1;
	while (readable && (r = trace_stream_next(&es, &e)) == 1) {
		bool counts = deja_script_counts(e.ev.flags, &last_alone);
		if (e.ev.thread == thread && counts && seen++ == index) {
			*out = e.ev;
			found = 0;
			break;
		}
	}
	if (found == 0 && sites)
		site_table_load(t, sites);
	trace_stream_close(&es);
	trace_close(t);
	return found;
}

/* The site is CPython's own code (the interpreter or libpython). */
static bool in_cpython(const struct trace_site *s)
{
	return s && s->module &&
	       (strncmp(s->module, "python", 6) == 0 || strncmp(s->module, "libpython", 9) == 0);
}

/* "thread 1 balance_covers() atomicity.c:28 mutex_lock(mutex#1)", then
 * " [race.py:9 in withdraw]" when the thread was at a Python line (deja
 * --python-lines); false when neither kept run reached the event.
 * *unlined (if given) is set when the event is CPython's code with no
 * Python line: a run recorded without --python-lines. */
static bool describe_pair_event(const struct bisect *b, uint32_t thread, uint64_t index,
				char *buf, size_t len, struct deja_event *ev, bool *unlined)
{
	struct site_table sites = { 0 };
	uint32_t process;
	if (event_of(b, b->keep_fail, thread, index, ev, &process, &sites) != 0 &&
	    event_of(b, b->keep_pass, thread, index, ev, &process, &sites) != 0) {
		snprintf(buf, len, "thread %u event %llu (not reached)", thread,
			 (unsigned long long)index);
		return false;
	}
	char op[128], where[300];
	describe_op(ev, op, sizeof(op));
	char *eq = strstr(op, " = ");
	if (eq)
		*eq = '\0';
	const struct trace_site *s = site_find(&sites, event_site(process, ev));
	if (s && s->function && s->file && s->line > 0) {
		const char *base = strrchr(s->file, '/');
		snprintf(where, sizeof(where), "%s() %s:%lld ", s->function, base ? base + 1 : s->file,
			 (long long)s->line);
	} else if (s && s->function) {
		snprintf(where, sizeof(where), "%s() ", s->function);
	} else {
		where[0] = '\0';
	}
	char py[300], python[304] = "";
	bool lined = describe_python(&sites, process, ev, false, py, sizeof(py));
	if (lined)
		snprintf(python, sizeof(python), " [%s]", py);
	if (unlined)
		*unlined = !lined && in_cpython(s);
	snprintf(buf, len, "thread %u %s%s%s", thread, where, op, python);
	site_table_free(&sites);
	return true;
}

/* Where the pair's events stand in FAIL_TRACE, if they are there. */
static int64_t seq_in(const struct bisect *b, const char *path, uint32_t thread, uint64_t index,
		      const struct deja_event *want, bool known)
{
	struct deja_event e;
	uint32_t process;
	if (!known || event_of(b, path, thread, index, &e, &process, NULL) != 0)
		return -1;
	return e.op == want->op && e.site == want->site ? (int64_t)e.seq : -1;
}

static int store(struct bisect *b, const struct pair *p, const char *summary)
{
	struct deja_event e1, e2;
	char d1[512], d2[512];
	bool k1 = describe_pair_event(b, p->first_thread, p->first_index, d1, sizeof(d1), &e1, NULL);
	bool k2 = describe_pair_event(b, p->second_thread, p->second_index, d2, sizeof(d2), &e2, NULL);
	struct trace_finding f = {
		.kind = "critical_pair",
		.first_thread = p->first_thread, .first_index = p->first_index,
		.process = b->tree.focus,
		.first_seq = seq_in(b, b->fail_abs, p->first_thread, p->first_index, &e1, k1),
		.second_thread = p->second_thread, .second_index = p->second_index,
		.second_seq = seq_in(b, b->fail_abs, p->second_thread, p->second_index, &e2, k2),
		.summary = (char *)summary,
	};
	char *cmd;
	if (asprintf(&cmd, "deja bisect %s%s%s (strategy script; failing run recorded with %s, "
			   "seed %llu; %llu trial runs)", b->fail_path, b->pass_path ? " " : "",
		     b->pass_path ? b->pass_path : "", b->run.strategy,
		     (unsigned long long)b->run.seed, (unsigned long long)b->prog.runs) < 0)
		return DEJA_EXIT_INTERNAL;
	const char *paths[2] = { b->fail_abs, b->pass_abs };
	int code = DEJA_EXIT_OK;
	for (int i = 0; i < 2 && paths[i]; i++) {
		struct trace *t;
		char why[256];
		if (trace_open(paths[i], true, &t, why, sizeof(why)) != TRACE_OK) {
			code = DEJA_EXIT_INTERNAL;
			continue;
		}
		trace_begin(t);
		if ((i == 0 && trace_put_finding(t, &f) != TRACE_OK) ||
		    trace_put_history(t, cmd, summary) != TRACE_OK)
			code = DEJA_EXIT_INTERNAL;
		if (trace_commit(t) != TRACE_OK)
			code = DEJA_EXIT_INTERNAL;
		trace_close(t);
	}
	free(cmd);
	if (code != DEJA_EXIT_OK)
		fprintf(stderr, "deja bisect: cannot store the finding in %s\n", b->fail_path);
	return code;
}

/* One stretch of a thread's lines in one code object of the program. */
struct own_span {
	uint32_t thread;
	const struct trace_python_code *code;
	uint32_t first, last;
};

enum { MAX_SPANS = 6 };

/* Add a line of the program's own code to the spans: the thread's last
 * span grows when it is the same code object, else a new span starts. */
static void spans_add(struct own_span *spans, size_t *n, uint32_t thread,
		      const struct trace_python_code *code, uint32_t line)
{
	for (size_t i = *n; i-- > 0;) {
		if (spans[i].thread != thread)
			continue;
		if (spans[i].code == code) {
			spans[i].first = line < spans[i].first ? line : spans[i].first;
			spans[i].last = line > spans[i].last ? line : spans[i].last;
			return;
		}
		break;
	}
	if (*n < MAX_SPANS)
		spans[(*n)++] = (struct own_span){ thread, code, line, line };
}

static const char *file_base(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/*
 * The decisive switch as FAIL_TRACE ran it, in the program's own Python
 * lines: where T stopped and what the other threads ran of the program
 * before T went on.  The pair alone can be an interpreter's hand-over
 * (a thread's start, the GIL) when the switch that decides is one; this
 * says which lines of the program raced all the same: "while thread 1
 * was stopped at shop.py:6 in buy, thread 2 ran shop.py:4-8 in buy".
 */
static void print_context(const struct bisect *b, const struct deja_script_entry *sw)
{
	struct counted_walk w;
	struct site_table sites = { 0 };
	uint32_t focus = 0;
	bool open = walk_open(b, b->fail_abs, &w) && focus_in(b, w.t, &focus) == 0;
	if (open)
		site_table_load(w.t, &sites);
	struct own_span spans[MAX_SPANS];
	size_t n = 0;
	char stopped[300] = "";
	uint32_t prev = UINT32_MAX;
	bool in = false;
	while (open && walk_next(&w)) {
		uint32_t th = w.e.ev.thread;
		if (!in && prev == sw->thread && th == sw->to && w.count[sw->thread] == sw->after)
			in = true;
		if (in && th == sw->thread)
			break;
		if (!in && th == sw->thread)
			describe_python(&sites, focus, &w.e.ev, false, stopped, sizeof(stopped));
		const struct trace_python_code *c =
			in && w.e.ev.py_line ? python_code_find(&sites, focus, w.e.ev.image,
								 w.e.ev.py_code)
					     : NULL;
		if (c && c->function && own_python_file(c->file))
			spans_add(spans, &n, th, c, w.e.ev.py_line);
		walk_count(&w);
		prev = th;
	}
	if (in && n > 0) {
		printf("  in %s, while thread %u was stopped%s%s, ", b->fail_path, sw->thread,
		       stopped[0] ? " at " : "", stopped);
		for (size_t i = 0; i < n; i++) {
			const struct own_span *sp = &spans[i];
			printf("%sthread %u ran %s:%u", i == 0 ? "" : ", ", sp->thread,
			       file_base(sp->code->file), sp->first);
			if (sp->last != sp->first)
				printf("-%u", sp->last);
			printf(" in %s", sp->code->function);
		}
		printf("\n");
	}
	site_table_free(&sites);
	if (w.t)
		walk_close(&w);
}

int report(struct bisect *b, const struct pair *p)
{
	struct deja_event ev;
	char first[512], second[512], summary[1200];
	bool unlined1 = false, unlined2 = false;
	describe_pair_event(b, p->first_thread, p->first_index, first, sizeof(first), &ev, &unlined1);
	describe_pair_event(b, p->second_thread, p->second_index, second, sizeof(second), &ev,
			    &unlined2);
	char whose[32] = "";
	if (b->tree.focus != 0)
		snprintf(whose, sizeof(whose), "process %u: ", b->tree.focus);
	snprintf(summary, sizeof(summary), "%s%s before %s makes it fail; the other order passes",
		 whose, first, second);
	printf("%s\n", summary);
	print_context(b, &b->decisive);
	/* Without Python lines a CPython pair is the interpreter's own code
	 * (the GIL's mutex, a stat) at bare addresses: say how to see the
	 * program's lines rather than leave the pair unexplained.  The run's
	 * environment is recorded, so only a new run can have them. */
	if (unlined1 && unlined2)
		fprintf(stderr, "deja bisect: the run has no Python lines (it was recorded without"
				" --python-lines), so both events are CPython's own code; to see the"
				" program's lines, hunt or record it again with --python-lines and"
				" bisect that run\n");
	return store(b, p, summary);
}

/* The event is the program's own code (own_code.h): its Python line's
 * file when it has one, else its native site (never the interpreter's). */
static bool own_event(const struct bisect *b, uint32_t thread, uint64_t index)
{
	struct site_table sites = { 0 };
	struct deja_event ev;
	uint32_t process;
	if (event_of(b, b->keep_fail, thread, index, &ev, &process, &sites) != 0 &&
	    event_of(b, b->keep_pass, thread, index, &ev, &process, &sites) != 0)
		return false;
	bool own;
	const struct trace_site *s = site_find(&sites, event_site(process, &ev));
	if (ev.py_line != 0) {
		const struct trace_python_code *c =
			python_code_find(&sites, process, ev.image, ev.py_code);
		own = c && own_python_file(c->file);
	} else {
		own = s && !in_cpython(s) && own_module(s->module, b->run.exe_path);
	}
	site_table_free(&sites);
	return own;
}

/* How many of the pair's two events are the program's own. */
int own_score(const struct bisect *b, const struct pair *p)
{
	return (int)own_event(b, p->first_thread, p->first_index) +
	       (int)own_event(b, p->second_thread, p->second_index);
}

/* Refining a decision is a handful of runs; this many neighbours at most
 * are refined in search of a pair in the program's own code. */
