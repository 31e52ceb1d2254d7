/*
 * processes_report.c: the processes of a run's tree in `deja show` (see
 * processes_report.h).
 */
#include "processes_report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"

/* Where a fault (or a signal deja saw) ended a child: "function (file:line)". */
static void describe_fault(const struct trace_process *p, const struct site_table *sites,
			   char *buf, size_t len)
{
	describe_site(sites, (struct trace_site_key){ p->id, p->fault_image, p->fault_site }, buf,
		      len);
}

static void print_outcome(FILE *out, const struct trace_process *p,
			  const struct site_table *sites)
{
	fprintf(out, "%s", p->outcome ? p->outcome : "incomplete");
	if (p->exit_code >= 0)
		fprintf(out, " %lld", (long long)p->exit_code);
	else if (p->outcome && strcmp(p->outcome, "signal") == 0 && p->signal > 0)
		fprintf(out, " %lld (%s)", (long long)p->signal, cli_signal_name((int)p->signal));
	if (p->fault_site) {
		char where[256];
		describe_fault(p, sites, where, sizeof(where));
		fprintf(out, " in thread %lld at %s", (long long)p->fault_thread, where);
	}
	if (p->message)
		fprintf(out, ": %s", p->message);
}

/* A child's wait-for graph, after its events: it ended in a deadlock, or
 * a timeout with its threads still waiting. */
static void print_waits(FILE *out, struct trace *t, const struct trace_process *p,
			const struct site_table *sites)
{
	struct trace_wait *w;
	size_t n;
	if (trace_get_process_waits(t, p->id, &w, &n) != TRACE_OK)
		return;
	bool deadlock = p->outcome && strcmp(p->outcome, "deadlock") == 0;
	char heading[96];
	snprintf(heading, sizeof(heading), "%s of process %u:",
		 deadlock ? "wait-for graph" : "threads waiting at the end", p->id);
	cli_print_wait_graph(out, t, p->id, w, n, sites, heading, "  ");
	trace_waits_free(w, n);
}

/* ,"waits":[...]: a child's wait-for graph. */
static void json_waits(FILE *out, struct trace *t, uint32_t process,
		       const struct site_table *sites)
{
	struct trace_wait *w;
	size_t n;
	fprintf(out, ",\"waits\":[");
	if (trace_get_process_waits(t, process, &w, &n) == TRACE_OK) {
		for (size_t i = 0; i < n; i++) {
			fprintf(out, "%s{\"thread\":%u,\"op\":", i ? "," : "", w[i].thread);
			json_string(out, w[i].op);
			fprintf(out, ",\"object\":%u,\"object_kind\":", w[i].object);
			json_string(out, w[i].object_kind);
			fprintf(out, ",\"holder\":");
			if (w[i].holder >= 0)
				fprintf(out, "%lld", (long long)w[i].holder);
			else
				fprintf(out, "null");
			char where[256];
			describe_site(sites, wait_site(process, &w[i]), where, sizeof(where));
			fprintf(out, ",\"location\":");
			json_string(out, where);
			fprintf(out, "}");
		}
		trace_waits_free(w, n);
	}
	fprintf(out, "]");
}

static uint64_t preemptions_in(const struct trace_event *ev, size_t n)
{
	uint64_t count = 0;
	for (size_t k = 0; k < n; k++)
		count += (ev[k].ev.flags & DEJA_EVENT_PREEMPT) != 0;
	return count;
}

void cli_show_processes(FILE *out, struct trace *t, const struct site_table *sites,
			const struct trace_finding *f, size_t nf)
{
	struct trace_process *p;
	size_t n;
	if (trace_get_processes(t, &p, &n) != TRACE_OK)
		return;
	for (size_t i = 0; i < n; i++) {
		if (p[i].id == 0)
			continue;
		fprintf(out, "process %u (fork #%lld of process %lld, pid %lld): ", p[i].id,
			(long long)p[i].fork_index, (long long)p[i].parent, (long long)p[i].pid);
		print_outcome(out, &p[i], sites);
		struct trace_event *ev;
		size_t nev;
		if (trace_get_process_events(t, p[i].id, &ev, &nev) != TRACE_OK) {
			fprintf(out, ", %llu events\n  (its events cannot be read)\n",
				(unsigned long long)p[i].events);
			continue;
		}
		fprintf(out, ", %llu events, %llu preemptions\n", (unsigned long long)p[i].events,
			(unsigned long long)preemptions_in(ev, nev));
		for (size_t k = 0; k < nev; k++)
			cli_print_event(out, sites, p[i].id, &ev[k].ev, f, nf);
		free(ev);
		print_waits(out, t, &p[i], sites);
	}
	trace_processes_free(p, n);
}

void cli_processes_json(FILE *out, struct trace *t, const struct site_table *sites)
{
	struct trace_process *p;
	size_t n;
	fprintf(out, ",\"processes\":[");
	if (trace_get_processes(t, &p, &n) == TRACE_OK) {
		for (size_t i = 0; i < n; i++) {
			fprintf(out, "%s{\"id\":%u,\"parent\":", i ? "," : "", p[i].id);
			if (p[i].parent >= 0)
				fprintf(out, "%lld,\"fork_index\":%lld", (long long)p[i].parent,
					(long long)p[i].fork_index);
			else
				fprintf(out, "null,\"fork_index\":null");
			fprintf(out, ",\"pid\":%lld,\"ppid\":%lld,\"outcome\":", (long long)p[i].pid,
				(long long)p[i].ppid);
			json_string(out, p[i].outcome);
			if (p[i].exit_code >= 0)
				fprintf(out, ",\"exit_code\":%lld", (long long)p[i].exit_code);
			if (p[i].signal > 0)
				fprintf(out, ",\"signal\":%lld", (long long)p[i].signal);
			fprintf(out, ",\"message\":");
			json_string(out, p[i].message);
			fprintf(out, ",\"events\":%llu", (unsigned long long)p[i].events);
			if (p[i].fault_site) {
				char where[256];
				describe_fault(&p[i], sites, where, sizeof(where));
				fprintf(out, ",\"fault\":{\"thread\":%lld,\"location\":",
					(long long)p[i].fault_thread);
				json_string(out, where);
				fprintf(out, "}");
			}
			struct trace_counts c;
			if (p[i].id != 0 && trace_get_process_counts(t, p[i].id, &c) == TRACE_OK)
				fprintf(out, ",\"preemptions\":%llu", (unsigned long long)c.preemptions);
			if (p[i].id != 0)
				json_waits(out, t, p[i].id, sites);
			fprintf(out, "}");
		}
		trace_processes_free(p, n);
	}
	fprintf(out, "]");
}

void cli_processes_summary(FILE *out, struct trace *t, const struct trace_run *run)
{
	struct trace_process *p;
	size_t n = 0;
	if (trace_get_processes(t, &p, &n) != TRACE_OK)
		return;
	size_t children = 0, top_children = 0;
	for (size_t i = 0; i < n; i++) {
		children += p[i].id != 0;
		top_children += p[i].parent == 0;
	}
	trace_processes_free(p, n);
	struct trace_counts all;
	if (children && trace_get_process_counts(t, TRACE_ALL_CHILDREN, &all) == TRACE_OK &&
	    all.preemptions)
		fprintf(out, "child processes followed: %zu, with %llu preemptions among them (each"
			     " with its own events: deja show)\n",
			children, (unsigned long long)all.preemptions);
	else if (children)
		fprintf(out, "child processes followed: %zu (each with its own events: deja show)\n",
			children);
	if (run->forks > top_children)
		fprintf(out, "child processes not followed: %llu (they ran untraced, and run again"
			     " in a replay: forked by a thread deja does not manage)\n", (unsigned long long)(run->forks - top_children));
}
