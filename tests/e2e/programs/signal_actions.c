/*
 * signal_actions.c: what a signal action promises beyond "run this
 * handler", one mode per argument.
 *
 *   thread    pthread_kill() of each of two workers with SIGUSR1: each
 *             worker spins on a lock until the handler has run in that
 *             worker (the handler checks which thread it runs on), so a
 *             handler run on the wrong thread leaves a worker spinning.
 *   mask      SIGUSR1's handler masks SIGUSR2 (sa_mask) and raises it: its
 *             handler runs after SIGUSR1's returns.  SIGHUP's handler
 *             masks nothing and raises SIGUSR2: it runs nested.  Prints
 *             the order, "[1 1] 2 [3 2 3]" natively.
 *   resethand SIGUSR2's handler is installed with SA_RESETHAND: the first
 *             raise runs it, the second ends the process by SIGUSR2.
 *   procmask  sigprocmask() blocks SIGUSR1, which is raised and must wait;
 *             unblocking it runs the handler before sigprocmask() returns.
 *             The mask read back holds SIGUSR1 and nothing else.  Prints
 *             "blocked raised [1] unblocked, mask: SIGUSR1 only".
 *   sigsys    SIGSYS's action reads as the default, then as the handler
 *             the program set (deja's trap keeps the real one).
 *   sigpipe   a write to a pipe nobody reads raises SIGPIPE, whose handler
 *             runs before write() returns EPIPE: "[pipe] EPIPE".
 *   startmask the signal mask the program starts with: empty when its
 *             parent blocked nothing (the test runs it from a shell).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t started; /* a worker knows who it is before a kill */
static __thread int my_worker; /* 1 or 2 on the workers, 0 on main */
static volatile sig_atomic_t handled[3], misplaced;

static void on_usr1_thread(int sig)
{
	(void)sig;
	if (my_worker == 0)
		misplaced = 1;
	handled[my_worker] = 1;
}

static void *worker(void *arg)
{
	my_worker = (int)(long)arg;
	pthread_barrier_wait(&started);
	for (long spins = 0; !handled[my_worker]; spins++) {
		pthread_mutex_lock(&lock);
		pthread_mutex_unlock(&lock);
		sched_yield(); /* a fair turn for main, under any scheduler */
		if (spins > 1000000) {
			printf("worker %d: no signal\n", my_worker);
			return NULL;
		}
	}
	return NULL;
}

static int thread_mode(void)
{
	signal(SIGUSR1, on_usr1_thread);
	pthread_t t[2];
	pthread_barrier_init(&started, NULL, 3);
	for (long i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, worker, (void *)(i + 1));
	pthread_barrier_wait(&started);
	for (int i = 0; i < 2; i++)
		pthread_kill(t[i], SIGUSR1);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	printf("thread: worker 1 %s, worker 2 %s, main %s\n",
	       handled[1] ? "handled" : "missed", handled[2] ? "handled" : "missed",
	       misplaced ? "ran a worker's handler" : "ran none");
	return 0;
}

static char order[64];

static void note(const char *s)
{
	strcat(order, s);
}

static void on_usr1_mask(int sig)
{
	(void)sig;
	note("[1 ");
	raise(SIGUSR2);
	note("1] ");
}

static void on_usr2_mask(int sig)
{
	(void)sig;
	note("2 ");
}

static void on_hup_mask(int sig)
{
	(void)sig;
	note("[3 ");
	raise(SIGUSR2);
	note("3]");
}

static void install(int sig, void (*fn)(int), int masked, int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = fn;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	if (masked)
		sigaddset(&sa.sa_mask, masked);
	sigaction(sig, &sa, NULL);
}

static int mask_mode(void)
{
	install(SIGUSR1, on_usr1_mask, SIGUSR2, 0);
	install(SIGUSR2, on_usr2_mask, 0, 0);
	install(SIGHUP, on_hup_mask, 0, 0);
	raise(SIGUSR1);
	raise(SIGHUP);
	printf("mask: %s\n", order);
	return 0;
}

static volatile sig_atomic_t reset_hits;

static void on_usr2_once(int sig)
{
	(void)sig;
	reset_hits++;
}

static int resethand_mode(void)
{
	install(SIGUSR2, on_usr2_once, 0, SA_RESETHAND);
	raise(SIGUSR2);
	printf("resethand: handler ran %d time(s)\n", (int)reset_hits);
	fflush(stdout);
	raise(SIGUSR2); /* the default action now: the process ends here */
	printf("resethand: survived a second SIGUSR2\n");
	return 0;
}

static void on_usr1_note(int sig)
{
	(void)sig;
	note("[1] ");
}

static int procmask_mode(void)
{
	install(SIGUSR1, on_usr1_note, 0, 0);
	sigset_t set, now;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigprocmask(SIG_BLOCK, NULL, &now);
	int only = sigismember(&now, SIGUSR1) && !sigismember(&now, SIGUSR2) &&
		   !sigismember(&now, SIGTERM) && !sigismember(&now, SIGALRM);
	note("blocked ");
	raise(SIGUSR1);
	note("raised ");
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	note("unblocked");
	printf("procmask: %s, mask: %s\n", order, only ? "SIGUSR1 only" : "other signals too");
	return 0;
}

static void on_sys(int sig)
{
	(void)sig;
}

static int sigsys_mode(void)
{
	struct sigaction before, after;
	sigaction(SIGSYS, NULL, &before);
	install(SIGSYS, on_sys, 0, 0);
	sigaction(SIGSYS, NULL, &after);
	printf("sigsys: %s, then %s\n", before.sa_handler == SIG_DFL ? "default" : "a handler",
	       after.sa_handler == on_sys ? "the program's handler" : "another");
	return 0;
}

static void on_pipe(int sig)
{
	(void)sig;
	note("[pipe] ");
}

static int sigpipe_mode(void)
{
	install(SIGPIPE, on_pipe, 0, 0);
	int p[2];
	if (pipe(p) != 0)
		return 2;
	close(p[0]);
	ssize_t r = write(p[1], "x", 1);
	note(r < 0 && errno == EPIPE ? "EPIPE" : "no EPIPE");
	printf("sigpipe: %s\n", order);
	return 0;
}

static int startmask_mode(void)
{
	sigset_t now;
	sigprocmask(SIG_BLOCK, NULL, &now);
	int blocked = 0;
	for (int sig = 1; sig < NSIG; sig++)
		blocked += sigismember(&now, sig) == 1;
	printf("start mask: %s\n", blocked ? "signals blocked" : "empty");
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	if (strcmp(mode, "thread") == 0)
		return thread_mode();
	if (strcmp(mode, "mask") == 0)
		return mask_mode();
	if (strcmp(mode, "resethand") == 0)
		return resethand_mode();
	if (strcmp(mode, "procmask") == 0)
		return procmask_mode();
	if (strcmp(mode, "sigsys") == 0)
		return sigsys_mode();
	if (strcmp(mode, "sigpipe") == 0)
		return sigpipe_mode();
	if (strcmp(mode, "startmask") == 0)
		return startmask_mode();
	fprintf(stderr, "usage: %s thread|mask|resethand|procmask|sigsys|sigpipe|startmask\n",
		argv[0]);
	return 2;
}
