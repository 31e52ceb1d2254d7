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

/* The files gdb and the watch talk through, in the gdb's directory. */
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

/* gdb passes every SIGSEGV silently (most are rdtsc reads the runtime
 * emulates), so it cannot stop at a crash by one; nor at a run deja ends
 * (a deadlock, a timeout, a divergence), which exits without a signal.
 * The runtime calls an empty function at each (runtime/debug_stop.c):
 * breakpoints there, internal and silent, stop gdb instead, in the frame
 * that faulted (the one the signal frame interrupted) or in the program's
 * newest frame, saying why.  Python, as the frame selection. */
static void write_crash_stops(FILE *f)
{
	fputs("class DejaStop(gdb.Breakpoint):\n"
	      "    def __init__(self, spec):\n"
	      "        super().__init__(spec, internal=True)\n"
	      "        self.silent = True\n"
	      "def deja_var(frame, name, show):\n"
	      "    try:\n"
	      "        return show(frame.read_var(name))\n"
	      "    except (gdb.error, ValueError):\n"
	      "        return '?'\n"
	      "deja_stops = [DejaStop('deja_program_segv'), DejaStop('deja_run_ends')]\n"
	      "def deja_on_stop(ev):\n"
	      "    if not [b for b in getattr(ev, 'breakpoints', []) if b in deja_stops]:\n"
	      "        return\n"
	      "    top, lwp = gdb.newest_frame(), gdb.selected_thread().ptid[1]\n"
	      "    if top.name() == 'deja_program_segv':\n"
	      "        why = 'received SIGSEGV (address %s)' % deja_var(top, 'address', hex)\n"
	      "        f = top\n"
	      "        while f is not None and f.type() != gdb.SIGTRAMP_FRAME:\n"
	      "            f = f.older()\n"
	      "        chosen = f.older() if f is not None else None\n"
	      "        after = 'lets it kill the program, as the recording ended'\n"
	      "    else:\n"
	      "        why = 'ends the run: %s' % deja_var(top, 'message', lambda v: v.string())\n"
	      "        chosen = deja_outside(top)\n"
	      "        after = 'ends it, as the recording ended'\n"
	      "    (chosen or top).select()\n"
	      "    print('deja: gdb thread %d (LWP %d) %s; `continue` %s' % (gdb.selected_thread().num, lwp, why, after))\n"
	      "    gdb.execute('frame')\n"
	      "gdb.events.stop.connect(deja_on_stop)\n",
	      f);
}

/* gdb's `next` and `step` go from the newest frame, deja's runtime under
 * the program's call, not from the frame deja selects: `deja-finish`
 * makes the event (gdb's `finish` of the frame the program's call
 * entered) and stops back in the program's frame, where `next` is the
 * program's. */
static void write_finish_command(FILE *f)
{
	fputs("class DejaFinish(gdb.Command):\n"
	      "    \"\"\"Make the event deja stopped before and stop in the program's frame that makes it.\"\"\"\n"
	      "    def __init__(self):\n"
	      "        super().__init__('deja-finish', gdb.COMMAND_RUNNING)\n"
	      "    def invoke(self, arg, from_tty):\n"
	      "        tid, site = deja_stop\n"
	      "        threads = [t for t in gdb.selected_inferior().threads() if t.ptid[1] == tid]\n"
	      "        if not threads or not threads[0].is_valid():\n"
	      "            raise gdb.GdbError('deja-finish: the thread deja stopped is gone')\n"
	      "        threads[0].switch()\n"
	      "        f = gdb.newest_frame()\n"
	      "        while f is not None and f.name() != 'deja_stopped_at_event':\n"
	      "            f = f.older()\n"
	      "        if f is None:\n"
	      "            raise gdb.GdbError('deja-finish: the thread is no longer at deja\\'s stop')\n"
	      "        target, f = deja_event_frame(site), gdb.newest_frame()\n"
	      "        if target.name() == 'deja_stopped_at_event' or target == f:\n"
	      "            raise gdb.GdbError('deja-finish: this event has no call of the program under it')\n"
	      "        while f is not None and f.older() != target:\n"
	      "            f = f.older()\n"
	      "        if f is None:\n"
	      "            raise gdb.GdbError('deja-finish: the thread has left the stop')\n"
	      "        f.select()\n"
	      "        gdb.execute('finish', from_tty)\n"
	      "DejaFinish()\n",
	      f);
}

/* `deja-when` prints the event the replay is at (rr's `when`), and
 * `deja-goto N` runs it on to just before a later event N and stops
 * there as at the first stop, in the program's frame of the thread that
 * makes it: the runtime is asked to stop there (deja_stop_before, called
 * in the program through a cast, so that a runtime without debug
 * information serves too) and a breakpoint on its stop function catches
 * it.  The function's arguments name the event and its call site, read
 * from its debug information or, without it, from the registers that
 * pass them at its first instruction.  For an event made already, gdb
 * asks deja for a new run (the restart file), kills this one, waits for
 * the new run's stop (the stop file) and attaches to it. */
static void write_goto_commands(FILE *f)
{
	fputs("def deja_now():\n"
	      "    return int(gdb.parse_and_eval('((unsigned long (*)(void))deja_event_now)()'))\n"
	      "class DejaWhen(gdb.Command):\n"
	      "    \"\"\"Print the event the replay is at: the next one to be made.\"\"\"\n"
	      "    def __init__(self):\n"
	      "        super().__init__('deja-when', gdb.COMMAND_STATUS)\n"
	      "    def invoke(self, arg, from_tty):\n"
	      "        print('deja: the replay is before event %d' % deja_now())\n"
	      "DejaWhen()\n"
	      "deja_goto = []\n"
	      "def deja_file(name):\n"
	      "    return os.path.join(deja_dir, name)\n"
	      "def deja_restart(n):\n"
	      "    global deja_stop\n"
	      "    try:\n"
	      "        os.unlink(deja_file('" GDB_STOP "'))\n"
	      "    except FileNotFoundError:\n"
	      "        pass\n"
	      "    with open(deja_file('" GDB_RESTART ".tmp'), 'w') as f:\n"
	      "        f.write('%d\\n' % n)\n"
	      "    os.rename(deja_file('" GDB_RESTART ".tmp'), deja_file('" GDB_RESTART "'))\n"
	      "    print('deja: event %d is made already: the replay starts again, to stop before it' % n)\n"
	      "    confirm = gdb.parameter('confirm')\n"
	      "    gdb.execute('set confirm off')\n"
	      "    gdb.execute('kill')\n"
	      "    gdb.execute('set confirm %s' % ('on' if confirm else 'off'))\n"
	      "    while not os.path.exists(deja_file('" GDB_STOP "')):\n"
	      "        if os.getppid() != deja_supervisor:\n"
	      "            raise gdb.GdbError('deja-goto: deja has ended')\n"
	      "        time.sleep(0.01)\n"
	      "    with open(deja_file('" GDB_STOP "')) as f:\n"
	      "        words = f.read().split()\n"
	      "    if words[:1] != ['ended'] and len(words) == 3:\n"
	      "        pid, tid, site = (int(w) for w in words)\n"
	      "        gdb.execute('attach %d' % pid)\n"
	      "        deja_stop = (tid, site)\n"
	      "        deja_select_stop(tid, site)\n"
	      "        print('deja: replay stopped before event %d: gdb thread %d (LWP %d); `deja-finish` makes it' % (n, gdb.selected_thread().num, tid))\n"
	      "        gdb.execute('frame')\n"
	      "        return\n"
	      "    raise gdb.GdbError('deja-goto: the replay ended before event %d (deja says why)' % n)\n"
	      "def deja_arg(frame, name, reg):\n"
	      "    try:\n"
	      "        return int(frame.read_var(name))\n"
	      "    except (gdb.error, ValueError):\n"
	      "        return int(frame.read_register(reg))\n"
	      "class DejaGotoStop(gdb.Breakpoint):\n"
	      "    def stop(self):\n"
	      "        return bool(deja_goto)\n"
	      "class DejaGoto(gdb.Command):\n"
	      "    \"\"\"Run the replay on to just before event N and stop there in the program's frame; for an event made already, start the replay again.\"\"\"\n"
	      "    def __init__(self):\n"
	      "        super().__init__('deja-goto', gdb.COMMAND_RUNNING)\n"
	      "        self.bp = None\n"
	      "    def invoke(self, arg, from_tty):\n"
	      "        try:\n"
	      "            n = int(arg.strip(), 10)\n"
	      "        except ValueError:\n"
	      "            raise gdb.GdbError('deja-goto takes an event number (deja show prints them)')\n"
	      "        now = deja_now()\n"
	      "        r = int(gdb.parse_and_eval('((int (*)(unsigned long))deja_stop_before)(%d)' % n))\n"
	      "        if r == -1:\n"
	      "            return deja_restart(n)\n"
	      "        if r == -2:\n"
	      "            raise gdb.GdbError('deja-goto: the recording has no event %d' % n)\n"
	      "        if r != 0:\n"
	      "            raise gdb.GdbError('deja-goto: the program is not replaying')\n"
	      "        if self.bp is None:\n"
	      "            self.bp = DejaGotoStop('deja_stopped_at_event', internal=True)\n"
	      "            self.bp.silent = True\n"
	      "        deja_goto.append(n)\n"
	      "        gdb.execute('continue', from_tty)\n"
	      "DejaGoto()\n"
	      "def deja_on_goto(ev):\n"
	      "    global deja_stop\n"
	      "    top = gdb.newest_frame()\n"
	      "    if not deja_goto or not isinstance(ev, gdb.BreakpointEvent) or top.name() != 'deja_stopped_at_event':\n"
	      "        return\n"
	      "    deja_goto.clear()\n"
	      "    lwp = gdb.selected_thread().ptid[1]\n"
	      "    event, site = deja_arg(top, 'event', 'rdi'), deja_arg(top, 'site', 'rsi')\n"
	      "    deja_stop = (lwp, site)\n"
	      "    deja_event_frame(site).select()\n"
	      "    print('deja: replay stopped before event %d: gdb thread %d (LWP %d); `deja-finish` makes it' % (event, gdb.selected_thread().num, lwp))\n"
	      "    gdb.execute('frame')\n"
	      "gdb.events.stop.connect(deja_on_goto)\n",
	      f);
}

int debug_stop_write_commands(FILE *f, int32_t tid, uint64_t site, const char *runtime,
			      const char *dir)
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
		"handle SIG64 nostop noprint pass\n"
		"python\n"
		"import os, time\n"
		"deja_supervisor = os.getppid()\n"
		"def deja_outside(f):\n"
		"    while f is not None:\n"
		"        if f.type() in (gdb.NORMAL_FRAME, gdb.INLINE_FRAME) and \\\n"
		"                os.path.basename(gdb.solib_name(f.pc()) or '') != '%s':\n"
		"            return f\n"
		"        f = f.older()\n"
		"    return None\n"
		"def deja_event_frame(site):\n"
		"    f = gdb.newest_frame()\n"
		"    while f is not None:\n"
		"        if (f.name() == 'deja_stopped_at_event') if site == 0 else (f.pc() == site):\n"
		"            return f\n"
		"        f = f.older()\n"
		"    return deja_outside(gdb.newest_frame()) or gdb.newest_frame()\n"
		"def deja_select_stop(tid, site):\n"
		"    threads = [t for t in gdb.selected_inferior().threads() if t.ptid[1] == tid]\n"
		"    if not threads:\n"
		"        print('deja: thread %%d is not among the threads gdb sees' %% tid)\n"
		"        return\n"
		"    threads[0].switch()\n"
		"    deja_event_frame(site).select()\n"
		"deja_stop = (%d, %llu)\n"
		"deja_dir = '%s'\n"
		"deja_select_stop(*deja_stop)\n",
		name, (int)tid, (unsigned long long)site, dir);
	write_finish_command(f);
	write_goto_commands(f);
	write_crash_stops(f);
	fputs("end\n"
	      "frame\n",
	      f);
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
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return -1;
	int r = debug_stop_write_commands(f, sh->debug_tid, sh->debug_site, ds->rq.runtime_path,
					  g->dir);
	r = fclose(f) != 0 ? -1 : r;
	r = r == 0 ? write_whole(g->dir, GDB_COMMANDS, text) : -1;
	free(text);
	return r;
}

/* The restart gdb asks for, if it has: 1 + the event in its file, which
 * is taken away; 0 if there is none. */
static uint64_t take_restart(const struct debug_gdb *g)
{
	char path[320];
	snprintf(path, sizeof(path), "%s/%s", g->dir, GDB_RESTART);
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	unsigned long long event;
	bool read = fscanf(f, "%llu", &event) == 1;
	fclose(f);
	unlink(path);
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
	static const char *const names[] = { GDB_COMMANDS, GDB_RESTART, GDB_STOP };
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
		" `deja-when` says which event is next\n",
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
