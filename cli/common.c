/*
 * common.c: helpers the subcommands share (see cli.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "describe.h"
#include "strategy.h"
#include "syscall_table.h"
#include "processes_report.h"

const char *cli_runtime_path(void)
{
	static char path[PATH_MAX + 64];
	const char *env = getenv("DEJA_RUNTIME");
	if (env && *env) {
		if (access(env, R_OK) == 0)
			return env;
		fprintf(stderr, "deja: DEJA_RUNTIME=%s: %s\n", env, strerror(errno));
		return NULL;
	}
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		char *slash = strrchr(self, '/');
		if (slash)
			*slash = '\0';
		snprintf(path, sizeof(path), "%s/../lib/deja/libdeja-runtime.so", self);
		char real[PATH_MAX];
		if (realpath(path, real) && access(real, R_OK) == 0) {
			snprintf(path, sizeof(path), "%s", real);
			return path;
		}
	}
	fprintf(stderr, "deja: cannot find libdeja-runtime.so beside the deja executable"
			" (expected %s); set DEJA_RUNTIME to its path\n", path);
	return NULL;
}

int cli_python_lines(const char *runtime_path)
{
	const char *slash = strrchr(runtime_path, '/');
	int dir_len = slash ? (int)(slash - runtime_path) : 1;
	const char *dir = slash ? runtime_path : ".";
	const char *old = getenv("PYTHONPATH");
	char *value;
	int n = old && *old ? asprintf(&value, "%.*s/python:%s", dir_len, dir, old)
			    : asprintf(&value, "%.*s/python", dir_len, dir);
	if (n < 0 || setenv("PYTHONPATH", value, 1) != 0) {
		fprintf(stderr, "deja: cannot set PYTHONPATH for --python-lines\n");
		if (n >= 0)
			free(value);
		return -1;
	}
	free(value);
	return 0;
}

const char *cli_one_trace(int argc, char **argv, const char *cmd, const char *usage,
			  const char *name, char letter, bool *flag, int *code)
{
	const struct option opts[] = {
		{ name, no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	char shortopts[8] = "+h";
	if (letter)
		snprintf(shortopts, sizeof(shortopts), "+h%c", letter);
	*flag = false;
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
		if (c == 'f' || (letter && c == letter)) {
			*flag = true;
		} else if (c == 'h') {
			fputs(usage, stdout);
			*code = DEJA_EXIT_OK;
			return NULL;
		} else {
			fputs(usage, stderr);
			*code = DEJA_EXIT_USAGE;
			return NULL;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "deja %s: give exactly one trace\n\n%s", cmd, usage);
		*code = DEJA_EXIT_USAGE;
		return NULL;
	}
	return argv[optind];
}

int cli_check_strategy(const char *cmd, const char *spec, const char *known)
{
	char err[256];
	int r = -1;
	if (strncmp(spec, "follow", 6) == 0) {
		snprintf(err, sizeof(err), "follow is replay's strategy");
	} else {
		struct deja_model *m = calloc(1, sizeof(*m));
		if (m)
			r = deja_strategy_setup(m, spec, 0, err, sizeof(err));
		else
			snprintf(err, sizeof(err), "out of memory");
		free(m);
	}
	if (r != 0)
		fprintf(stderr, "deja %s: %s (%s takes %s)\n", cmd, err, cmd, known);
	return r;
}

bool cli_parse_u64(const char *s, unsigned long long *out)
{
	/* Digits alone: strtoull would also take leading blanks and a sign,
	 * and " -5" for 2^64 - 5. */
	if (!s || *s < '0' || *s > '9')
		return false;
	char *end;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno == 0 && *end == '\0';
}

const char *cli_option_name(const struct option *opts, int c)
{
	for (; opts->name; opts++)
		if (opts->val == c)
			return opts->name;
	return "?";
}

const char *cli_signal_name(int sig)
{
	static char buf[16];
	const char *abbrev = sigabbrev_np(sig);
	if (abbrev) {
		snprintf(buf, sizeof(buf), "SIG%s", abbrev);
		return buf;
	}
	snprintf(buf, sizeof(buf), "signal %d", sig);
	return buf;
}

/* A wait for a semaphore the waiting thread took itself: CPython's
 * Condition.wait and Event.wait take a lock twice, and another thread's
 * release ends the second take.  Not a cycle of one. */
static bool waits_for_own_take(const struct trace_wait *w)
{
	return strcmp(w->object_kind, "sem") == 0 && w->holder == (int64_t)w->thread;
}

static void print_cycle(FILE *out, const struct trace_wait *w, size_t n, const char *indent)
{
	/* Follow "waits for a thing held by" edges from each thread; a
	 * thread seen twice closes a cycle. */
	for (size_t start = 0; start < n; start++) {
		int64_t seen[64];
		size_t len = 0;
		int64_t cur = w[start].thread;
		while (len < 64) {
			for (size_t k = 0; k < len; k++) {
				if (seen[k] != cur)
					continue;
				if (k != 0)
					goto next; /* a cycle, but not through start */
				fprintf(out, "%s  cycle: ", indent);
				for (size_t j = 0; j < len; j++)
					fprintf(out, "thread %lld -> ", (long long)seen[j]);
				fprintf(out, "thread %lld\n", (long long)cur);
				return;
			}
			seen[len++] = cur;
			const struct trace_wait *edge = NULL;
			for (size_t k = 0; k < n; k++)
				if ((int64_t)w[k].thread == cur)
					edge = &w[k];
			if (!edge || edge->holder < 0 || waits_for_own_take(edge))
				break;
			cur = edge->holder;
		}
next:;
	}
}

/* "  <1" / "  <2" when event seq of the process is one of a critical
 * pair's, else "". */
static const char *pair_mark(const struct trace_finding *f, size_t n, uint32_t process,
			     uint64_t seq)
{
	for (size_t i = 0; i < n; i++) {
		if (f[i].process != process)
			continue;
		if (f[i].first_seq == (int64_t)seq)
			return "  <1";
		if (f[i].second_seq == (int64_t)seq)
			return "  <2";
	}
	return "";
}

void cli_print_event(FILE *out, const struct site_table *sites, uint32_t process,
		     const struct deja_event *ev, const struct trace_finding *f, size_t nf)
{
	char op[128], site[256], who[16], py[300];
	describe_op(ev, op, sizeof(op));
	describe_site(sites, event_site(process, ev), site, sizeof(site));
	snprintf(who, sizeof(who), "T%u%s", ev->thread, (ev->flags & DEJA_EVENT_PREEMPT) ? " *" : "");
	bool python = describe_python(sites, process, ev, false, py, sizeof(py));
	fprintf(out, "%8llu  %-7s %-36s %s%s%s%s%s\n", (unsigned long long)ev->seq, who, op, site,
		python ? " [" : "", py, python ? "]" : "", pair_mark(f, nf, process, ev->seq));
}

/* A waiting thread's last Python line, where a CPython program's events
 * carry them (--python-lines): its wait's own site is CPython's lock code,
 * and the thread took its last events (giving up the GIL) at the line
 * that waits. */
static void print_python_line(FILE *out, struct trace *t, const struct site_table *sites,
			      uint32_t process, uint32_t thread)
{
	struct trace_event e;
	char py[300];
	if (t && trace_last_python_event(t, process, thread, &e) == 1 &&
	    describe_python(sites, process, &e.ev, false, py, sizeof(py)))
		fprintf(out, " [last Python line %s]", py);
}

void cli_print_wait_graph(FILE *out, struct trace *t, uint32_t process,
			  const struct trace_wait *w, size_t n, const struct site_table *sites,
			  const char *heading, const char *indent)
{
	if (n == 0)
		return;
	fprintf(out, "%s%s\n", indent, heading);
	for (size_t i = 0; i < n; i++) {
		char where[256];
		describe_site(sites, wait_site(process, &w[i]), where, sizeof(where));
		bool join = strcmp(w[i].object_kind, "thread") == 0;
		fprintf(out, "%s  thread %u waits in %s", indent, w[i].thread, w[i].op);
		if (join)
			fprintf(out, "(thread %lld)", (long long)w[i].holder);
		else if (w[i].object)
			fprintf(out, "(%s#%u)", w[i].object_kind, w[i].object);
		fprintf(out, " at %s", where);
		print_python_line(out, t, sites, process, w[i].thread);
		if (join)
			fprintf(out, ", until it finishes");
		else if (strcmp(w[i].object_kind, "input") == 0)
			fprintf(out, ", for input");
		else if (strcmp(w[i].object_kind, "child") == 0)
			fprintf(out, ", for a child process to end");
		else if (strcmp(w[i].object_kind, "signal") == 0)
			fprintf(out, ", for a signal");
		else if (waits_for_own_take(&w[i]))
			fprintf(out, ", which it took itself: another thread's post would end the wait");
		else if (w[i].holder >= 0)
			fprintf(out, ", held by thread %lld", (long long)w[i].holder);
		fputc('\n', out);
	}
	print_cycle(out, w, n, indent);
}

static void print_waits(FILE *out, struct trace *t, const struct site_table *sites,
			const char *heading)
{
	struct trace_wait *w;
	size_t n;
	if (trace_get_waits(t, &w, &n) != TRACE_OK)
		return;
	cli_print_wait_graph(out, t, 0, w, n, sites, heading, "");
	trace_waits_free(w, n);
}

static void print_unsupported(FILE *out, struct trace *t)
{
	struct trace_syscall_count *c;
	size_t n;
	if (trace_get_unsupported(t, &c, &n) != TRACE_OK)
		return;
	if (n > 0)
		fprintf(out, "unsupported syscalls (they failed with ENOSYS):");
	for (size_t i = 0; i < n; i++) {
		const char *name = deja_syscall((long)c[i].nr)->name;
		if (name)
			fprintf(out, " %s x%llu", name, (unsigned long long)c[i].count);
		else
			fprintf(out, " syscall %llu x%llu", (unsigned long long)c[i].nr,
				(unsigned long long)c[i].count);
	}
	if (n > 0)
		fputc('\n', out);
	free(c);
}

/* " in thread 2 at worker (crash.c:12)": where a fault ended the run. */
static void print_fault(FILE *out, const struct site_table *sites,
			const struct trace_run *run)
{
	char where[256];
	describe_site(sites, fault_site(run), where, sizeof(where));
	fprintf(out, " in thread %lld at %s", (long long)run->outcome_thread, where);
}

void cli_report_outcome(FILE *out, struct trace *t, const struct site_table *sites,
			const struct trace_run *run)
{
	fprintf(out, "outcome: %s", run->outcome);
	if (strcmp(run->outcome, "exit") == 0)
		fprintf(out, " %lld", (long long)run->exit_code);
	else if (strcmp(run->outcome, "signal") == 0)
		fprintf(out, " %lld (%s)", (long long)run->signal, cli_signal_name((int)run->signal));
	if (run->fault_site)
		print_fault(out, sites, run);
	if (run->message)
		fprintf(out, ": %s", run->message);
	if (run->interrupted)
		fprintf(out, " (deja was interrupted)");
	fprintf(out, "\n");
	print_unsupported(out, t);
	cli_processes_summary(out, t, run);
	print_waits(out, t, sites,
		    strcmp(run->outcome, "deadlock") == 0 ? "wait-for graph:"
							 : "threads waiting when the run ended:");
}

bool cli_runs_cpython(const char *program)
{
	const char *base = program ? strrchr(program, '/') : NULL;
	base = base ? base + 1 : program;
	return base && strncmp(base, "python", 6) == 0;
}
