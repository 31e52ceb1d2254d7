/*
 * escapes_report.c: syscalls that escaped the runtime, for people and
 * for tools (see escapes_report.h).
 */
#include "escapes_report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "syscall_table.h"

static bool is_escape(const struct trace_escape *e)
{
	return strcmp(e->kind, "escape") == 0;
}

static void name_process(char *out, size_t len, const struct trace_escape *e)
{
	if (e->process >= 0)
		snprintf(out, len, "process %lld (pid %lld)", (long long)e->process, (long long)e->pid);
	else
		snprintf(out, len, "pid %lld (not followed)", (long long)e->pid);
}

static void name_syscall(char *out, size_t len, const struct trace_escape *e)
{
	if (e->syscall)
		snprintf(out, len, "%s()", e->syscall);
	else
		snprintf(out, len, "syscall %lld", (long long)e->nr);
}

/* At most this many processes get a line on stderr; deja show has all. */
#define STDERR_PROCESSES 8

static bool pid_seen_before(const struct trace_escape *e, size_t i)
{
	for (size_t k = 0; k < i; k++)
		if (is_escape(&e[k]) && e[k].pid == e[i].pid)
			return true;
	return false;
}

/* "write, getpid x3, ..." and the total, for the escapes of one process. */
static uint64_t list_calls(char *out, size_t len, const struct trace_escape *e, size_t n,
			   int64_t pid)
{
	uint64_t total = 0;
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (!is_escape(&e[i]) || e[i].pid != pid)
			continue;
		total += e[i].count;
		char what[48], one[80];
		name_syscall(what, sizeof(what), &e[i]);
		if (e[i].count > 1)
			snprintf(one, sizeof(one), "%s%s x%" PRIu64, used ? ", " : "", what, e[i].count);
		else
			snprintf(one, sizeof(one), "%s%s", used ? ", " : "", what);
		if (used + strlen(one) + 4 >= len) {
			if (used + 5 < len)
				strcpy(out + used, ", ...");
			used = len;
			continue;
		}
		strcpy(out + used, one);
		used += strlen(one);
	}
	return total;
}

void escapes_report_stderr(const struct trace_escape *e, size_t n, const char *verb)
{
	size_t processes = 0, unsaid = 0;
	for (size_t i = 0; i < n; i++) {
		if (!is_escape(&e[i]) || pid_seen_before(e, i))
			continue;
		if (processes++ >= STDERR_PROCESSES) {
			unsaid++;
			continue;
		}
		char who[80], calls[256];
		name_process(who, sizeof(who), &e[i]);
		uint64_t total = list_calls(calls, sizeof(calls), e, n, e[i].pid);
		fprintf(stderr, "deja: %s made %" PRIu64 " syscall%s outside deja's runtime, not %s: %s\n",
			who, total, total == 1 ? "" : "s", verb, calls);
	}
	if (unsaid)
		fprintf(stderr, "deja: and %zu more processes made syscalls outside deja's runtime"
				" (deja show lists them)\n", unsaid);
}

static uint64_t total_of(const struct trace_escape *e, size_t n, const char *kind)
{
	uint64_t total = 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(e[i].kind, kind) == 0)
			total += e[i].count;
	return total;
}

void escapes_report_show(FILE *out, const struct trace_escape *e, size_t n)
{
	bool heading = false;
	for (size_t i = 0; i < n; i++) {
		if (!is_escape(&e[i]))
			continue;
		if (!heading)
			fprintf(out, "syscalls that escaped the runtime (not recorded):\n");
		heading = true;
		char who[80], what[48];
		name_process(who, sizeof(who), &e[i]);
		name_syscall(what, sizeof(what), &e[i]);
		fprintf(out, "  %-32s %-20s %8" PRIu64 "x  %-10s first at 0x%" PRIx64 ", %.3f ms into the run\n",
			who, what, e[i].count, e[i].klass, e[i].first_ip, (double)e[i].first_us / 1000.0);
	}
	static const char *const expected[][2] = {
		{ "loader", "by the dynamic loader before the runtime started" },
		{ "startup", "by glibc's start-up before the runtime started" },
		{ "exit", "by glibc's exit path of threads that had left the model" },
		{ "runtime", "by glibc on the runtime's behalf" },
	};
	for (size_t k = 0; k < sizeof(expected) / sizeof(expected[0]); k++) {
		uint64_t total = total_of(e, n, expected[k][0]);
		if (total)
			fprintf(out, "expected syscalls outside the runtime: %" PRIu64 " %s\n", total,
				expected[k][1]);
	}
}

void escapes_report_json(FILE *out, const struct trace_escape *e, size_t n)
{
	fprintf(out, ",\"escapes\":[");
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "%s{\"kind\":", i ? "," : "");
		json_string(out, e[i].kind);
		fprintf(out, ",\"pid\":%lld,\"tid\":%lld,\"process\":", (long long)e[i].pid,
			(long long)e[i].tid);
		if (e[i].process >= 0)
			fprintf(out, "%lld", (long long)e[i].process);
		else
			fprintf(out, "null");
		fprintf(out, ",\"syscall\":");
		json_string(out, e[i].syscall);
		fprintf(out, ",\"nr\":%lld,\"class\":", (long long)e[i].nr);
		json_string(out, e[i].klass);
		fprintf(out, ",\"count\":%" PRIu64 ",\"first_ip\":%" PRIu64 ",\"first_us\":%" PRIu64 "}",
			e[i].count, e[i].first_ip, e[i].first_us);
	}
	fprintf(out, "]");
}

int escapes_from_log(const struct escape_log *log, struct trace_escape **out, size_t *n)
{
	*out = calloc(log->n ? log->n : 1, sizeof(**out));
	*n = 0;
	if (!*out)
		return -1;
	for (size_t i = 0; i < log->n; i++) {
		const struct escape_entry *l = &log->v[i];
		const struct deja_syscall_info *sc = deja_syscall(l->nr);
		struct trace_escape *e = &(*out)[(*n)++];
		*e = (struct trace_escape){
			.pid = l->pid, .tid = l->tid, .process = l->process, .nr = l->nr,
			.count = l->count, .first_ip = l->first_ip, .first_us = l->first_us,
			.kind = strdup(escape_kind_name((enum escape_kind)l->kind)),
			.syscall = sc->name ? strdup(sc->name) : NULL,
			.klass = strdup(deja_syscall_class_name((enum deja_syscall_class)sc->klass)),
		};
		if (!e->kind || !e->klass || (sc->name && !e->syscall)) {
			trace_escapes_free(*out, *n);
			*out = NULL;
			*n = 0;
			return -1;
		}
	}
	return 0;
}
