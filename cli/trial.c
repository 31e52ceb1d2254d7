/*
 * trial.c: candidate runs and failure signatures (see trial.h).
 */
#define _GNU_SOURCE
#include "trial.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "deadlock_sig.h"
#include "file_identity.h"
#include "record.h"
#include "trace.h"
#include "tree_scripts.h"

/* The first line of the program's output that reports a failed assert
 * (glibc: "prog: file:line: func: Assertion `cond' failed."). */
static void assertion_line(const char *path, char *out, size_t len)
{
	out[0] = '\0';
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) >= 0) {
		if (strstr(line, "Assertion") && strstr(line, "failed")) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(out, len, "%s", line);
			break;
		}
	}
	free(line);
	fclose(f);
}

/* The deadlock's wait-for graph as its detail and key (deadlock_sig.h). */
static enum trial_status wait_set(struct trace *t, struct failure_sig *sig)
{
	struct trace_wait *w;
	size_t n;
	if (trace_get_waits(t, &w, &n) != TRACE_OK)
		return TRIAL_ERR_TRACE;
	int r = deadlock_sig(w, n, sig->detail, sizeof(sig->detail), sig->key, sizeof(sig->key));
	trace_waits_free(w, n);
	return r == 0 ? TRIAL_OK : TRIAL_ERR_TRACE;
}

static enum trial_status read_back(const struct trial_program *p, struct trial_result *r)
{
	struct trace *t;
	char why[256];
	if (trace_open(p->scratch, false, &t, why, sizeof(why)) != TRACE_OK)
		return TRIAL_ERR_TRACE;
	struct trace_run run;
	enum trial_status st = trace_get_run(t, &run) == TRACE_OK ? TRIAL_OK : TRIAL_ERR_TRACE;
	if (st == TRIAL_OK) {
		r->events = run.events;
		r->preemptions = run.preemptions;
		r->switches = run.switches;
		if (r->sig.kind == DEJA_OUTCOME_DEADLOCK)
			st = wait_set(t, &r->sig);
	}
	uint32_t focus;
	if (st == TRIAL_OK && p->tree && p->tree->focus != 0) {
		/* The focus's own; none when this run did not fork it. */
		struct trace_counts c = { 0 };
		if (tree_scripts_find(p->tree, t, &focus) == 0 &&
		    trace_get_process_counts(t, focus, &c) != TRACE_OK)
			st = TRIAL_ERR_TRACE;
		r->events = c.events;
		r->preemptions = c.preemptions;
		r->switches = c.switches;
	}
	trace_run_free(&run);
	trace_close(t);
	return st;
}

/* The program's stdin for one run: the session's child inherits deja's
 * descriptor 0, so point it at the file for the run and back after. */
static int stdin_swap(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int saved = fd >= 0 ? fcntl(0, F_DUPFD_CLOEXEC, 10) : -1;
	if (fd < 0 || dup2(fd, 0) < 0) {
		snprintf(err, errlen, "cannot give the program %s as its stdin: %s", path,
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		if (saved >= 0)
			close(saved);
		return -2;
	}
	close(fd);
	return saved; /* -1: deja had no stdin; leave 0 as it is after */
}

static void stdin_restore(int saved)
{
	if (saved >= 0) {
		dup2(saved, 0);
		close(saved);
	}
}

enum trial_status trial_run(struct trial_program *p, const struct deja_script_entry *script,
			    uint64_t n, struct trial_result *r, char *err, size_t errlen)
{
	return trial_run_strategy(p, "script", 0, script, n, r, err, errlen);
}

enum trial_status trial_run_strategy(struct trial_program *p, const char *strategy,
				     uint64_t seed, const struct deja_script_entry *script,
				     uint64_t n, struct trial_result *r, char *err, size_t errlen)
{
	const struct deja_script_entry *top = script;
	uint64_t ntop = n;
	struct process_script *children = NULL;
	size_t nchildren = 0;
	if (p->tree && strcmp(strategy, "script") == 0 &&
	    tree_scripts_for(p->tree, script, n, &top, &ntop, &children, &nchildren) != 0) {
		snprintf(err, errlen, "out of memory");
		return TRIAL_ERR_RUN;
	}
	struct record_options o = {
		.argv = p->argv, .argc = p->argc, .envp = p->envp, .strategy = strategy, .seed = seed,
		.max_steps = p->max_steps, .wall_timeout = p->wall_timeout,
		.run_index = ++p->runs, .script = top, .script_len = ntop,
		.child_scripts = children, .nchild_scripts = nchildren,
		.output_to = p->output, .trace_path = p->scratch,
		.runtime_path = p->runtime, .deja_version = DEJA_VERSION,
		.entropy_seed = p->entropy_seed, .realtime_start_ns = p->realtime_start_ns,
		.monotonic_start_ns = p->monotonic_start_ns,
		.discard_passing = p->discard_passing,
		.server = p->serve ? &p->server : NULL,
		.input_from = p->stdin_from ? NULL : p->input_from,
		.observe = p->observe, .observe_ctx = p->observe_ctx,
	};
	struct session_result res;
	int saved = p->stdin_from ? stdin_swap(p->stdin_from, err, errlen) : -1;
	if (saved == -2)
		return TRIAL_ERR_RUN;
	enum record_status rs = record_run(&o, &res, err, errlen);
	free(children);
	if (p->stdin_from)
		stdin_restore(saved);
	if (rs != RECORD_OK)
		return TRIAL_ERR_RUN;
	if (res.interrupted)
		return TRIAL_ERR_INTERRUPTED;
	memset(r, 0, sizeof(*r));
	r->sig.kind = res.kind;
	r->sig.exit_code = res.exit_code;
	r->sig.signal = res.signal;
	r->events = res.events;
	if (res.kind == DEJA_OUTCOME_SIGNAL)
		assertion_line(p->output, r->sig.detail, sizeof(r->sig.detail));
	if (p->discard_passing && session_passed(&res))
		return TRIAL_OK; /* no trace was made: nothing more to read */
	r->traced = true;
	enum trial_status st = read_back(p, r);
	if (st != TRIAL_OK)
		snprintf(err, errlen, "the trial's trace %s cannot be read back", p->scratch);
	return st;
}

void trial_end_server(struct trial_program *p)
{
	session_free(p->server);
	p->server = NULL;
}

bool failure_same(const struct failure_sig *a, const struct failure_sig *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case DEJA_OUTCOME_EXIT:
		return a->exit_code == b->exit_code;
	case DEJA_OUTCOME_SIGNAL:
		return a->signal == b->signal && strcmp(a->detail, b->detail) == 0;
	case DEJA_OUTCOME_DEADLOCK:
		return strcmp(a->key, b->key) == 0;
	default:
		return true;
	}
}

bool failure_failed(const struct failure_sig *s)
{
	return !(s->kind == DEJA_OUTCOME_EXIT && s->exit_code == 0);
}

void failure_describe(const struct failure_sig *s, char *buf, size_t len)
{
	static const char *const kinds[] = { "incomplete", "exit", "signal", "deadlock",
					     "timeout", "divergence", "error" };
	const char *k = (unsigned)s->kind < 7 ? kinds[s->kind] : "?";
	if (s->kind == DEJA_OUTCOME_EXIT)
		snprintf(buf, len, "exit %d", s->exit_code);
	else if (s->kind == DEJA_OUTCOME_SIGNAL)
		snprintf(buf, len, "signal %d (%s)%s%s", s->signal, cli_signal_name(s->signal),
			 s->detail[0] ? ": " : "", s->detail);
	else if (s->kind == DEJA_OUTCOME_DEADLOCK)
		snprintf(buf, len, "deadlock: %s", s->detail);
	else
		snprintf(buf, len, "%s", k);
}

char *trial_absolute(const char *path)
{
	char cwd[PATH_MAX], *out;
	if (path[0] == '/')
		return strdup(path);
	if (!getcwd(cwd, sizeof(cwd)) || asprintf(&out, "%s/%s", cwd, path) < 0)
		return NULL;
	return out;
}

bool trial_same_executable(const struct trace_run *run)
{
	char hash[17];
	return deja_file_identity(run->exe_path, hash) == 0 && strcmp(hash, run->exe_hash) == 0;
}
