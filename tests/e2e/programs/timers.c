/*
 * timers.c MODE: virtual timers and signals that interrupt waits, one
 * behaviour per mode (tests/e2e/timers.sh).  Each prints what it saw; the
 * times are virtual under deja, so the lines are the same in every run.
 *   sleep     alarm(1), then nanosleep(10 s): EINTR after 1 s, 9 s left
 *   interval  setitimer(ITIMER_REAL, 10 ms interval) while the main thread
 *             sleeps 1 ms at a time and a worker yields: 5 ticks
 *   posix     timer_create(SIGEV_SIGNAL, SIGRTMIN, value 42), 50 ms then
 *             every 20 ms, awaited in sigsuspend(): 3 ticks with SI_TIMER
 *   pause     alarm(2); pause(): SIGALRM after 2 virtual seconds
 *   exec      alarm(2), then exec of this program, whose pause() the
 *             alarm ends: interval timers survive exec
 *   tsleep    pthread_kill() of a worker in nanosleep(10 s): EINTR there
 *   tcond     pthread_kill() of a worker in pthread_cond_wait(): its
 *             handler runs in it, and it still waits for the flag
 *   tmutex    pthread_kill() of a worker waiting for a mutex: the handler
 *             runs, and the worker gets the mutex once it is unlocked
 *   poll      alarm(1) ends a poll() of an empty pipe (10 s): EINTR
 *   read      alarm(1) ends a read() of an empty pipe: EINTR
 *   restart   the same under SA_RESTART: the read goes on, and gets the
 *             byte a worker writes after 3 s
 *   sem       alarm(1) ends a sem_wait(): EINTR
 *   abstime   a POSIX timer set for an absolute CLOCK_REALTIME time 2 s
 *             ahead, with the default notification (SIGALRM), ends pause()
 *   sigwait   signals of a blocked set taken by sigwait() (a worker's
 *             pthread_kill, then an alarm), sigwaitinfo() (a POSIX timer's
 *             three ticks, with their siginfo) and sigtimedwait() (EAGAIN)
 *   timerfd   a timerfd (250 ms, then every 100 ms) read until 5
 *             expirations, then read after a 350 ms nap (3 at once), then
 *             polled
 */
#include <errno.h>
#include <poll.h>
#include <semaphore.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t hits;
static volatile pthread_t handled_in;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int flag;
static pthread_t worker_thread;

static void on_signal(int sig)
{
	(void)sig;
	hits++;
	handled_in = pthread_self();
}

static int timer_value, timer_code;

static void on_timer(int sig, siginfo_t *si, void *ctx)
{
	(void)sig;
	(void)ctx;
	hits++;
	timer_value = si->si_value.sival_int;
	timer_code = si->si_code;
}

static void handle(int sig, int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = flags;
	sigaction(sig, &sa, NULL);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void alarm_cuts_sleep(void)
{
	handle(SIGALRM, 0);
	alarm(1);
	struct timespec req = { 10, 0 }, rem = { 0, 0 };
	int r = nanosleep(&req, &rem);
	printf("sleep: nanosleep=%d %s, %ld s left, handler ran %d time(s)\n", r,
	       r ? strerror(errno) : "", (long)rem.tv_sec + (rem.tv_nsec > 500000000), (int)hits);
}

static volatile int stop_yielding;

static void *yielder(void *arg)
{
	(void)arg;
	while (!stop_yielding)
		sched_yield();
	return NULL;
}

static void interval_ticks(void)
{
	handle(SIGALRM, SA_RESTART);
	pthread_t t;
	pthread_create(&t, NULL, yielder, NULL);
	struct itimerval iv = { .it_interval = { 0, 10000 }, .it_value = { 0, 10000 } };
	setitimer(ITIMER_REAL, &iv, NULL);
	double start = now();
	int naps = 0;
	while (hits < 5) {
		usleep(1000);
		naps++;
	}
	struct itimerval off = { { 0, 0 }, { 0, 0 } }, left;
	setitimer(ITIMER_REAL, &off, &left);
	stop_yielding = 1;
	pthread_join(t, NULL);
	printf("interval: %d ticks in %.0f ms, %s naps, interval still %ld us\n", (int)hits,
	       (now() - start) * 1000, naps >= 45 ? "about 50" : "too few",
	       (long)left.it_interval.tv_usec);
}

static void posix_timer(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_timer;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGRTMIN, &sa, NULL);
	sigset_t block, wait;
	sigemptyset(&block);
	sigaddset(&block, SIGRTMIN);
	sigprocmask(SIG_BLOCK, &block, &wait); /* let in only by sigsuspend */
	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIGRTMIN;
	ev.sigev_value.sival_int = 42;
	timer_t id;
	if (timer_create(CLOCK_MONOTONIC, &ev, &id) != 0) {
		perror("timer_create");
		exit(1);
	}
	struct itimerspec its = { .it_interval = { 0, 20000000 }, .it_value = { 0, 50000000 } };
	timer_settime(id, 0, &its, NULL);
	double start = now();
	int interrupted = 0;
	while (hits < 3)
		interrupted += sigsuspend(&wait) == -1 && errno == EINTR;
	double took = (now() - start) * 1000;
	struct itimerspec cur;
	timer_gettime(id, &cur);
	timer_delete(id);
	printf("posix: %d ticks in %.0f ms, %d sigsuspend EINTR, value %d, %s, next in %ld ms\n",
	       (int)hits, took, interrupted, timer_value,
	       timer_code == SI_TIMER ? "SI_TIMER" : "not SI_TIMER",
	       (cur.it_value.tv_nsec + 500000) / 1000000);
}

static void alarm_pause(void)
{
	handle(SIGALRM, 0);
	double start = now();
	alarm(2);
	int r = pause();
	printf("pause: pause=%d %s after %.3f s, handler ran %d time(s)\n", r, strerror(errno),
	       now() - start, (int)hits);
}

/* alarm(2), then exec this program again ("after-exec"): the alarm
 * survives the exec and ends the new image's pause(). */
static void alarm_across_exec(const char *self)
{
	alarm(2);
	execl(self, self, "after-exec", (char *)NULL);
	perror("execl");
	exit(1);
}

static void after_exec(void)
{
	handle(SIGALRM, 0);
	int r = pause();
	printf("exec: the alarm set before exec ended the new image's pause()=%d %s,"
	       " handler ran %d time(s)\n", r, strerror(errno), (int)hits);
}

static void *sleeper(void *arg)
{
	(void)arg;
	struct timespec req = { 10, 0 }, rem = { 0, 0 };
	int r = nanosleep(&req, &rem);
	printf("tsleep: worker nanosleep=%d %s, %ld s left, handler ran %s\n", r,
	       r ? strerror(errno) : "", (long)rem.tv_sec + (rem.tv_nsec > 500000000),
	       hits == 1 && pthread_equal(handled_in, pthread_self()) ? "in the worker" : "elsewhere");
	return NULL;
}

static void *cond_waiter(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	while (!flag)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	printf("tcond: worker saw the flag, handler ran %s\n",
	       hits == 1 && pthread_equal(handled_in, pthread_self()) ? "in the worker" : "elsewhere");
	return NULL;
}

static void *locker(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	int seen = flag;
	pthread_mutex_unlock(&lock);
	printf("tmutex: worker got the mutex after main set %d, handler ran %s\n", seen,
	       hits == 1 && pthread_equal(handled_in, pthread_self()) ? "in the worker" : "elsewhere");
	return NULL;
}

/* Start the worker, let it block (a virtual second is plenty), signal it,
 * let its handler run, then let it go on. */
static void kill_waiting_worker(void *(*fn)(void *), int release_flag)
{
	handle(SIGUSR1, 0);
	if (fn == locker)
		pthread_mutex_lock(&lock);
	pthread_create(&worker_thread, NULL, fn, NULL);
	sleep(1);
	pthread_kill(worker_thread, SIGUSR1);
	sleep(1);
	if (release_flag) {
		if (fn != locker)
			pthread_mutex_lock(&lock);
		flag = 1;
		pthread_cond_signal(&cond);
		pthread_mutex_unlock(&lock);
	}
	pthread_join(worker_thread, NULL);
}

static int pipe_fds[2];

static void *late_writer(void *arg)
{
	(void)arg;
	sleep(3);
	if (write(pipe_fds[1], "x", 1) != 1)
		abort();
	return NULL;
}

static void inputs(const char *mode)
{
	handle(SIGALRM, strcmp(mode, "restart") == 0 ? SA_RESTART : 0);
	if (pipe(pipe_fds) != 0)
		abort();
	pthread_t t;
	if (strcmp(mode, "restart") == 0)
		pthread_create(&t, NULL, late_writer, NULL);
	double start = now();
	alarm(1);
	int r;
	char c;
	if (strcmp(mode, "poll") == 0) {
		struct pollfd pfd = { .fd = pipe_fds[0], .events = POLLIN };
		r = poll(&pfd, 1, 10000);
	} else if (strcmp(mode, "sem") == 0) {
		sem_t sem;
		sem_init(&sem, 0, 0);
		r = sem_wait(&sem);
	} else {
		r = (int)read(pipe_fds[0], &c, 1);
	}
	int e = errno;
	if (strcmp(mode, "restart") == 0)
		pthread_join(t, NULL);
	printf("%s: %d %s after %.0f s, handler ran %d time(s)\n", mode, r, r < 0 ? strerror(e) : "",
	       now() - start, (int)hits);
}

static void absolute_timer(void)
{
	handle(SIGALRM, 0);
	timer_t id;
	timer_create(CLOCK_REALTIME, NULL, &id);
	struct itimerspec its;
	memset(&its, 0, sizeof(its));
	clock_gettime(CLOCK_REALTIME, &its.it_value);
	its.it_value.tv_sec += 2;
	double start = now();
	timer_settime(id, TIMER_ABSTIME, &its, NULL);
	pause();
	printf("abstime: SIGALRM after %.0f s, handler ran %d time(s)\n", now() - start, (int)hits);
}

static pthread_t main_thread;

static void *poker(void *arg)
{
	(void)arg;
	sleep(1);
	pthread_kill(main_thread, SIGUSR1);
	return NULL;
}

static void taken_signals(void)
{
	double start = now();
	main_thread = pthread_self();
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGRTMIN);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	pthread_t t;
	pthread_create(&t, NULL, poker, NULL);
	int sig1, sig2;
	sigwait(&set, &sig1);
	pthread_join(t, NULL);
	alarm(2);
	sigwait(&set, &sig2);
	double waited = now() - start;
	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIGRTMIN;
	ev.sigev_value.sival_int = 7;
	timer_t id;
	timer_create(CLOCK_MONOTONIC, &ev, &id);
	struct itimerspec its = { .it_interval = { 0, 100000000 }, .it_value = { 0, 100000000 } };
	timer_settime(id, 0, &its, NULL);
	int ticks = 0;
	for (int i = 0; i < 3; i++) {
		siginfo_t si;
		ticks += sigwaitinfo(&set, &si) == SIGRTMIN && si.si_code == SI_TIMER &&
			 si.si_value.sival_int == 7;
	}
	timer_delete(id);
	struct timespec brief = { 0, 50000000 };
	int r = sigtimedwait(&set, NULL, &brief);
	printf("sigwait: %s then %s by %.0f s, %d timer ticks by %.1f s, sigtimedwait %d %s\n",
	       sig1 == SIGUSR1 ? "SIGUSR1" : "?", sig2 == SIGALRM ? "SIGALRM" : "?", waited, ticks,
	       now() - start, r, r < 0 ? strerror(errno) : "");
}

static void timer_fd(void)
{
	double start = now();
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	struct itimerspec its = { .it_interval = { 0, 100000000 }, .it_value = { 0, 250000000 } };
	timerfd_settime(fd, 0, &its, NULL);
	uint64_t n, total = 0;
	int reads = 0;
	while (total < 5) {
		if (read(fd, &n, sizeof(n)) != sizeof(n))
			abort();
		total += n;
		reads++;
	}
	double first = now() - start;
	usleep(350000);
	uint64_t napped = 0;
	if (read(fd, &napped, sizeof(napped)) != sizeof(napped))
		abort();
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int r = poll(&pfd, 1, 5000);
	if (read(fd, &n, sizeof(n)) != sizeof(n))
		abort();
	close(fd);
	printf("timerfd: %d reads for %d expirations at %.2f s, %d after the nap, poll %d at %.2f s\n",
	       reads, (int)total, first, (int)napped, r, now() - start);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	if (strcmp(mode, "sleep") == 0)
		alarm_cuts_sleep();
	else if (strcmp(mode, "interval") == 0)
		interval_ticks();
	else if (strcmp(mode, "posix") == 0)
		posix_timer();
	else if (strcmp(mode, "pause") == 0)
		alarm_pause();
	else if (strcmp(mode, "tsleep") == 0)
		kill_waiting_worker(sleeper, 0);
	else if (strcmp(mode, "tcond") == 0)
		kill_waiting_worker(cond_waiter, 1);
	else if (strcmp(mode, "tmutex") == 0)
		kill_waiting_worker(locker, 1);
	else if (strcmp(mode, "poll") == 0 || strcmp(mode, "read") == 0 ||
		 strcmp(mode, "restart") == 0 || strcmp(mode, "sem") == 0)
		inputs(mode);
	else if (strcmp(mode, "abstime") == 0)
		absolute_timer();
	else if (strcmp(mode, "timerfd") == 0)
		timer_fd();
	else if (strcmp(mode, "sigwait") == 0)
		taken_signals();
	else if (strcmp(mode, "exec") == 0)
		alarm_across_exec(argv[0]);
	else if (strcmp(mode, "after-exec") == 0)
		after_exec();
	else {
		fprintf(stderr, "usage: timers sleep|interval|posix|pause|tsleep|tcond|tmutex|"
				"poll|read|restart|sem|abstime|timerfd|sigwait|exec\n");
		return 2;
	}
	return 0;
}
