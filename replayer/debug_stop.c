/*
 * debug_stop.c: stopping a replay before one event under gdb (see
 * debug_stop.h; the runtime's half is runtime/debug_stop.c).
 */
#define _GNU_SOURCE
#include "debug_stop.h"
#include "gdb_commands_py.h"

#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WATCH_POLL_NS 10000000L /* how often the watcher looks for the stop */

struct debug_stop {
	struct debug_stop_request rq;
	struct deja_shared *sh; /* the channel watched (atomic), once given */
	void *own;              /* a child's channel: this watch's own mapping of it */
	size_t own_len;
	pthread_t thread;
	bool ending;  /* the run is over (atomic) */
	bool stopped;  /* the runtime stopped at the event */
	bool attached; /* and gdb attached to it there */
	uint64_t restart; /* 1 + the event gdb asked a new run to stop before; 0: none */
};

/* The files gdb and the watch talk through, in the gdb's directory (the
 * names gdb_commands.py uses too; the two polled for are written as
 * NAME.tmp, then renamed). */
#define GDB_COMMANDS "commands.gdb" /* what gdb runs on starting */
#define GDB_RESTART "restart"       /* gdb: "EVENT": kill this run, stop before EVENT in a new one */
#define GDB_STOP "stop"             /* the watch: "PID TID SITE" of a new run's stop, or "ended" */

/* The runtime has stopped at the event (its channel), or the run is over
 * (NULL).  Polled: the channel may not be known yet. */
static struct deja_shared *wait_for_stop(struct debug_stop *ds)
{
	for (;;) {
		struct deja_shared *sh = __atomic_load_n(&ds->sh, __ATOMIC_ACQUIRE);
		if (sh && __atomic_load_n(&sh->debug_stopped, __ATOMIC_ACQUIRE))
			return sh;
		if (__atomic_load_n(&ds->ending, __ATOMIC_ACQUIRE))
			return NULL;
		struct timespec poll = { 0, WATCH_POLL_NS };
		nanosleep(&poll, NULL);
	}
}

/* A Python string literal of text: its bytes in hex, decoded by gdb's
 * Python, so that no quote or backslash in a path can break out. */
static void python_string(FILE *f, const char *text)
{
	fputs("bytes.fromhex('", f);
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		fprintf(f, "%02x", *p);
	fputs("').decode('utf-8', 'surrogateescape')", f);
}

int debug_stop_write_commands(FILE *f, int32_t tid, uint64_t site, const char *runtime,
			      const char *dir)
{
	const char *slash = strrchr(runtime, '/');
	fputs("set pagination off\n"
	      "handle SIGSYS nostop noprint pass\n"
	      "handle SIGSEGV nostop noprint pass\n"
	      "handle SIG64 nostop noprint pass\n"
	      "python\n"
	      "deja_runtime_name = ",
	      f);
	python_string(f, slash ? slash + 1 : runtime);
	/* The thread is found by its kernel id, which gdb's thread list
	 * gives; the frame by the event's call site, which is the resume
	 * address of the program's frame that makes the call. */
	fprintf(f, "\ndeja_stop = (%d, %llu)\ndeja_dir = ", (int)tid, (unsigned long long)site);
	python_string(f, dir);
	fprintf(f, "\n%s\n"
		   "deja_select_stop(*deja_stop)\n"
		   "end\n"
		   "frame\n",
		deja_gdb_commands_py);
	return ferror(f) ? -1 : 0;
}

/* Write the file at dir/name: its text, through a temporary file renamed
 * over it, so that a reader polling for it sees all of it or nothing.
 * 0, or -1. */
static int write_whole(const char *dir, const char *name, const char *text)
{
	char tmp[320], path[320];
	snprintf(tmp, sizeof(tmp), "%s/%s.tmp", dir, name);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(tmp, "we");
	if (!f)
		return -1;
	bool ok = fputs(text, f) >= 0;
	ok = fclose(f) == 0 && ok;
	return ok && rename(tmp, path) == 0 ? 0 : -1;
}

/* gdb's directory, made for its first stop, and the commands it runs
 * there in it.  -1 (errno set) if they cannot be written. */
static int write_command_file(const struct debug_stop *ds, const struct deja_shared *sh,
			      struct debug_gdb *g)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(g->dir, sizeof(g->dir), "%s/deja-gdb-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(g->dir)) {
		g->dir[0] = '\0';
		return -1;
	}
	/* Written before gdb starts, which reads it: no reader to race. */
	char path[320];
	snprintf(path, sizeof(path), "%s/%s", g->dir, GDB_COMMANDS);
	FILE *f = fopen(path, "we");
	if (!f)
		return -1;
	int r = debug_stop_write_commands(f, sh->debug_tid, sh->debug_site, ds->rq.runtime_path,
					  g->dir);
	return fclose(f) != 0 ? -1 : r;
}

/* The restart gdb asks for, if it has: 1 + the event in its file, which
 * is taken away; 0 if there is none.  "EVENT quiet" (a run of
 * deja-last-change's or deja-reverse-continue's own) has the next stop
 * go unsaid. */
static uint64_t take_restart(struct debug_gdb *g)
{
	char path[320];
	snprintf(path, sizeof(path), "%s/%s", g->dir, GDB_RESTART);
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	unsigned long long event;
	char word[16] = "";
	bool read = fscanf(f, "%llu %15s", &event, word) >= 1;
	fclose(f);
	unlink(path);
	g->quiet = strcmp(word, "quiet") == 0;
	return read ? event + 1 : 0;
}

/* Whether thread tid has a tracer (gdb attached to it). */
static bool has_tracer(int32_t tid)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	int tracer = 0;
	while (fgets(line, sizeof(line), f) && sscanf(line, "TracerPid: %d", &tracer) != 1)
		continue;
	fclose(f);
	return tracer != 0;
}

/* Wait for gdb to exit, or to ask for a restart (*restart, as
 * take_restart gives it), looking meanwhile whether it attaches to the
 * stopped thread: it stays stopped, hence traced, from gdb's attach
 * until a `continue`, for as long as gdb reads the program's symbols at
 * least, which the polls cannot miss.  Returns whether gdb attached; g's
 * pid is 0 once gdb has exited. */
static bool wait_for_gdb(struct debug_gdb *g, int32_t tid, uint64_t *restart)
{
	bool attached = false;
	for (;;) {
		attached = attached || has_tracer(tid);
		if ((*restart = take_restart(g)) != 0)
			return attached;
		pid_t r = waitpid(g->pid, NULL, WNOHANG);
		if (r == g->pid || (r < 0 && errno != EINTR)) {
			g->pid = 0;
			return attached;
		}
		struct timespec poll = { 0, WATCH_POLL_NS / 4 };
		nanosleep(&poll, NULL);
	}
}

/* Start gdb attached to the stopped process, with the commands in its
 * directory; g's pid is gdb's, 0 if it could not be started.  deja
 * ignores SIGINT while gdb runs: ^C in gdb reaches the whole foreground
 * process group, and is gdb's to interrupt the program with, not deja's
 * to end the run. */
static void start_gdb(const struct debug_stop *ds, struct debug_gdb *g, int32_t target)
{
	char pid[32], setup[320];
	snprintf(pid, sizeof(pid), "%d", (int)target);
	snprintf(setup, sizeof(setup), "%s/%s", g->dir, GDB_COMMANDS);
	const char *argv[10];
	int n = 0;
	argv[n++] = ds->rq.gdb;
	argv[n++] = "-q";
	if (ds->rq.commands)
		argv[n++] = "-batch";
	argv[n++] = "-p";
	argv[n++] = pid;
	argv[n++] = "-x";
	argv[n++] = setup;
	if (ds->rq.commands) {
		argv[n++] = "-x";
		argv[n++] = ds->rq.commands;
	}
	argv[n] = NULL;
	struct sigaction ignore = { .sa_handler = SIG_IGN };
	sigemptyset(&ignore.sa_mask);
	sigaction(SIGINT, &ignore, &g->int_before);
	pid_t child = fork();
	if (child == 0) {
		signal(SIGINT, SIG_DFL);
		execv(ds->rq.gdb, (char *const *)argv);
		fprintf(stderr, "deja: cannot run %s: %s\n", ds->rq.gdb, strerror(errno));
		_exit(127);
	}
	if (child < 0) {
		fprintf(stderr, "deja: cannot start gdb: %s\n", strerror(errno));
		sigaction(SIGINT, &g->int_before, NULL);
	}
	g->pid = child > 0 ? child : 0;
}

/* gdb has exited: deja takes SIGINT again, and gdb's files go. */
static void gdb_gone(struct debug_gdb *g)
{
	sigaction(SIGINT, &g->int_before, NULL);
	if (!g->dir[0])
		return;
	static const char *const names[] = { GDB_COMMANDS,	 GDB_RESTART, GDB_STOP,
					     GDB_RESTART ".tmp", GDB_STOP ".tmp" };
	char path[320];
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", g->dir, names[i]);
		unlink(path);
	}
	rmdir(g->dir);
	g->dir[0] = '\0';
}

/* Tell people where the replay stopped and how gdb goes on from there. */
static void say_stopped(const struct debug_stop *ds, const struct deja_shared *sh, bool again)
{
	char process[48] = "";
	if (ds->rq.process)
		snprintf(process, sizeof(process), " of process %u", ds->rq.process);
	if (again) {
		fprintf(stderr,
			"deja: replay started again, stopped before event %llu%s: %s\n"
			"deja: gdb attaches to process %d, thread %d\n",
			(unsigned long long)ds->rq.event, process, ds->rq.what, (int)sh->debug_pid,
			(int)sh->debug_tid);
		return;
	}
	fprintf(stderr,
		"deja: replay stopped before event %llu%s: %s\n"
		"deja: gdb attaches to process %d, thread %d; `continue` runs the replay on"
		" to its end, and deja reports once gdb has quit; `deja-finish` makes this"
		" event and stops back in the program's frame; `deja-goto N` runs on to"
		" just before event N, starting the replay again for an earlier one;"
		" `deja-when` says which event is next; `deja-last-change EXPR` goes back"
		" to where EXPR last changed, `deja-reverse-continue` to the last breakpoint"
		" stop\n",
		(unsigned long long)ds->rq.event, process, ds->rq.what, (int)sh->debug_pid,
		(int)sh->debug_tid);
}

/* Hand this run's stop to the gdb already running (a restart it asked
 * for): it attaches to the process the file names.  0, or -1. */
static int hand_over(const struct debug_gdb *g, const struct deja_shared *sh)
{
	char text[128];
	snprintf(text, sizeof(text), "%d %d %llu\n", (int)sh->debug_pid, (int)sh->debug_tid,
		 (unsigned long long)sh->debug_site);
	return write_whole(g->dir, GDB_STOP, text);
}

static void *watch(void *arg)
{
	struct debug_stop *ds = arg;
	struct debug_gdb *g = ds->rq.gdb_run;
	struct deja_shared *sh = wait_for_stop(ds);
	if (!sh)
		return NULL;
	ds->stopped = true;
	bool again = g->pid > 0;
	if (!again || !g->quiet)
		say_stopped(ds, sh, again);
	if (again) {
		if (hand_over(g, sh) != 0)
			fprintf(stderr, "deja: cannot hand the stop to gdb (%s): %s\n", g->dir,
				strerror(errno));
	} else if (write_command_file(ds, sh, g) != 0)
		fprintf(stderr, "deja: cannot write gdb's commands (%s): %s\n", g->dir,
			strerror(errno));
	else
		start_gdb(ds, g, sh->debug_pid);
	ds->attached = g->pid > 0 && wait_for_gdb(g, sh->debug_tid, &ds->restart);
	if (ds->restart) { /* gdb kills the stopped process and waits for the next run's */
		if (ds->rq.restarting)
			ds->rq.restarting(ds->rq.restarting_ctx);
		return NULL;
	}
	if (g->pid == 0)
		gdb_gone(g);
	if (!ds->attached)
		fprintf(stderr, "deja: gdb did not attach to process %d (its messages above say"
			" why, e.g. ptrace refused); the replay goes on without it\n",
			(int)sh->debug_pid);
	__atomic_store_n(&sh->debug_release, 1, __ATOMIC_RELEASE);
	syscall(SYS_futex, &sh->debug_release, FUTEX_WAKE, 1, NULL, NULL, 0);
	return NULL;
}

struct debug_stop *debug_stop_start(const struct debug_stop_request *rq, char *err,
				    size_t errlen)
{
	struct debug_stop *ds = calloc(1, sizeof(*ds));
	if (!ds) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	ds->rq = *rq;
	int r = pthread_create(&ds->thread, NULL, watch, ds);
	if (r != 0) {
		snprintf(err, errlen, "cannot start the thread that waits for the stop: %s",
			 strerror(r));
		free(ds);
		return NULL;
	}
	return ds;
}

void debug_stop_watch(struct debug_stop *ds, struct deja_shared *sh)
{
	__atomic_store_n(&ds->sh, sh, __ATOMIC_RELEASE);
}

void debug_stop_watch_fd(struct debug_stop *ds, int fd, uint64_t size)
{
	if (__atomic_load_n(&ds->sh, __ATOMIC_ACQUIRE))
		return; /* one process is watched */
	void *own = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (own == MAP_FAILED) {
		fprintf(stderr, "deja: cannot map process %u's channel to wait for its stop: %s\n",
			ds->rq.process, strerror(errno));
		return;
	}
	ds->own = own;
	ds->own_len = size;
	debug_stop_watch(ds, own);
}

enum debug_stop_result debug_stop_end(struct debug_stop *ds, uint64_t *restart)
{
	*restart = 0;
	if (!ds)
		return DEBUG_STOP_NONE;
	__atomic_store_n(&ds->ending, true, __ATOMIC_RELEASE);
	pthread_join(ds->thread, NULL);
	enum debug_stop_result stopped = !ds->stopped	 ? DEBUG_STOP_NONE
					 : ds->attached ? DEBUG_STOP_ATTACHED
							: DEBUG_STOP_UNATTACHED;
	*restart = ds->restart;
	if (ds->own)
		munmap(ds->own, ds->own_len);
	free(ds);
	return stopped;
}

void debug_gdb_end(struct debug_gdb *g)
{
	if (g->pid > 0) {
		/* A restarted run ended before its stop: gdb's deja-goto
		 * waits for it, and is told instead. */
		if (write_whole(g->dir, GDB_STOP, "ended\n") != 0)
			kill(g->pid, SIGTERM);
		while (waitpid(g->pid, NULL, 0) < 0 && errno == EINTR)
			continue;
		g->pid = 0;
	}
	if (g->dir[0])
		gdb_gone(g);
}
