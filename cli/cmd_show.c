/*
 * cmd_show.c: `deja show [--json] TRACE`: the schedule, its preemptions
 * and the outcome, for people (the listing narrowed with --events and
 * --thread) or (with --json) for tools.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "describe.h"
#include "escapes_report.h"
#include "json.h"
#include "processes_report.h"
#include "script_file.h"
#include "syscall_table.h"

static const char usage[] =
	"usage: deja show [OPTIONS] TRACE\n"
	"\n"
	"Print the recorded schedule: one line per event with its thread,\n"
	"operation, object and code location (and, for a Python program run\n"
	"with --python-lines, the Python line its thread was at, in brackets);\n"
	"preemptions are marked with '*',\n"
	"the critical pair `deja bisect` found with '<1' and '<2'; then each\n"
	"forked child's own events.  Ends with the\n"
	"outcome (and the wait-for graph of a deadlock), the findings and the\n"
	"history of deja commands on the trace.\n"
	"\n"
	"options:\n"
	"  --json        one JSON object instead: outcome, events, threads,\n"
	"                preemptions, switches, run, inputs, waits,\n"
	"                unsupported_syscalls, findings, history, coverage (per\n"
	"                thread: events, ticks, longest_ticks, longest_dark_ns,\n"
	"                stopped_tick), processes (id, parent, fork_index, pid,\n"
	"                ppid, outcome, exit_code, signal, message, events; id 0\n"
	"                is the top process), escapes (syscalls caught outside\n"
	"                deja's runtime: kind escape|loader|startup|exit|runtime,\n"
	"                pid, tid, process, syscall, nr, class, count, first_ip,\n"
	"                first_us), python_events (the events that carry a\n"
	"                Python line, every process's: process, seq, thread, op,\n"
	"                location, python{file, line, function})\n"
	"  --script      the schedule as a script instead (THREAD AFTER TO per\n"
	"                switch), for `deja record --script FILE`\n"
	"  --events A-B  list only the top process's events A to B (A-: from A\n"
	"                on, -B: up to B, A: that one), the numbers of the first\n"
	"                column; a long run's listing is otherwise all of it\n"
	"  --thread T    list only thread T's events (T1 or 1), with --events too\n"
	"  -h, --help    this text\n"
	"\n"
	"exit codes: 0 shown; 2 usage error or unreadable trace.\n";

static void show_notebook(struct trace *t, const struct trace_finding *f, size_t nf)
{
	for (size_t i = 0; i < nf; i++)
		printf("critical pair (<1 then <2 fails): %s\n", f[i].summary);
	struct trace_history *h;
	size_t nh;
	if (trace_get_history(t, &h, &nh) != TRACE_OK)
		return;
	printf("history:\n");
	for (size_t i = 0; i < nh; i++)
		printf("  %s  %s: %s\n", h[i].at, h[i].command, h[i].result);
	trace_history_free(h, nh);
}

/* Which of the top process's events the listing shows (--events,
 * --thread): all of them unless narrowed. */
struct event_filter {
	unsigned long long from, to; /* event numbers, inclusive */
	long long thread;            /* -1: every thread */
};

static bool filter_keeps(const struct event_filter *f, const struct deja_event *ev)
{
	return ev->seq >= f->from && ev->seq <= f->to &&
	       (f->thread < 0 || ev->thread == (unsigned long long)f->thread);
}

static bool filter_narrows(const struct event_filter *f)
{
	return f->from != 0 || f->to != ULLONG_MAX || f->thread >= 0;
}

static void show_text(struct trace *t, const struct trace_run *run,
		      const struct event_filter *filter)
{
	struct site_table sites;
	site_table_load(t, &sites);
	struct trace_finding *f = NULL;
	size_t nf = 0;
	trace_get_findings(t, &f, &nf);
	printf("program: ");
	for (int i = 0; i < run->argc; i++)
		printf("%s%s", i ? " " : "", run->argv[i]);
	printf("\nstrategy %s, seed %llu, run %llu, recorded %s\n", run->strategy,
	       (unsigned long long)run->seed, (unsigned long long)run->run_index,
	       run->started_at);
	printf("%8s  %-7s %-36s %s\n", "event", "thread", "operation", "location");
	struct trace_event e;
	int r;
	unsigned long long shown = 0;
	while ((r = trace_next_event(t, &e)) == 1) {
		if (!filter_keeps(filter, &e.ev))
			continue;
		cli_print_event(stdout, &sites, 0, &e.ev, f, nf);
		shown++;
	}
	if (r < 0)
		printf("(the rest of the events cannot be read)\n");
	if (filter_narrows(filter))
		printf("(%llu of the top process's events shown: --events, --thread)\n", shown);
	printf("%llu events, %llu preemptions, %llu context switches\n",
	       (unsigned long long)run->events, (unsigned long long)run->preemptions,
	       (unsigned long long)run->switches);
	cli_show_processes(stdout, t, &sites, f, nf);
	struct trace_escape *esc;
	size_t nesc;
	if (trace_get_escapes(t, &esc, &nesc) == TRACE_OK) {
		escapes_report_show(stdout, esc, nesc);
		trace_escapes_free(esc, nesc);
	}
	cli_show_coverage(stdout, t, run->exe_path);
	cli_report_outcome(stdout, t, &sites, run);
	show_notebook(t, f, nf);
	trace_findings_free(f, nf);
	site_table_free(&sites);
}

static void json_outcome(const struct site_table *sites, const struct trace_run *run)
{
	printf("\"outcome\":{\"kind\":");
	json_string(stdout, run->outcome);
	printf(",\"code\":");
	if (run->exit_code >= 0)
		printf("%lld", (long long)run->exit_code);
	else
		printf("null");
	printf(",\"signal\":");
	if (run->signal > 0)
		printf("%lld", (long long)run->signal);
	else
		printf("null");
	printf(",\"message\":");
	json_string(stdout, run->message);
	printf(",\"thread\":");
	if (run->outcome_thread >= 0)
		printf("%lld", (long long)run->outcome_thread);
	else
		printf("null");
	printf(",\"interrupted\":%s", run->interrupted ? "true" : "false");
	printf(",\"location\":");
	if (run->fault_site) {
		char where[256];
		describe_site(sites, fault_site(run), where, sizeof(where));
		json_string(stdout, where);
	} else {
		printf("null");
	}
	printf("}");
}

static void json_run(const struct trace_run *run)
{
	printf(",\"run\":{\"strategy\":");
	json_string(stdout, run->strategy);
	printf(",\"seed\":%llu,\"index\":%llu,\"argv\":[", (unsigned long long)run->seed,
	       (unsigned long long)run->run_index);
	for (int i = 0; i < run->argc; i++) {
		if (i)
			putchar(',');
		json_string(stdout, run->argv[i]);
	}
	printf("],\"cwd\":");
	json_string(stdout, run->cwd);
	printf(",\"executable\":");
	json_string(stdout, run->exe_path);
	printf(",\"executable_xxh3\":");
	json_string(stdout, run->exe_hash);
	printf(",\"max_steps\":%llu,\"started_at\":", (unsigned long long)run->max_steps);
	json_string(stdout, run->started_at);
	printf(",\"deja_version\":");
	json_string(stdout, run->deja_version);
	printf(",\"time\":");
	json_string(stdout, run->time);
	if (run->pid > 0)
		printf(",\"pid\":%lld", (long long)run->pid);
	printf("}");
}

static void json_inputs(struct trace *t)
{
	struct trace_input *in;
	size_t n;
	printf(",\"inputs\":[");
	if (trace_get_inputs(t, &in, &n) == TRACE_OK) {
		for (size_t i = 0; i < n; i++) {
			printf("%s{\"process\":%u,\"source\":", i ? "," : "", in[i].process);
			json_string(stdout, in[i].source);
			printf(",\"bytes\":%llu,\"lines\":%llu}", (unsigned long long)in[i].bytes,
			       (unsigned long long)in[i].lines);
		}
		trace_inputs_free(in, n);
	}
	printf("]");
}

static void json_waits(struct trace *t, const struct site_table *sites)
{
	struct trace_wait *w;
	size_t n;
	printf(",\"waits\":[");
	if (trace_get_waits(t, &w, &n) == TRACE_OK) {
		for (size_t i = 0; i < n; i++) {
			char where[256];
			describe_site(sites, wait_site(0, &w[i]), where, sizeof(where));
			printf("%s{\"thread\":%u,\"op\":", i ? "," : "", w[i].thread);
			json_string(stdout, w[i].op);
			printf(",\"object\":%u,\"object_kind\":", w[i].object);
			json_string(stdout, w[i].object_kind);
			printf(",\"holder\":");
			if (w[i].holder >= 0)
				printf("%lld", (long long)w[i].holder);
			else
				printf("null");
			printf(",\"location\":");
			json_string(stdout, where);
			printf("}");
		}
		trace_waits_free(w, n);
	}
	printf("]");
}

static void json_unsupported(struct trace *t)
{
	struct trace_syscall_count *c;
	size_t n;
	printf(",\"unsupported_syscalls\":[");
	if (trace_get_unsupported(t, &c, &n) == TRACE_OK) {
		for (size_t i = 0; i < n; i++) {
			printf("%s{\"nr\":%llu,\"name\":", i ? "," : "",
			       (unsigned long long)c[i].nr);
			json_string(stdout, deja_syscall((long)c[i].nr)->name);
			printf(",\"count\":%llu}", (unsigned long long)c[i].count);
		}
		free(c);
	}
	printf("]");
}

static void json_event_ref(const char *name, uint32_t thread, uint64_t index, int64_t seq)
{
	printf("\"%s\":{\"thread\":%u,\"index\":%llu,\"seq\":", name, thread,
	       (unsigned long long)index);
	if (seq >= 0)
		printf("%lld}", (long long)seq);
	else
		printf("null}");
}

static void json_notebook(struct trace *t)
{
	struct trace_finding *f;
	size_t n;
	printf(",\"findings\":[");
	if (trace_get_findings(t, &f, &n) == TRACE_OK) {
		for (size_t i = 0; i < n; i++) {
			printf("%s{\"kind\":", i ? "," : "");
			json_string(stdout, f[i].kind);
			printf(",\"process\":%u", f[i].process);
			putchar(',');
			json_event_ref("first", f[i].first_thread, f[i].first_index, f[i].first_seq);
			putchar(',');
			json_event_ref("second", f[i].second_thread, f[i].second_index,
				       f[i].second_seq);
			printf(",\"summary\":");
			json_string(stdout, f[i].summary);
			printf("}");
		}
		trace_findings_free(f, n);
	}
	struct trace_history *h;
	printf("],\"history\":[");
	if (trace_get_history(t, &h, &n) == TRACE_OK) {
		for (size_t i = 0; i < n; i++) {
			printf("%s{\"at\":", i ? "," : "");
			json_string(stdout, h[i].at);
			printf(",\"command\":");
			json_string(stdout, h[i].command);
			printf(",\"result\":");
			json_string(stdout, h[i].result);
			printf("}");
		}
		trace_history_free(h, n);
	}
	printf("]");
}

/* One event of `process` that carries a Python line, as an element of
 * python_events; *first: none printed yet. */
static void json_python_event(const struct site_table *sites, uint32_t process,
			      const struct deja_event *ev, bool *first)
{
	if (ev->py_line == 0)
		return;
	char op[128], site[256];
	describe_op(ev, op, sizeof(op));
	describe_site(sites, event_site(process, ev), site, sizeof(site));
	const struct trace_python_code *c = python_code_find(sites, process, ev->image, ev->py_code);
	printf("%s{\"process\":%u,\"seq\":%llu,\"thread\":%u,\"op\":", *first ? "" : ",",
	       process, (unsigned long long)ev->seq, ev->thread);
	json_string(stdout, op);
	printf(",\"location\":");
	json_string(stdout, site);
	printf(",\"python\":{\"file\":");
	json_string(stdout, c ? c->file : NULL);
	printf(",\"line\":%u,\"function\":", ev->py_line);
	json_string(stdout, c ? c->function : NULL);
	printf("}}");
	*first = false;
}

/* Every process's events that carry a Python line (--python-lines): the
 * top process's, then each forked child's. */
static void json_python_events(struct trace *t, const struct site_table *sites)
{
	printf(",\"python_events\":[");
	trace_rewind_events(t);
	struct trace_event e;
	bool first = true;
	while (trace_next_event(t, &e) == 1)
		json_python_event(sites, 0, &e.ev, &first);
	struct trace_process *p;
	size_t np;
	if (trace_get_processes(t, &p, &np) == TRACE_OK) {
		for (size_t i = 0; i < np; i++) {
			struct trace_event *ev;
			size_t nev;
			if (p[i].id == 0 || trace_get_process_events(t, p[i].id, &ev, &nev) != TRACE_OK)
				continue;
			for (size_t k = 0; k < nev; k++)
				json_python_event(sites, p[i].id, &ev[k].ev, &first);
			free(ev);
		}
		trace_processes_free(p, np);
	}
	printf("]");
}

static void show_json(struct trace *t, const struct trace_run *run)
{
	struct trace_thread *th;
	size_t nthreads = 0;
	if (trace_get_threads(t, &th, &nthreads) == TRACE_OK)
		free(th);
	struct site_table sites;
	site_table_load(t, &sites);
	printf("{");
	json_outcome(&sites, run);
	printf(",\"events\":%llu,\"threads\":%zu,\"preemptions\":%llu,\"switches\":%llu",
	       (unsigned long long)run->events, nthreads,
	       (unsigned long long)run->preemptions, (unsigned long long)run->switches);
	printf(",\"forks\":%llu", (unsigned long long)run->forks);
	json_run(run);
	cli_processes_json(stdout, t, &sites);
	json_inputs(t);
	json_waits(t, &sites);
	json_unsupported(t);
	struct trace_escape *esc = NULL;
	size_t nesc = 0;
	trace_get_escapes(t, &esc, &nesc);
	escapes_report_json(stdout, esc, nesc);
	trace_escapes_free(esc, nesc);
	cli_coverage_json(stdout, t);
	json_notebook(t);
	json_python_events(t, &sites);
	printf("}\n");
	site_table_free(&sites);
}

static int show_script(struct trace *t)
{
	struct deja_script_entry *s;
	uint64_t n;
	if (script_from_trace(t, 0, &s, NULL, NULL, &n) != 0) {
		fprintf(stderr, "deja show: the events cannot be read\n");
		return DEJA_EXIT_USAGE;
	}
	script_file_write(stdout, s, n);
	free(s);
	return DEJA_EXIT_OK;
}

/* --events A-B, A-, -B or A. */
static bool parse_event_range(const char *s, struct event_filter *f)
{
	const char *dash = strchr(s, '-');
	if (!dash) {
		if (!cli_parse_u64(s, &f->from))
			return false;
		f->to = f->from;
		return true;
	}
	char from[32];
	size_t n = (size_t)(dash - s);
	if (n >= sizeof(from))
		return false;
	memcpy(from, s, n);
	from[n] = '\0';
	if (n && !cli_parse_u64(from, &f->from))
		return false;
	if (dash[1] && !cli_parse_u64(dash + 1, &f->to))
		return false;
	return (n || dash[1]) && f->from <= f->to; /* "-" alone names no range */
}

/* --thread T1 or 1. */
static bool parse_thread(const char *s, struct event_filter *f)
{
	unsigned long long t;
	if (!cli_parse_u64(s[0] == 'T' ? s + 1 : s, &t) || t > INT32_MAX)
		return false;
	f->thread = (long long)t;
	return true;
}

static bool filter_option(int c, const char *arg, struct event_filter *f)
{
	if (c == 'e' ? parse_event_range(arg, f) : parse_thread(arg, f))
		return true;
	fprintf(stderr, "deja show: %s: not %s: '%s'\n", c == 'e' ? "--events" : "--thread",
		c == 'e' ? "a range of event numbers (A-B, A-, -B or A)" : "a thread (T1 or 1)",
		arg);
	return false;
}

/* Returns the trace path, or NULL with *code set (help, usage error). */
static const char *parse(int argc, char **argv, bool *json, bool *script,
			 struct event_filter *filter, int *code)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "script", no_argument, NULL, 's' },
		{ "events", required_argument, NULL, 'e' },
		{ "thread", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	optind = 1;
	int c;
	*code = DEJA_EXIT_USAGE;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'j' || c == 's') {
			*(c == 'j' ? json : script) = true;
			continue;
		}
		if (c == 'e' || c == 't') {
			if (!filter_option(c, optarg, filter))
				return NULL;
			continue;
		}
		fputs(usage, c == 'h' ? stdout : stderr);
		*code = c == 'h' ? DEJA_EXIT_OK : DEJA_EXIT_USAGE;
		return NULL;
	}
	if (optind != argc - 1 || (*json && *script)) {
		fprintf(stderr, "deja show: give exactly one trace%s\n\n%s",
			*json && *script ? ", and --json or --script, not both" : "", usage);
		return NULL;
	}
	if ((*json || *script) && filter_narrows(filter)) {
		fprintf(stderr, "deja show: --events and --thread narrow the listing, not --%s\n",
			*json ? "json" : "script");
		return NULL;
	}
	return argv[optind];
}

/* --thread T names a thread of the top process (T0 is always one): an
 * empty listing would read as a thread that made no event. */
static bool filter_thread_known(struct trace *t, const struct event_filter *f)
{
	if (f->thread <= 0)
		return true;
	struct trace_thread *th;
	size_t n;
	if (trace_get_threads(t, &th, &n) != TRACE_OK)
		return true; /* the listing says what it can */
	bool known = false;
	for (size_t i = 0; i < n && !known; i++)
		known = th[i].id == (unsigned long long)f->thread;
	free(th);
	return known;
}

static bool processes_readable(struct trace *t)
{
	struct trace_process *p;
	size_t n;
	if (trace_get_processes(t, &p, &n) != TRACE_OK)
		return false;
	trace_processes_free(p, n);
	return true;
}

int cmd_show(int argc, char **argv)
{
	bool json = false, script = false;
	struct event_filter filter = { .from = 0, .to = ULLONG_MAX, .thread = -1 };
	int code;
	const char *path = parse(argc, argv, &json, &script, &filter, &code);
	if (!path)
		return code;
	struct trace *t;
	char err[512];
	enum trace_status st = trace_open(path, false, &t, err, sizeof(err));
	if (st != TRACE_OK) {
		fprintf(stderr, "deja show: %s: %s (%s)\n", path, trace_strerror(st), err);
		return DEJA_EXIT_USAGE;
	}
	struct trace_run run;
	if ((st = trace_get_run(t, &run)) != TRACE_OK) {
		fprintf(stderr, "deja show: %s: %s\n", path,
			st == TRACE_ERR_NO_RUN ? trace_strerror(st) : "the trace has no readable run");
		trace_run_free(&run);
		trace_close(t);
		return DEJA_EXIT_USAGE;
	}
	if (!processes_readable(t)) { /* the sections below would leave them out */
		fprintf(stderr, "deja show: %s: the trace's processes cannot be read: it is"
				" damaged\n", path);
		trace_run_free(&run);
		trace_close(t);
		return DEJA_EXIT_USAGE;
	}
	if (!filter_thread_known(t, &filter)) {
		fprintf(stderr, "deja show: %s: --thread T%lld: the top process has no thread %lld"
				" (its threads are listed by `deja show --json`, under coverage)\n",
			path, filter.thread, filter.thread);
		trace_run_free(&run);
		trace_close(t);
		return DEJA_EXIT_USAGE;
	}
	code = DEJA_EXIT_OK;
	if (script)
		code = show_script(t);
	else if (json)
		show_json(t, &run);
	else
		show_text(t, &run, &filter);
	trace_run_free(&run);
	trace_close(t);
	return code;
}
