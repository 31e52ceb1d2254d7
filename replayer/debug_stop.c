/*
 * debug_stop.c: stopping a replay before one event under gdb (see
 * debug_stop.h; the runtime's half is runtime/debug_stop.c).
 */
#define _GNU_SOURCE
#include "debug_stop.h"

#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WATCH_POLL_NS 20000000L /* how often the watcher looks whether the run is over */

struct debug_stop {
	struct debug_stop_request rq;
	struct deja_shared *sh;
	pthread_t thread;
	bool ending;  /* the run is over (atomic) */
	bool stopped; /* the runtime stopped at the event */
};

/* The runtime has stopped at the event (true), or the run is over. */
static bool wait_for_stop(struct debug_stop *ds)
{
	uint32_t *word = &ds->sh->debug_stopped;
	for (;;) {
		if (__atomic_load_n(word, __ATOMIC_ACQUIRE))
			return true;
		if (__atomic_load_n(&ds->ending, __ATOMIC_ACQUIRE))
			return false;
		struct timespec poll = { 0, WATCH_POLL_NS };
		syscall(SYS_futex, word, FUTEX_WAIT, 0, &poll, NULL, 0);
	}
}

int debug_stop_write_commands(FILE *f, int32_t tid, uint64_t site, const char *runtime)
{
	const char *slash = strrchr(runtime, '/');
	const char *name = slash ? slash + 1 : runtime;
	/* The thread is found by its kernel id, which gdb's thread list
	 * gives; the frame by the event's call site, which is the resume
	 * address of the program's frame that makes the call. */
	fprintf(f,
		"set pagination off\n"
		"handle SIGSYS nostop noprint pass\n"
		"handle SIGSEGV nostop noprint pass\n"
		"python\n"
		"def deja_select_stop(tid, site, runtime):\n"
		"    import os\n"
		"    threads = [t for t in gdb.selected_inferior().threads() if t.ptid[1] == tid]\n"
		"    if not threads:\n"
		"        print('deja: thread %%d is not among the threads gdb sees' %% tid)\n"
		"        return\n"
		"    threads[0].switch()\n"
		"    f, chosen, outside = gdb.newest_frame(), None, None\n"
		"    while f is not None and chosen is None:\n"
		"        if site == 0 and f.name() == 'deja_stopped_at_event':\n"
		"            chosen = f\n"
		"        elif site != 0 and f.pc() == site:\n"
		"            chosen = f\n"
		"        elif outside is None and f.type() == gdb.NORMAL_FRAME and \\\n"
		"                os.path.basename(gdb.solib_name(f.pc()) or '') != runtime:\n"
		"            outside = f\n"
		"        f = f.older()\n"
		"    (chosen or outside or gdb.newest_frame()).select()\n"
		"deja_select_stop(%d, %llu, '%s')\n"
		"end\n"
		"frame\n",
		(int)tid, (unsigned long long)site, name);
	return ferror(f) ? -1 : 0;
}

/* The command file for this stop, in a temporary file; its path is put
 * in path.  -1 if it cannot be written. */
static int write_command_file(const struct debug_stop *ds, char *path, size_t len)
{
	const char *dir = getenv("TMPDIR");
	snprintf(path, len, "%s/deja-gdb-XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0)
		return -1;
	FILE *f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(path);
		return -1;
	}
	int r = debug_stop_write_commands(f, ds->sh->debug_tid, ds->sh->debug_site,
					   ds->rq.runtime_path);
	if (fclose(f) != 0 || r != 0) {
		unlink(path);
		return -1;
	}
	return 0;
}

/* Run gdb attached to the stopped process until it exits.  deja ignores
 * SIGINT meanwhile: ^C in gdb reaches the whole foreground process group,
 * and is gdb's to interrupt the program with, not deja's to end the run. */
static void run_gdb(const struct debug_stop *ds, const char *setup)
{
	char pid[32];
	snprintf(pid, sizeof(pid), "%d", (int)ds->sh->debug_pid);
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
	struct sigaction ignore = { .sa_handler = SIG_IGN }, old;
	sigemptyset(&ignore.sa_mask);
	sigaction(SIGINT, &ignore, &old);
	pid_t child = fork();
	if (child == 0) {
		signal(SIGINT, SIG_DFL);
		execv(ds->rq.gdb, (char *const *)argv);
		fprintf(stderr, "deja: cannot run %s: %s\n", ds->rq.gdb, strerror(errno));
		_exit(127);
	}
	if (child < 0)
		fprintf(stderr, "deja: cannot start gdb: %s\n", strerror(errno));
	while (child > 0 && waitpid(child, NULL, 0) < 0 && errno == EINTR)
		continue;
	sigaction(SIGINT, &old, NULL);
}

static void *watch(void *arg)
{
	struct debug_stop *ds = arg;
	if (!wait_for_stop(ds))
		return NULL;
	ds->stopped = true;
	struct deja_shared *sh = ds->sh;
	fprintf(stderr,
		"deja: replay stopped before event %llu: %s\n"
		"deja: gdb attaches to process %d, thread %d; `continue` runs the replay on"
		" to its end, and deja reports once gdb has quit\n",
		(unsigned long long)ds->rq.event, ds->rq.what, (int)sh->debug_pid,
		(int)sh->debug_tid);
	char setup[4096];
	if (write_command_file(ds, setup, sizeof(setup)) != 0)
		fprintf(stderr, "deja: cannot write gdb's commands (%s): %s\n", setup,
			strerror(errno));
	else {
		run_gdb(ds, setup);
		unlink(setup);
	}
	__atomic_store_n(&sh->debug_release, 1, __ATOMIC_RELEASE);
	syscall(SYS_futex, &sh->debug_release, FUTEX_WAKE, 1, NULL, NULL, 0);
	return NULL;
}

struct debug_stop *debug_stop_start(const struct debug_stop_request *rq, struct deja_shared *sh,
				    char *err, size_t errlen)
{
	struct debug_stop *ds = calloc(1, sizeof(*ds));
	if (!ds) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	ds->rq = *rq;
	ds->sh = sh;
	int r = pthread_create(&ds->thread, NULL, watch, ds);
	if (r != 0) {
		snprintf(err, errlen, "cannot start the thread that waits for the stop: %s",
			 strerror(r));
		free(ds);
		return NULL;
	}
	return ds;
}

bool debug_stop_end(struct debug_stop *ds)
{
	if (!ds)
		return false;
	__atomic_store_n(&ds->ending, true, __ATOMIC_RELEASE);
	pthread_join(ds->thread, NULL);
	bool stopped = ds->stopped;
	free(ds);
	return stopped;
}
