/*
 * session.c: launching the target and draining its events (see session.h).
 */
#define _GNU_SOURCE
#include "session.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <pthread.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "escape_watch.h"
#include "interrupt_watch.h"
#include "model.h"
#include "policy.h"
#include "processes.h"
#include "tree_page.h"
#include "ring.h"
#include "script.h"
#include "strategy.h"

extern char **environ;

/* The run under way: a process of our own, or one the fork server forked. */
struct run_handle {
	pid_t pid;   /* our child; 0 when served */
	int pidfd;   /* readable when our child exits; -1 if unavailable */
	bool killed;
};

/* A target being started: its process forked, and deja's ends of the pipe
 * on which it reports a failure to become the target and of the socket on
 * which it hands over its seccomp listener. */
struct launch {
	pid_t pid;
	int report_fd;
	int listener_sock;
};

/* session_start: the run started before its channel was laid out, until
 * session_run takes it over; the thread that waits for its launch (its
 * listener handed over, its exec), and how that went. */
struct early_start {
	struct run_handle run;
	bool started;
	struct launch launch;
	pthread_t launcher;
	bool launcher_running;
	int rc;
	char err[DEJA_MESSAGE_MAX];
};

struct session {
	const struct session_config *cfg;
	bool stop_asked; /* session_stop_run (atomic) */
	struct deja_shared *shared; /* the top process's channel (top.sh) */
	struct channel top;
	struct ring_reader ring;
	uint64_t script_room; /* script entries the channel holds */
	pid_t server_pid;   /* fork server, once started; its runs follow */
	uint32_t runs;      /* runs started through the server */
	/* The process socket: forked children ask for their channels on it
	 * (processes.c); the target inherits `theirs`. */
	int proc_ours, proc_theirs;
	struct processes *procs;
	struct tree_page tree; /* the page the whole tree shares (tree_page.h) */
	/* SIGINT and SIGTERM are caught for the session's whole life, not
	 * per run: a fork-server session (deja hunt) runs run after run, and
	 * a signal between two runs must end the next one as interrupted
	 * rather than kill deja. */
	struct sigaction old_int, old_term;
	bool catching;
	/* Syscalls that escape the runtime: the listener of the target's
	 * seccomp filter, served from a thread (escape_watch.h), and the last
	 * run's reports. */
	struct escape_watch *watch;
	struct escape_log escapes;
	bool said_unwatched;
	struct interrupt_watch spin_watch; /* threads that spin (interrupt_watch.h) */
	struct early_start early;
};

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* A served session's script area holds this many entries; a longer
 * script is refused for a served run. */
#define SESSION_SERVER_SCRIPT_MAX 65536u

/* How far the real clock is ahead of a run's virtual time 0: a trial of
 * deja shrink or bisect runs on its recording's clocks, which began
 * minutes or days ago, and the files stamped since then (a trace written
 * into the program's directory, which Python lists at each import) must
 * not move its clock: they were stamped before this run began. */
static int64_t realtime_shift(int64_t realtime_start_ns)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	int64_t shift = (int64_t)now.tv_sec * 1000000000LL + now.tv_nsec - realtime_start_ns;
	return shift > 0 ? shift : 0;
}

/* Everything in the channel that one run reads or writes, set up afresh:
 * mode, strategy and model, clocks and randomness, ring positions, the
 * runtime's verdict. */
static int setup_run(struct session *s, const struct session_config *cfg, bool fresh,
		     char *err, size_t errlen)
{
	struct deja_shared *sh = s->shared;
	if (cfg->script_len > s->script_room) {
		snprintf(err, errlen, "the script has more than %llu switches",
			 (unsigned long long)s->script_room);
		return -1;
	}
	s->cfg = cfg;
	sh->mode = cfg->schedule ? DEJA_MODE_REPLAY : DEJA_MODE_RECORD;
	sh->parallel = cfg->parallel;
	sh->real_time = cfg->real_time;
	sh->clock_read_events = cfg->real_time;
	sh->supervisor_pid = (int32_t)getpid();
	sh->interrupt_dark_ns = 0;
	sh->write_index = sh->read_index = 0;
	sh->data_write = sh->data_read = 0;
	s->ring.spill_len = 0;
	sh->outcome = DEJA_OUTCOME_NONE;
	sh->outcome_thread = 0;
	sh->outcome_step = 0;
	sh->message[0] = '\0';
	sh->fault_signal = sh->fault_thread = 0;
	sh->fault_site = 0;
	sh->exec_pending = sh->exec_thread = 0;
	sh->forks = sh->forks_followed = 0;
	sh->process = 0;
	sh->follow_children = cfg->processes != NULL;
	sh->run_id++;
	sh->exited = 0;
	sh->exit_status = 0;
	sh->ended_by_signal = 0;
	sh->ended_thread = 0;
	sh->ended_site = 0;
	for (uint32_t i = 0; i < DEJA_MAX_CHILDREN; i++)
		sh->child_pids[i] = cfg->child_pids && i < cfg->nchild_pids ? cfg->child_pids[i] : 0;
	sh->runtime_ready = 0;
	sh->debug_stop_event = cfg->debug_stop_event;
	sh->debug_stopped = sh->debug_release = 0;
	sh->target_pid = sh->target_ppid = 0;
	sh->replay_pid = cfg->replay_pid;
	sh->replay_ppid = cfg->replay_ppid;
	sh->replay_end_signal = cfg->replay_end_signal;
	sh->replay_end_deadlock = cfg->replay_end_deadlock;
	for (uint32_t t = 0; t < DEJA_MAX_THREADS; t++)
		sh->replay_tids[t] = cfg->replay_tids && t < cfg->replay_nthreads ? cfg->replay_tids[t] : 0;
	sh->nmodules = sh->server_modules; /* a run's exec added its own */
	sh->image = 0;
	sh->python_codes_taken = 0; /* the names a run's Python gave */
	sh->server_child = 0;
	snprintf(sh->server_output, sizeof(sh->server_output), "%s",
		 cfg->output_to ? cfg->output_to : "");
	snprintf(sh->server_input, sizeof(sh->server_input), "%s",
		 cfg->input_from ? cfg->input_from : "");
	sh->script_len = 0;
	if (cfg->script_len) {
		struct deja_script_entry *script =
			(struct deja_script_entry *)((char *)sh + sh->script_offset);
		memcpy(script, cfg->script, cfg->script_len * sizeof(*script));
		sh->script_len = deja_script_sort(script, cfg->script_len);
	}
	sh->realtime_start_ns = cfg->realtime_start_ns;
	sh->monotonic_start_ns = cfg->monotonic_start_ns;
	sh->entropy_seed = cfg->entropy_seed;
	sh->stdio_kinds = cfg->stdio_kinds;
	/* A recording draws its randomness and reads the clocks, unless the
	 * caller hands over an earlier run's (a replay always does). */
	if (!cfg->schedule && !cfg->entropy_seed &&
	    getrandom(&sh->entropy_seed, sizeof(sh->entropy_seed), 0) !=
		    (ssize_t)sizeof(sh->entropy_seed))
		sh->entropy_seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	if (!cfg->schedule && !cfg->realtime_start_ns) {
		struct timespec rt, mono;
		clock_gettime(CLOCK_REALTIME, &rt);
		clock_gettime(CLOCK_MONOTONIC, &mono);
		sh->realtime_start_ns = (int64_t)rt.tv_sec * 1000000000LL + rt.tv_nsec;
		sh->monotonic_start_ns = (int64_t)mono.tv_sec * 1000000000LL + mono.tv_nsec;
	}
	sh->realtime_shift_ns = cfg->schedule ? 0 : realtime_shift(sh->realtime_start_ns);
	if (fresh)
		deja_model_init_zeroed(&sh->model, cfg->max_steps);
	else
		deja_model_init(&sh->model, cfg->max_steps);
	sh->model.reuse_joined = !cfg->parallel;
	sh->model.ids_at_events = cfg->parallel;
	sh->model.entropy = sh->entropy_seed;
	sh->model.pct_steps = cfg->pct_steps;
	for (uint32_t t = 0; cfg->surw_events && t < DEJA_MAX_THREADS; t++)
		sh->model.surw_events[t] = cfg->surw_events[t];
	sh->model.expected_ticks = cfg->expected_ticks;
	tree_page_reset(&s->tree);
	return deja_strategy_setup(&sh->model, cfg->strategy, cfg->seed, err, errlen);
}

/* A session without its channel yet: the process socket, and SIGINT and
 * SIGTERM caught. */
static struct session *session_alloc(const struct session_config *cfg, char *err, size_t errlen)
{
	struct session *s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->cfg = cfg;
	s->top.fd = s->proc_ours = s->proc_theirs = s->tree.fd = -1;
	s->early.run.pidfd = -1;
	int pair[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) == 0) {
		s->proc_ours = pair[0]; /* closed by session_free from here on */
		s->proc_theirs = pair[1];
	}
	if (s->proc_ours < 0 || !(s->procs = processes_new(s->proc_ours))) {
		snprintf(err, errlen, "cannot create the process socket: %s", strerror(errno));
		session_free(s);
		return NULL;
	}
	if (!tree_page_open(&s->tree)) {
		snprintf(err, errlen, "cannot create the process tree's page: %s", strerror(errno));
		session_free(s);
		return NULL;
	}
	struct sigaction sa = { .sa_handler = on_interrupt };
	sigemptyset(&sa.sa_mask);
	interrupted = 0;
	sigaction(SIGINT, &sa, &s->old_int);
	sigaction(SIGTERM, &sa, &s->old_term);
	s->catching = true;
	return s;
}

/* Lay out the session's channel for cfg (creating it, or growing the
 * empty one session_start made) and set up its run. */
static int lay_out(struct session *s, const struct session_config *cfg, char *err, size_t errlen)
{
	s->cfg = cfg;
	s->script_room = cfg->fork_server ? SESSION_SERVER_SCRIPT_MAX : cfg->script_len;
	struct channel_spec spec = {
		.schedule = cfg->schedule,
		.ticks = cfg->ticks,
		.interrupts = cfg->interrupts,
		.ninterrupts = cfg->ninterrupts,
		.schedule_len = cfg->schedule_len,
		.feed = cfg->feed,
		.feed_count = cfg->feed_count,
		.feed_bytes = cfg->feed_bytes,
		.feed_bytes_len = cfg->feed_bytes_len,
		.feed_ring_size = cfg->feed_ring_size,
		.vtimes = cfg->vtimes,
		.vtimes_len = cfg->vtimes_len,
		.script_room = s->script_room,
		.runtime_path = cfg->runtime_path,
	};
	if ((s->top.fd < 0 ? channel_create(&spec, &s->top, err, errlen)
			   : channel_lay_out(&spec, &s->top, err, errlen)) != 0)
		return -1;
	s->shared = s->top.sh;
	s->ring.sh = s->top.sh;
	s->shared->server = cfg->fork_server;
	/* A new memfd, or the empty one grown: all zero but for the layout,
	 * so its 1.3 MB model needs no clearing (writing it faulted in every
	 * page: a millisecond of each recording's start-up). */
	return setup_run(s, cfg, true, err, errlen);
}

struct session *session_new(const struct session_config *cfg, char *err, size_t errlen)
{
	struct session *s = session_alloc(cfg, err, errlen);
	if (s && lay_out(s, cfg, err, errlen) != 0) {
		session_free(s);
		return NULL;
	}
	return s;
}

static int fork_child(struct session *s, struct launch *l, char *err, size_t errlen);
static int launched(struct session *s, struct launch *l, char *err, size_t errlen);

static void *await_launch(void *arg)
{
	struct session *s = arg;
	s->early.rc = launched(s, &s->early.launch, s->early.err, sizeof(s->early.err));
	return NULL;
}

/* Wait for session_start's launch; 0, or -1 with err filled when the
 * target could not be started (it is gone then). */
static int join_launcher(struct session *s, char *err, size_t errlen)
{
	if (s->early.launcher_running) {
		pthread_join(s->early.launcher, NULL);
		s->early.launcher_running = false;
	}
	if (s->early.rc != 0 && s->early.started) { /* launched() reaped it */
		s->early.started = false;
		if (s->early.run.pidfd >= 0)
			close(s->early.run.pidfd);
	}
	if (s->early.rc != 0)
		snprintf(err, errlen, "%s", s->early.err);
	return s->early.rc;
}

struct session *session_start(const struct session_config *cfg, char *err, size_t errlen)
{
	struct session *s = session_alloc(cfg, err, errlen);
	if (!s)
		return NULL;
	if (channel_create_empty(&s->top, err, errlen) != 0 ||
	    fork_child(s, &s->early.launch, err, errlen) != 0) {
		session_free(s);
		return NULL;
	}
	s->early.run.pid = s->early.launch.pid;
	s->early.run.pidfd = (int)syscall(SYS_pidfd_open, s->early.run.pid, 0);
	s->early.started = true;
	/* The fork is this thread's (the target dies with the thread that
	 * forked it: PR_SET_PDEATHSIG); the wait for its listener and exec,
	 * 2 ms here, another's, so that the caller goes on meanwhile. */
	s->early.launcher_running = pthread_create(&s->early.launcher, NULL, await_launch, s) == 0;
	if (!s->early.launcher_running)
		await_launch(s);
	return s;
}

int session_lay_out(struct session *s, const struct session_config *cfg, char *err,
		    size_t errlen)
{
	if (!s->early.started || s->shared || cfg->fork_server) {
		snprintf(err, errlen, "only a session started early is laid out after its start");
		return -1;
	}
	if (join_launcher(s, err, errlen) != 0)
		return -1;
	return lay_out(s, cfg, err, errlen);
}

int session_next_run(struct session *s, const struct session_config *cfg, char *err,
		     size_t errlen)
{
	if (!s->shared->server || cfg->schedule_len || cfg->feed_count || cfg->vtimes_len) {
		snprintf(err, errlen, "only a fork-server session serves more runs, and only records");
		return -1;
	}
	return setup_run(s, cfg, false, err, errlen);
}

const struct deja_shared *session_shared(const struct session *s)
{
	return s->shared;
}

void session_free(struct session *s)
{
	if (!s)
		return;
	char why[DEJA_MESSAGE_MAX];
	join_launcher(s, why, sizeof(why));
	if (s->early.started) { /* never run: it waits for its channel, or ended */
		kill(s->early.run.pid, SIGKILL);
		waitpid(s->early.run.pid, NULL, 0);
		if (s->early.run.pidfd >= 0)
			close(s->early.run.pidfd);
	}
	if (s->server_pid > 0) {
		kill(s->server_pid, SIGKILL);
		waitpid(s->server_pid, NULL, 0);
	}
	if (s->catching) {
		sigaction(SIGINT, &s->old_int, NULL);
		sigaction(SIGTERM, &s->old_term, NULL);
	}
	escape_watch_stop(s->watch);
	escape_log_free(&s->escapes);
	processes_free(s->procs);
	if (s->proc_ours >= 0)
		close(s->proc_ours);
	if (s->proc_theirs >= 0)
		close(s->proc_theirs);
	tree_page_close(&s->tree);
	channel_close(&s->top);
	ring_reader_free(&s->ring);
	free(s);
}

/* path made absolute (from the working directory), its symbolic links
 * kept: the kernel names a process after the file it was exec'd by
 * (/proc/self/comm: "python3" for /usr/bin/python3, a link to
 * python3.11), as natively; malloc'd, NULL if it is not an executable. */
static char *absolute_executable(const char *path)
{
	char *abs = NULL;
	if (path[0] == '/') {
		abs = strdup(path);
	} else {
		char cwd[PATH_MAX];
		while (path[0] == '.' && path[1] == '/')
			path += 2;
		if (getcwd(cwd, sizeof(cwd)) && asprintf(&abs, "%s/%s", cwd, path) < 0)
			abs = NULL;
	}
	struct stat st; /* a directory is searchable, not executable */
	if (abs && (access(abs, X_OK) != 0 || stat(abs, &st) != 0 || S_ISDIR(st.st_mode))) {
		free(abs);
		abs = NULL;
	}
	return abs;
}

char *session_find_program(const char *prog)
{
	if (strchr(prog, '/'))
		return absolute_executable(prog);
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		const char *end = strchrnul(path, ':');
		int len = (int)(end - path);
		char cand[PATH_MAX];
		snprintf(cand, sizeof(cand), "%.*s/%s", len ? len : 1, len ? path : ".", prog);
		char *found = absolute_executable(cand);
		if (found)
			return found;
		path = *end ? end + 1 : end;
	}
	return NULL;
}

/* What the child reports when it cannot become the target. */
struct launch_failure {
	int step; /* 0: exec, 1: chdir, 2: seccomp policy, 3: handing over its listener */
	int err;
};

/* Marked syscalls (escape_watch.h): after the policy is in place, an
 * unmarked one would wait for a listener nobody serves yet. */
static void launch_failed(int report_fd, int step)
{
	struct launch_failure f = { step, errno };
	escape_marked_syscall(SYS_write, report_fd, (long)&f, sizeof(f));
	escape_marked_syscall(SYS_exit_group, 127, 0, 0);
	_exit(127);
}

/* The child: preload the runtime, hand over the channel and the seccomp
 * listener (on listener_sock), exec. */
static void exec_target(const struct session *s, int report_fd, int listener_sock)
{
	const struct session_config *cfg = s->cfg;
	if (cfg->envp) /* the recorded environment; setenv below copies it */
		environ = (char **)cfg->envp;
	/* The numbers are written in a fixed width: the environment's
	 * strings lie at the top of the stack, and a record and a replay must
	 * put the program's argv and environment at the same addresses, which
	 * the registers of a spinning thread may hold (runtime/interrupts.c). */
	int fd = dup(s->top.fd); /* without close-on-exec */
	char fdtext[32];
	snprintf(fdtext, sizeof(fdtext), "%0*d", DEJA_ENV_FD_WIDTH, fd);
	setenv(DEJA_ENV_SHM_FD, fdtext, 1);
	int proc = dup(s->proc_theirs);
	snprintf(fdtext, sizeof(fdtext), "%0*d", DEJA_ENV_FD_WIDTH, proc);
	setenv(DEJA_ENV_PROC_FD, fdtext, 1);
	int tree = dup(s->tree.fd);
	snprintf(fdtext, sizeof(fdtext), "%0*d", DEJA_ENV_FD_WIDTH, tree);
	setenv(DEJA_ENV_TREE_FD, fdtext, 1);
	const char *old = getenv("LD_PRELOAD");
	char *preload;
	if (asprintf(&preload, "%-*s%s%s", (int)DEJA_ENV_PRELOAD_WIDTH, cfg->runtime_path,
		     old && *old ? ":" : "", old && *old ? old : "") < 0)
		_exit(127);
	setenv("LD_PRELOAD", preload, 1);
	/* Same addresses every run: pointers and hash tables keyed by them repeat. */
	personality(ADDR_NO_RANDOMIZE);
	/* If deja dies, the target must not run on unsupervised. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (cfg->cwd && chdir(cfg->cwd) != 0)
		launch_failed(report_fd, 1);
	if (cfg->input_from && !cfg->fork_server) { /* served runs open their own */
		int in = open(cfg->input_from, O_RDONLY);
		if (in >= 0) {
			dup2(in, 0);
			close(in);
		}
	}
	if (cfg->output_to && !cfg->fork_server) { /* served runs redirect their own */
		int out = open(cfg->output_to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (out >= 0) {
			dup2(out, 1);
			dup2(out, 2);
			close(out);
		}
	}
	int listener;
	if (policy_install(&listener) != 0)
		launch_failed(report_fd, 2);
	if (escape_send_listener(listener_sock, listener) != 0)
		launch_failed(report_fd, 3);
	escape_marked_syscall(SYS_close, listener_sock, 0, 0);
	escape_marked_syscall(SYS_execve, (long)cfg->exe_path, (long)cfg->argv, (long)environ);
	launch_failed(report_fd, 0);
}

static void settle_outcome(const struct deja_shared *sh, int status, struct session_result *res)
{
	uint32_t verdict = __atomic_load_n(&sh->outcome, __ATOMIC_ACQUIRE);
	res->thread = DEJA_NO_THREAD;
	res->exit_code = -1;
	res->signal = 0;
	bool ready = __atomic_load_n(&sh->runtime_ready, __ATOMIC_ACQUIRE);
	bool runtime_ended = verdict != DEJA_OUTCOME_NONE && WIFEXITED(status) &&
			     WEXITSTATUS(status) == DEJA_RUNTIME_EXIT_STATUS;
	if (!ready && !(runtime_ended && verdict == DEJA_OUTCOME_ERROR)) {
		/* Never half traced: a program that ran without the runtime
		 * (one that dropped LD_PRELOAD, a loader that failed) left
		 * nothing to replay. */
		res->kind = DEJA_OUTCOME_ERROR;
		snprintf(res->message, sizeof(res->message),
			 "the program ended (%s %d) before deja's runtime started in it, "
			 "so nothing of it was recorded",
			 WIFEXITED(status) ? "exit" : "signal",
			 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	} else if (runtime_ended) {
		/* The runtime's verdict and reason; before it was ready, its
		 * refusal of the program (a build with -fsanitize=thread). */
		res->kind = verdict;
		res->thread = ready ? sh->outcome_thread : DEJA_NO_THREAD;
		snprintf(res->message, sizeof(res->message), "%s", sh->message);
	} else if (WIFEXITED(status)) {
		res->kind = DEJA_OUTCOME_EXIT;
		res->exit_code = WEXITSTATUS(status);
	} else {
		res->kind = DEJA_OUTCOME_SIGNAL;
		res->signal = WIFSIGNALED(status) ? WTERMSIG(status) : SIGKILL;
		if (sh->fault_signal && (int)sh->fault_signal == res->signal) {
			res->thread = sh->fault_thread;
			res->fault_site = sh->fault_site;
		} else if ((int)sh->ended_by_signal == res->signal && sh->ended_site) {
			res->thread = sh->ended_thread; /* a relayed signal, at a point */
			res->fault_site = sh->ended_site;
		}
	}
}

/* Serve the listener the new target handed over (a new run's: the last
 * one's is stopped), or say once that escapes go unwatched. */
static int watch_escapes(struct session *s, int listener, char *err, size_t errlen)
{
	escape_watch_stop(s->watch);
	s->watch = NULL;
	if (listener == -1 && !s->said_unwatched) {
		s->said_unwatched = true;
		fprintf(stderr, "deja: the kernel refused to report syscalls that escape deja's "
				"runtime (seccomp user notification): they go unreported\n");
	}
	if (listener < 0)
		return 0;
	s->watch = escape_watch_start(listener, err, errlen);
	return s->watch ? 0 : -1;
}

/* Fork the target's process, which becomes the target (exec_target). */
static int fork_child(struct session *s, struct launch *l, char *err, size_t errlen)
{
	int pipefd[2], listener_pair[2];
	if (pipe2(pipefd, O_CLOEXEC) != 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, listener_pair) != 0) {
		snprintf(err, errlen, "socketpair: %s", strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
		return -1;
	}
	l->pid = fork();
	if (l->pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
		close(listener_pair[0]);
		close(listener_pair[1]);
		return -1;
	}
	if (l->pid == 0) {
		close(pipefd[0]);
		close(listener_pair[0]);
		signal(SIGINT, SIG_DFL);
		exec_target(s, pipefd[1], listener_pair[1]);
	}
	close(pipefd[1]);
	close(listener_pair[1]);
	l->report_fd = pipefd[0];
	l->listener_sock = listener_pair[0];
	return 0;
}

/* Wait until the forked target has handed over its seccomp listener
 * (served from then on) and exec'd; -1 with err filled if it could not
 * (it is reaped then). */
static int launched(struct session *s, struct launch *l, char *err, size_t errlen)
{
	/* Before anything else: from the exec on, the target's loader waits
	 * for the listener to be served. */
	int listener = escape_receive_listener(l->listener_sock);
	close(l->listener_sock);
	if (watch_escapes(s, listener, err, errlen) != 0) {
		kill(l->pid, SIGKILL);
		waitpid(l->pid, NULL, 0);
		close(l->report_fd);
		return -1;
	}
	struct launch_failure f;
	ssize_t n = read(l->report_fd, &f, sizeof(f));
	close(l->report_fd);
	if (n == (ssize_t)sizeof(f)) {
		waitpid(l->pid, NULL, 0);
		if (f.step == 1)
			snprintf(err, errlen, "cannot enter the recorded working directory %s: %s",
				 s->cfg->cwd, strerror(f.err));
		else if (f.step == 2)
			snprintf(err, errlen, "cannot install the syscall policy (seccomp): %s",
				 strerror(f.err));
		else if (f.step == 3)
			snprintf(err, errlen, "cannot hand the seccomp listener to deja: %s",
				 strerror(f.err));
		else
			snprintf(err, errlen, "cannot execute %s: %s", s->cfg->exe_path,
				 strerror(f.err));
		return -1;
	}
	return 0;
}

static int start_child(struct session *s, pid_t *pid, char *err, size_t errlen)
{
	struct launch l;
	if (fork_child(s, &l, err, errlen) != 0)
		return -1;
	*pid = l.pid;
	if (s->cfg->forked)
		s->cfg->forked(s->cfg->forked_ctx);
	return launched(s, &l, err, errlen);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Start the run: exec the target, or have the fork server fork it (and
 * start the server first if it is not running). */
static int start_run(struct session *s, struct run_handle *h, char *err, size_t errlen)
{
	struct deja_shared *sh = s->shared;
	*h = (struct run_handle){ .pidfd = -1 };
	if (!sh->server) {
		if (start_child(s, &h->pid, err, errlen) != 0)
			return -1;
		h->pidfd = (int)syscall(SYS_pidfd_open, h->pid, 0);
		return 0;
	}
	if (s->server_pid <= 0 && start_child(s, &s->server_pid, err, errlen) != 0) {
		s->server_pid = 0;
		return -1;
	}
	escape_watch_reset(s->watch); /* the server's own start-up is not the run's */
	s->runs++;
	__atomic_store_n(&sh->server_go, s->runs, __ATOMIC_RELEASE);
	syscall(SYS_futex, &sh->server_go, FUTEX_WAKE, 1, NULL, NULL, 0);
	return 0;
}

/* Has the run ended?  Sets *status (a wait status) when it has.  A fork
 * server that died takes its run with it. */
static bool run_ended(struct session *s, const struct run_handle *h, int *status)
{
	struct deja_shared *sh = s->shared;
	if (!sh->server) {
		pid_t r = waitpid(h->pid, status, WNOHANG);
		return r == h->pid || (r < 0 && errno != EINTR);
	}
	if (__atomic_load_n(&sh->server_done, __ATOMIC_ACQUIRE) == s->runs) {
		*status = sh->server_status;
		return true;
	}
	if (waitpid(s->server_pid, status, WNOHANG) == s->server_pid) {
		s->server_pid = 0;
		return true;
	}
	return false;
}

static void kill_run(struct session *s, struct run_handle *h)
{
	pid_t pid = h->pid;
	if (s->shared->server)
		pid = __atomic_load_n(&s->shared->server_child, __ATOMIC_ACQUIRE);
	if (pid > 0) { /* a served run not forked yet is killed on the next pass */
		kill(pid, SIGKILL);
		h->killed = true;
	}
}

/* Record: the top process was ended by its runtime because the run had
 * spent its step budget.  The run is over: its children are ended too, as
 * at --timeout.  Left running, a child that waits for the top process
 * (a ProcessPoolExecutor's worker reading its call queue, whose write end
 * it holds itself) waited for ever, and so did deja (CPython's
 * test_concurrent_futures test_hang_global_shutdown_lock).  A replay ends
 * each such child after its last recorded event (processes.c,
 * end_where_recorded). */
static bool budget_spent(const struct session *s, int status)
{
	return !s->cfg->schedule && WIFEXITED(status) &&
	       WEXITSTATUS(status) == DEJA_RUNTIME_EXIT_STATUS &&
	       __atomic_load_n(&s->shared->outcome, __ATOMIC_ACQUIRE) == DEJA_OUTCOME_TIMEOUT;
}

/* Replay: the top process has replayed its last event, after which its
 * recording was killed (replay_kill_at_end): it ends the same way now. */
static void end_where_recorded(struct session *s, const struct run_handle *h, uint64_t events)
{
	if (!s->cfg->replay_kill_at_end || events < s->cfg->schedule_len || h->pid <= 0)
		return;
	kill(h->pid, s->cfg->replay_kill_at_end);
}

/* Nothing to drain: wait until the run ends, or a millisecond (the
 * runtime may be filling the ring meanwhile). */
static void wait_a_little(struct session *s, const struct run_handle *h, bool top_ended)
{
	struct deja_shared *sh = s->shared;
	if (top_ended) { /* children still run: a hello or a millisecond */
		struct pollfd p = { .fd = s->proc_ours, .events = POLLIN };
		poll(&p, 1, 1);
		return;
	}
	if (sh->server) {
		struct timespec ts = { 0, 1000000 };
		uint32_t done = __atomic_load_n(&sh->server_done, __ATOMIC_ACQUIRE);
		if (done != s->runs)
			syscall(SYS_futex, &sh->server_done, FUTEX_WAIT, done, &ts, NULL, 0);
		return;
	}
	if (h->pidfd >= 0) {
		struct pollfd p[2] = { { .fd = h->pidfd, .events = POLLIN },
				       { .fd = s->proc_ours, .events = POLLIN } };
		poll(p, 2, 1);
		return;
	}
	struct timespec ts = { 0, 200000 };
	nanosleep(&ts, NULL);
}

/* The run's escape reports, each process given deja's number for it. */
static void take_escapes(struct session *s, pid_t top_pid)
{
	if (escape_watch_take(s->watch, &s->escapes) != 0)
		fprintf(stderr, "deja: out of memory listing the syscalls that escaped the runtime\n");
	int32_t top = s->shared->target_pid ? s->shared->target_pid : (int32_t)top_pid;
	size_t kept = 0;
	for (size_t i = 0; i < s->escapes.n; i++) {
		struct escape_entry *e = &s->escapes.v[i];
		if (s->server_pid > 0 && e->pid == s->server_pid)
			continue; /* the fork server's own start-up is no run's */
		e->process = e->pid == top ? 0 : processes_number_of(s->procs, e->pid);
		s->escapes.v[kept++] = *e;
	}
	s->escapes.n = kept;
}

void session_stop_run(struct session *s)
{
	__atomic_store_n(&s->stop_asked, true, __ATOMIC_RELEASE);
}

const struct escape_log *session_escapes(const struct session *s)
{
	return &s->escapes;
}

/* The run's coverage of scheduling points, from the model's threads. */
static void note_coverage(const struct deja_model *m, struct session_result *res)
{
	res->ticks = m->ticks;
	res->dark_ns = 0;
	res->dark_thread = DEJA_NO_THREAD;
	for (uint32_t i = 0; i < m->nthreads && i < DEJA_MAX_THREADS; i++) {
		if (m->coverage[i].longest_dark_ns > res->dark_ns) {
			res->dark_ns = m->coverage[i].longest_dark_ns;
			res->dark_thread = i;
		}
	}
}

/* Events within this many seconds of the --timeout: the run was still
 * making them. */
#define TIMEOUT_STILL_GOING_S 0.25

/* The outcome of a run --timeout ended: stuck where no event came (a
 * thread spinning without a scheduling point, a wait for what never
 * came), or still making events (a livelock, or a run that long). */
static void timeout_outcome(const struct session *s, struct session_result *res,
			    bool still_going)
{
	res->kind = DEJA_OUTCOME_TIMEOUT;
	res->signal = 0;
	res->thread = s->shared->model.current;
	if (still_going)
		snprintf(res->message, sizeof(res->message),
			 "wall-clock limit (--timeout %u s) reached while the program was still"
			 " making events (%llu; thread %u made the last): a livelock, or a run"
			 " that long (--max-steps bounds a run by its events)",
			 s->cfg->wall_timeout,
			 (unsigned long long)s->shared->model.steps, res->thread);
	else if (__atomic_load_n(&s->shared->world_waiting, __ATOMIC_ACQUIRE))
		snprintf(res->message, sizeof(res->message),
			 "wall-clock limit (--timeout %u s) reached while every thread waited for what"
			 " only the world gives (input, a signal, a child's end) and it never came;"
			 " the trace keeps each wait", s->cfg->wall_timeout);
	else
		snprintf(res->message, sizeof(res->message),
			 "wall-clock limit (--timeout %u s) reached; thread %u made the last event,"
			 " and none came since (a thread running without a scheduling point, or a"
			 " wait for what never came)", s->cfg->wall_timeout, res->thread);
}

int session_run(struct session *s, session_sink sink, void *ctx, struct session_result *res,
		char *err, size_t errlen)
{
	memset(res, 0, sizeof(*res));
	struct run_handle h;
	if (!s->shared) {
		snprintf(err, errlen, "the session's channel is not laid out");
		return -1;
	}
	if (s->cfg->starting)
		s->cfg->starting(s->cfg->starting_ctx, s->shared);
	if (s->early.started) { /* its process waits for the channel: let it go */
		h = s->early.run;
		s->early.started = false;
		channel_release(&s->top);
	} else if (start_run(s, &h, err, errlen) != 0) {
		return -1;
	}
	__atomic_store_n(&s->stop_asked, false, __ATOMIC_RELEASE);
	int status = 0;
	bool timed_out = false, still_going = false, top_ended = false;
	struct timespec started;
	clock_gettime(CLOCK_MONOTONIC, &started);
	struct process_run prun = {
		.hooks = s->cfg->processes,
		.top = s->shared,
		.strategy = s->cfg->strategy,
		.seed = s->cfg->seed,
		.max_steps = s->cfg->max_steps,
		.pct_steps = s->cfg->child_pct_steps,
	};
	processes_begin(s->procs, &prun);
	/* When the top process last made an event: a run cut by --timeout
	 * that was still making them is not stuck. */
	uint64_t steps_seen = 0;
	struct timespec last_step = started;
	/* The run is the whole tree: the top process, then every child it
	 * (or a child) forked, until each has ended (docs/architecture.md,
	 * Processes).  The outcome is the top process's. */
	for (;;) {
		bool go_on = top_ended || ring_drain(&s->ring, sink, ctx, &res->events,
						     res->stopped_by_sink);
		bool children_on = processes_poll(s->procs, res->stopped_by_sink);
		if (!top_ended) {
			interrupt_watch_poll(&s->spin_watch, s->shared);
			end_where_recorded(s, &h, res->events);
		}
		uint64_t steps = __atomic_load_n(&s->shared->model.steps, __ATOMIC_RELAXED);
		tree_page_watch(&s->tree, steps + processes_events(s->procs), s->procs, h.pid);
		if (steps != steps_seen) {
			steps_seen = steps;
			clock_gettime(CLOCK_MONOTONIC, &last_step);
		}
		if (!timed_out && s->cfg->wall_timeout &&
		    seconds_since(&started) > s->cfg->wall_timeout) {
			/* Stuck where no event comes: a thread spinning without a
			 * scheduling point, or blocked in the kernel. */
			timed_out = true;
			/* Judged now: ending the tree may take a while under load. */
			still_going = seconds_since(&last_step) < TIMEOUT_STILL_GOING_S;
			tree_page_stop(&s->tree);
			if (!top_ended)
				kill_run(s, &h);
			processes_kill(s->procs);
		}
		bool asked = __atomic_load_n(&s->stop_asked, __ATOMIC_ACQUIRE);
		if ((!go_on || !children_on || interrupted || asked) && !res->stopped_by_sink &&
		    !res->interrupted) {
			res->stopped_by_sink = !go_on || !children_on || asked;
			res->interrupted = interrupted;
			tree_page_stop(&s->tree);
			if (!top_ended && !h.killed)
				kill_run(s, &h);
			processes_kill(s->procs);
		}
		if (!top_ended && run_ended(s, &h, &status)) {
			top_ended = true;
			if (!res->stopped_by_sink)
				res->stopped_by_sink = !ring_drain(&s->ring, sink, ctx, &res->events, false);
			if (res->stopped_by_sink || budget_spent(s, status)) {
				tree_page_stop(&s->tree);
				processes_kill(s->procs);
			}
		}
		if (top_ended && processes_done(s->procs, s->shared))
			break;
		if (top_ended || ring_empty(&s->ring)) {
			ring_spill(&s->ring);
			wait_a_little(s, &h, top_ended);
		}
	}
	processes_end(s->procs);
	res->processes = processes_count(s->procs);
	res->child_events = processes_longest(s->procs);
	take_escapes(s, h.pid);
	if (h.pidfd >= 0)
		close(h.pidfd);
	settle_outcome(s->shared, status, res);
	note_coverage(&s->shared->model, res);
	if (timed_out && res->kind == DEJA_OUTCOME_SIGNAL)
		timeout_outcome(s, res, still_going);
	if (interrupted)
		res->interrupted = true;
	return 0;
}
