/*
 * runtime.h: internal interface of libdeja-runtime.so, the library deja
 * LD_PRELOADs into the target.
 *
 * RULES for every file in runtime/ (the build enforces the first three by
 * checking the library's undefined symbols, see runtime/CMakeLists.txt):
 *   1. No malloc/free, no stdio, no SQLite.  The runtime lives inside a
 *      process that may be about to crash, in signal handlers and between
 *      a fork and an exec.
 *   2. Talk to the kernel only through rt_syscall() (raw_syscall.c).  Those
 *      instructions sit in the one address range that the syscall trap
 *      lets through; anything else would trap back into the runtime.  It
 *      also marks each call for the supervisor's seccomp filter, which
 *      reports unmarked ones as escapes (syscall_marker.h).
 *   3. Call into libc only for what cannot be done otherwise (creating and
 *      joining real threads, dlsym, dl_iterate_phdr), between
 *      rt_libc_enter() and rt_libc_leave(): glibc's syscalls in between
 *      are unmarked, and the supervisor counts a managed thread's
 *      unmarked syscalls as the runtime's (syscall_marker.h).
 *   4. Touch the scheduler model only while holding the baton.
 *   5. Every interposed function forwards to the real one when the runtime
 *      is inactive (no supervisor) or the calling thread is not managed.
 */
#ifndef DEJA_RUNTIME_H
#define DEJA_RUNTIME_H

#include <errno.h>
#include <semaphore.h>
#include <stdbool.h>
#include <signal.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/ucontext.h>
#include <sys/uio.h>
#include <sys/time.h>
#include <time.h>

#include "protocol.h"

#define RT_EXPORT __attribute__((visibility("default")))
#define RT_CALLER ((uint64_t)(uintptr_t)__builtin_return_address(0))

/* program_calls.c: while an interposed libc function the program called
 * runs, the events libc makes for it take the program's call as their
 * site.  RT_AS_PROGRAM_CALL(type, call) makes `call`, libc's own function,
 * so; rt_program_site gives a trapped syscall's site (its stack pointer
 * sp), the program's call if one is under way. */
struct rt_program_call {
	uint64_t site;  /* the program's call (0: none under way) */
	uint64_t stack; /* the stack address it was noted at */
};
struct rt_program_call rt_program_call_begin(uint64_t caller, uint64_t stack);
void rt_program_call_end(struct rt_program_call outer);
uint64_t rt_program_site(uint64_t site, uint64_t sp);
#define RT_AS_PROGRAM_CALL(type, call)                                                     \
	({                                                                                 \
		struct rt_program_call outer_ = rt_program_call_begin(                     \
			RT_CALLER, (uint64_t)(uintptr_t)__builtin_frame_address(0));       \
		type result_ = (call);                                                     \
		rt_program_call_end(outer_);                                               \
		result_;                                                                   \
	})

/* A syscall's result as libc's wrapper gives it: -1 with errno for a
 * negative errno, else the result. */
static inline long rt_to_libc(long r)
{
	if (r < 0 && r > -4096) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

/* ---- raw_syscall.c ---- */
long rt_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6);
/* The same without the marker of syscall_marker.h: for calls made on
 * behalf of a thread the runtime does not manage, which the supervisor
 * must hear of. */
long rt_syscall_unmarked(long nr, long a1, long a2, long a3, long a4, long a5, long a6);
/* Tell the supervisor's escape watch what the runtime is about to do
 * (enum deja_announcement, syscall_marker.h). */
void rt_announce(int what);
#define rt_syscall0(nr) rt_syscall((nr), 0, 0, 0, 0, 0, 0)
#define rt_syscall1(nr, a) rt_syscall((nr), (long)(a), 0, 0, 0, 0, 0)
#define rt_syscall2(nr, a, b) rt_syscall((nr), (long)(a), (long)(b), 0, 0, 0, 0)
#define rt_syscall3(nr, a, b, c) \
	rt_syscall((nr), (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define rt_syscall4(nr, a, b, c, d) \
	rt_syscall((nr), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define rt_syscall5(nr, a, b, c, d, e) \
	rt_syscall((nr), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)
void rt_sigreturn_stub(void);
/* Continue at a saved register context (registers, flags, stack, rip). */
void rt_resume_context(const long long *gregs) __attribute__((noreturn));
/* The address range the syscall trap lets through. */
uintptr_t rt_text_start(void);
uintptr_t rt_text_end(void);

/* ---- runtime.c: process state ---- */
struct rt_state {
	bool active;                  /* attached to a supervisor */
	struct deja_shared *shared;
	struct deja_model *model;
	const uint32_t *schedule;     /* replay only */
	uint64_t schedule_len;
	const struct deja_script_entry *script; /* strategy script only */
	uint64_t script_len;
	const uint64_t *vtimes;       /* replay of real time: each event's clock */
	uint64_t vtimes_len;
	const uint64_t *ticks;        /* replay only: per event, the next tick stop */
	int shm_fd;                   /* the channel, kept open for exec */
	int proc_fd;                  /* the process socket (fork.c), or -1 */
	int tree_fd;                  /* the tree's page (output_order.c), or -1 */
};
extern struct rt_state rt;
extern __thread uint32_t rt_self; /* model thread index, DEJA_NO_THREAD if unmanaged */

static inline bool rt_managed(void)
{
	return rt.active && rt_self != DEJA_NO_THREAD;
}

void rt_write_stderr(const char *msg);
/* Write v (>= 0) in decimal at dst, NUL-terminated; returns the end. */
char *rt_decimal(char *dst, long v);
/* A /proc file (at most size - 1 bytes of it) into buf, NUL-terminated;
 * its length (<= 0: nothing read). */
long rt_read_proc(const char *path, char *buf, size_t size);
/* The kernel's /proc/self/fdinfo/FD into buf, as rt_read_proc. */
long rt_read_fdinfo(long fd, char *buf, size_t size);
/* Read lower-case hex digits from p (before end) into *v; returns where
 * they stop (/proc files write their numbers so). */
const char *rt_parse_hex(const char *p, const char *end, uint64_t *v);
void rt_fatal(const char *msg) __attribute__((noreturn));
void rt_refresh_modules(void);
/* Map a channel's memfd, checking its magic and protocol version. */
struct deja_shared *rt_channel_map(long fd);
/* Point rt's schedule, script and vtimes at the channel's areas. */
void rt_channel_views(void);

/* ---- clock.c: real time (deja record --time real) ---- */
/* Record: move the model's clock up to the real time elapsed. */
void rt_clock_sync(void);
/* Record: real nanoseconds left until the model time deadline (0: none,
 * or not in real time). */
int64_t rt_clock_real_wait(uint64_t deadline);
/* Replay of real time: the model's clock as it was at event seq. */
void rt_clock_replay(uint64_t seq);
/* At the calling thread's event seq, before it executes: a parallel-mode
 * thread's own clock moves the model's up to it; a replay sets the
 * model's clock as recorded (rt_clock_replay). */
void rt_clock_at_event(uint64_t seq);
/* Just after the calling thread's event: its own clock starts again. */
void rt_clock_after_event(void);
/* Record: the realtime clock reads at least realtime_ns from now on, if
 * the real clock has reached it (a file time the program saw). */
void rt_clock_not_before(int64_t realtime_ns);

/* ---- file_times.c: file times a stat gave move the clock up to them ---- */
/* Record: the call nr with arguments a gave result; if it was a stat,
 * the clock reads no earlier than the times it gave. */
void rt_file_times_seen(long nr, const long a[6], long result);

/* ---- io.c: descriptors' paths, remembered for the inputs' sources ---- */
/* fd was closed or replaced (via rt_note_close). */
void rt_io_forget_fd(long fd);
/* input_waits.c: a closed descriptor has no receive timeout (SO_RCVTIMEO). */
void rt_io_forget_receive_timeout(long fd);

/* ---- files.c: a replay leaves the file system alone ---- */
/* open, openat, creat or openat2, as an input (a FIFO's open without
 * waiting in the kernel for its other end). */
long rt_files_open(long nr, const long a[6], uint64_t site);
/* open, openat, creat or openat2. */
bool rt_files_is_open(long nr);
/* The path an open names (NULL if none). */
const char *rt_files_open_path(long nr, const long a[6]);
/* Replay: give a fed open's descriptor number a file behind it. */
void rt_files_stand_in(long nr, const long a[6], long fd);
/* The top process at its start: its descriptors 1 and 2 are the user's
 * output. */
void rt_files_note_user_output(void);
/* What kind of file fd is (st_mode's S_IFMT bits), 0 if none. */
mode_t rt_files_type(long fd);
/* The file type that decides whether a read of fd may wait: a replay's
 * stdin, stdout and stderr, as inherited, have the recording's. */
mode_t rt_files_wait_type(long fd);
void rt_files_stdio_replaced(long fd);
/* Replay: whether an OUTPUT syscall on fd runs again. */
bool rt_files_replay_writes(long fd);
/* Replay: whether a fed INPUT syscall must still run (resizing shared
 * memory the program maps). */
bool rt_files_replay_runs(long nr, const long a[6]);

/* ---- tty_queries.c: terminal ioctls, recorded ---- */
struct deja_syscall_info;
/* How an ioctl (arguments a) is recorded, when it asks about or sets a
 * terminal: an input filling the struct at argument 2, or its result
 * only; NULL for a request that runs live as before. */
const struct deja_syscall_info *rt_tty_query(const long a[6]);
/* Replay: an ioctl that sets a terminal runs again (its recorded result
 * is still what the program gets). */
bool rt_tty_replay_runs(long nr, const long a[6]);
/* Replay: whether a fed INPUT syscall that succeeded when recorded runs
 * again after its event, for the process state it changes (chdir). */
bool rt_files_replay_follows(long nr);
/* ---- sessions.c: setsid in a replay ---- */
/* Replay: the same for the session a setsid() makes. */
bool rt_sessions_replay_follows(long nr);

/* Replay: a write that failed with EPIPE when recorded did not run, so
 * the kernel raised no SIGPIPE: raise it unless the relay stands in for
 * the program's handler (the recording's signal event then replays it). */
void rt_signal_raise_unrelayed(int sig);
/* End the process by sig's default action, now. */
void rt_signal_die(int sig) __attribute__((noreturn));

/* ---- clone_thread.c: threads made by a raw clone() ---- */
/* A clone of a thread the runtime can follow (its own TLS). */
bool rt_clone_thread_followable(long flags);
/* Says on stderr why a raw clone() of a thread (flags; by a managed
 * thread or not) is refused with ENOSYS. */
void rt_clone_thread_refused(long flags, bool managed);
/* Make the thread a clone() in the trap asks for, as a model thread; the
 * program's clone() returns its tid here and 0 in the thread. */
long rt_clone_thread_follow(const long a[6], const greg_t *g, uint64_t site);
/* A managed thread's raw exit (a raw clone's, or glibc's end of the
 * process's first thread after pthread_exit): it ends in the model first,
 * at once. */
long rt_clone_thread_exit(long nr, const long a[6], uint64_t site);

/* ---- shared_call.c: calls on objects shared with other processes ---- */
/* The real call: `call` says which; 0, a value, or -errno. */
typedef int64_t (*rt_shared_fn)(void *object, uint64_t call);
/* In a replay, what the recorded call did to the real object, if it must
 * be done again (NULL: nothing). */
typedef void (*rt_shared_replay_fn)(void *object, uint64_t call, int64_t recorded);
/* One call that never blocks, as an event of kind op with arg `call`: run
 * and recorded, or its recorded result fed back in a replay (and replay
 * called with it). */
int64_t rt_shared_call(enum deja_op op, uint64_t call, rt_shared_fn fn,
		       rt_shared_replay_fn replay, void *object, uint64_t site);
/* A wait: attempts (call) until one gives something other than -busy, or
 * the virtual clock passes deadline (-ETIMEDOUT; DEJA_NO_DEADLINE: none),
 * pausing between them; a signal handled in a pause ends it with -EINTR
 * if interrupted(deadline) says so (NULL: never). */
struct rt_shared_wait {
	enum deja_op op;
	uint64_t call;
	rt_shared_fn fn;
	rt_shared_replay_fn replay;
	void *object;
	int busy;
	bool (*interrupted)(uint64_t deadline);
};
int64_t rt_shared_wait(const struct rt_shared_wait *w, uint64_t deadline, uint64_t site);
/* Objects that do not say they are shared (semaphores, spinlocks): noted
 * at their init, by address. */
void rt_shared_note(const void *object);
void rt_shared_forget(const void *object);
bool rt_shared_is_noted(const void *object);

/* ---- sem_shared.c: semaphores shared between processes ---- */
bool rt_sem_is_shared(sem_t *s);
void rt_sem_note_init(sem_t *s, int pshared);
void rt_sem_note_destroy(sem_t *s);
int rt_sem_shared_post(sem_t *s, uint64_t site);
int rt_sem_shared_getvalue(sem_t *s, int *value, uint64_t site);
int rt_sem_shared_trywait(sem_t *s, uint64_t site);
int rt_sem_shared_wait(sem_t *s, uint64_t deadline, uint64_t site);

/* ---- sync_shared.c: mutexes, rwlocks, conditions, spinlocks shared
 * between processes; results are 0 or an errno, as pthread's ---- */
/* What a `sync_shared` event's arg says the call was (the trace keeps
 * these numbers: never renumber). */
enum rt_sync_call {
	SYNC_MUTEX_TRY = 1,
	SYNC_MUTEX_UNLOCK,
	SYNC_RWLOCK_TRY_READ,
	SYNC_RWLOCK_TRY_WRITE,
	SYNC_RWLOCK_UNLOCK,
	SYNC_COND_SIGNAL,
	SYNC_COND_BROADCAST,
	SYNC_SPIN_TRY,
	SYNC_SPIN_UNLOCK,
	SYNC_BARRIER_ENTER, /* barrier_shared.c */
	SYNC_BARRIER_LEAVE,
	SYNC_BARRIER_DESTROY,
	SYNC_MUTEX_LOCK_TRY, /* an attempt of a lock, not a trylock */
};
bool rt_mutex_is_shared(const pthread_mutex_t *mx);
bool rt_cond_is_shared(const pthread_cond_t *c);
bool rt_rwlock_is_shared(const pthread_rwlock_t *rw);
int rt_mutex_shared_lock(pthread_mutex_t *mx, uint64_t deadline, uint64_t site);
int rt_mutex_shared_trylock(pthread_mutex_t *mx, uint64_t site);
int rt_mutex_shared_unlock(pthread_mutex_t *mx, uint64_t site);
int rt_rwlock_shared_lock(pthread_rwlock_t *rw, bool write, uint64_t deadline, uint64_t site);
int rt_rwlock_shared_trylock(pthread_rwlock_t *rw, bool write, uint64_t site);
int rt_rwlock_shared_unlock(pthread_rwlock_t *rw, uint64_t site);
int rt_cond_shared_wait(pthread_cond_t *c, pthread_mutex_t *mx, uint64_t deadline,
			uint64_t site);
int rt_cond_shared_signal(pthread_cond_t *c, bool all, uint64_t site);
void rt_spin_note_init(pthread_spinlock_t *s, int pshared);
bool rt_spin_is_shared(pthread_spinlock_t *s);
int rt_spin_shared_lock(pthread_spinlock_t *s, uint64_t site);
int rt_spin_shared_trylock(pthread_spinlock_t *s, uint64_t site);
int rt_spin_shared_unlock(pthread_spinlock_t *s, uint64_t site);
/* ---- barrier_shared.c: barriers shared between processes ---- */
bool rt_barrier_is_shared(const pthread_barrier_t *b);
/* PTHREAD_BARRIER_SERIAL_THREAD, 0, or an errno. */
int rt_barrier_shared_wait(pthread_barrier_t *b, uint64_t site);
int rt_barrier_shared_destroy(pthread_barrier_t *b, uint64_t site);
/* interpose_mutex.c: a mutex lock or unlock from inside the runtime (a
 * shared condition's wait), shared or modelled as the mutex is. */
int rt_mutex_lock_at(pthread_mutex_t *mx, uint64_t deadline, uint64_t site);
int rt_mutex_unlock_at(pthread_mutex_t *mx, uint64_t site);
/* The pthread calls behind their interposers, for a managed thread, with
 * the program's call site: what C11's <threads.h> calls come to
 * (interpose_c11.c).  Results as the pthread calls'. */
int rt_mutex_init_at(pthread_mutex_t *mx, const pthread_mutexattr_t *attr, uint64_t site);
int rt_mutex_trylock_at(pthread_mutex_t *mx, uint64_t site);
int rt_mutex_destroy_at(pthread_mutex_t *mx, uint64_t site);
int rt_cond_init_at(pthread_cond_t *c, const pthread_condattr_t *attr, uint64_t site);
int rt_cond_destroy_at(pthread_cond_t *c, uint64_t site);
/* A wait; deadline DEJA_NO_DEADLINE for none. */
int rt_cond_wait_at(pthread_cond_t *c, pthread_mutex_t *mx, uint64_t deadline, uint64_t site);
int rt_cond_signal_at(pthread_cond_t *c, bool all, uint64_t site);
void rt_once_at(pthread_once_t *once, void (*init)(void), uint64_t site);
/* A thread running fn, or c11_fn (a C11 thread: its int result is its
 * exit value) when that is not NULL. */
int rt_thread_create_at(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *),
			int (*c11_fn)(void *), void *arg, uint64_t site);
int rt_thread_join_at(pthread_t th, void **ret, uint64_t site);
int rt_thread_detach_at(pthread_t th, uint64_t site);
__attribute__((noreturn)) void rt_thread_exit_at(void *ret, uint64_t site);
/* The site of a thread's end: where it called pthread_exit, if it did,
 * else `site` (its raw exit syscall's). */
uint64_t rt_thread_exit_site(uint64_t site);

/* ---- pids.c ---- */
/* Replay: answer getpid/getppid/gettid with the recorded ids (true, with
 * *result), or map the ids in a[] the program passes back to real ones
 * (false: the syscall then goes on as usual). */
bool rt_pid_syscall(long nr, long a[6], long *result);

/* ---- server.c ---- */
/* Serve runs (the channel's `server` flag): returns only in a run's
 * process, which then starts as if just exec'd. */
void rt_serve(void);

/* ---- real.c: the libc functions the runtime wraps ---- */
#include "real.h"

/* The runtime's own descriptors are moved to this number or above, out of
 * the way of the program's. */
#define RT_OWN_FD_BASE 900
/* One of the runtime's own descriptors (the channel, the process socket,
 * the tree's page), kept for exec and fork out of the way of the
 * program's: moved to a high number, the old one closed.  The new one. */
int rt_keep_own_fd(long fd);
/* Those descriptors, each -1 when not given (trap.c spares them from the
 * program's close() and dup2(), exec.c lets them through an exec). */
#define RT_OWN_FDS 3
extern int *const rt_own_fds[RT_OWN_FDS];

/* The signals the runtime needs to reach every thread, whatever the
 * program blocks: the syscall trap, the rdtsc fault, and the supervisor's
 * interrupt of a spinning thread and its breakpoints (interrupts.c). */
#define RT_OWN_SIGNALS ((1ull << (SIGSYS - 1)) | (1ull << (SIGSEGV - 1)) | \
			(1ull << (DEJA_SIG_INTERRUPT - 1)))

/* A set of signals the program gives to block or to wait for, less those
 * it cannot have: the runtime's own, SIGKILL and SIGSTOP. */
static inline uint64_t rt_program_signal_set(uint64_t set)
{
	return set & ~(RT_OWN_SIGNALS | (1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1)));
}

/* The kernel's struct sigaction, as rt_sigaction takes it. */
struct rt_kernel_sigaction {
	void (*handler)(int, siginfo_t *, void *);
	unsigned long flags;
	void (*restorer)(void);
	uint64_t mask;
};
#define RT_SA_RESTORER 0x04000000UL

/* ---- vdso.c: the vDSO's clock and cpu functions as real syscalls ---- */
void rt_vdso_rewrite(void); /* once per process image, before any thread */

/* ---- trap.c: the in-process syscall trap ---- */
void rt_trap_install(void);   /* once per process: the SIGSYS handler */
void rt_trap_arm(void);       /* once per thread */
void rt_trap_disarm(void);
/* Inside the trap: the signal mask the program had (else NULL). */
extern __thread const sigset_t *rt_trap_program_mask;
/* In a syscall that a signal interrupts (pause, sigsuspend...), inside the
 * trap, with the program's mask open: a signal the kernel gives this thread
 * now is this thread's to handle. */
extern __thread bool rt_trap_interruptible;
void rt_libc_enter(void);
void rt_libc_leave(void);

/* ---- baton.c: scheduling points ---- */
/* Declare the calling thread's next operation; returns its pending record
 * for extra fields (object2, timed, deadline), which stays the caller's to
 * fill until rt_run(). */
struct deja_pending *rt_declare(enum deja_op op, struct deja_object *o,
				uint64_t arg, uint64_t site);
/* Wait until the scheduler chooses this thread, execute the declared
 * operation, record its event, and handle the signals that arrived
 * (a scheduling point).  Returns the operation's result. */
int64_t rt_run(void);
/* rt_run without the signals: for an operation whose effect is not
 * complete until its caller has done more (a THREAD_CREATE, until the
 * real thread exists); the caller then calls rt_signals_deliver. */
int64_t rt_run_op(void);
/* Parallel replay: whether the calling thread's next recorded event is
 * this spin (DEJA_OP_YIELD or DEJA_OP_SLEEP); one that is not is no event
 * (baton.c). */
bool rt_model_spin_recorded(enum deja_op op);
/* Parallel replay: whether the recording's next event is a yield or sleep
 * of the calling thread, which waits in the kernel for a futex (baton.c). */
bool rt_model_spin_due(void);
/* Replay: the seq of the calling thread's next event in the recording
 * (UINT64_MAX: none), whose feed entry an input may look at first. */
uint64_t rt_next_event_of_self(void);
/* The op-specific detail of the calling thread's last event. */
extern __thread uint64_t rt_last_arg;
/* ---- interpose_thread.c: making a thread, the model's side ---- */
/* THREAD_CREATE for a thread about to be made (fn: its function, shown):
 * 0 with *child, its model thread, or an errno. */
int rt_thread_create_begin(uint64_t fn, uint64_t site, uint32_t *child);
/* The real thread was made, or not (then the model forgets it); the
 * signals that waited for it are handled. */
void rt_thread_create_end(uint32_t child, bool made, uint64_t site);
/* A new thread's first steps, on its own stack: its tid, the trap,
 * its first turn (THREAD_START). */
void rt_thread_enter(uint32_t self);
/* Replay: the kernel id the recording's thread `self` had, taken from its
 * coming thread_start's feed entry, for gettid() to show (pids.c).  For a
 * new thread, and for a forked child's thread 0, whose id no threads
 * table of the child records. */
void rt_thread_take_recorded_tid(uint32_t self);
/* First run of a new thread: wait to be chosen, execute THREAD_START. */
void rt_thread_begin(uint32_t self);
/* The calling thread ends: record THREAD_EXIT and pass the baton on for
 * good.  at_once: its exit is made at once when it holds the turn, no
 * other thread chosen before it (DEJA_THREAD_EXIT_AT_ONCE). */
void rt_thread_end(uint64_t site, bool at_once);
/* A returning thread's thread_local and pthread key destructors, run
 * before it leaves the model (thread_dtors.c). */
void rt_thread_dtors(void);
/* Parallel mode: take the model lock until rt_run() (no-op otherwise). */
void rt_model_enter(void);
/* Parallel mode: let go of the model lock without running an operation. */
void rt_model_leave(void);
/* Parallel mode, record: the declared input (rt_declare'd, may_block and
 * wait_io set) is about to wait in the kernel.  The thread lets go of the
 * model but counts as standing at a point, not as running, so that the
 * others' virtual sleeps and timers still come due (settling the run if
 * it was the last one running); its event follows once the call returns. */
void rt_model_wait_in_kernel(void);
/* Parallel mode: a wait in the kernel that makes no event is over (the
 * thread runs again, its declared wait forgotten). */
void rt_model_back_from_kernel(void);
/* Parallel mode, a thread waiting in the kernel for a futex: no event
 * since the last look (*steps, updated) and no other thread that could
 * let go of a lock (all parked in the model, or waiting for futexes). */
bool rt_model_stuck(uint64_t *steps);
/* ... for long: end the run (a deadlock; in a replay, a divergence). */
void rt_model_end_stuck(void) __attribute__((noreturn));
/* The model's thread for a real thread that could not be created. */
void rt_abandon_thread(uint32_t t);
/* The model object for a target address, or an ERROR outcome if full.
 * In parallel mode this enters the model (takes its lock) until rt_run. */
struct deja_object *rt_object(const void *addr, enum deja_object_kind kind);
/* The clock a timed wait counts from: now, or in parallel mode the clock
 * just after the thread's last event, where a replay, which sets the
 * clock to the recorded time at each event, has it too (in parallel mode
 * the others' events move the clock on while a thread runs, by as much
 * as the real timing lets them), so that deadlines and the durations
 * events show replay. */
uint64_t rt_vclock_base(void);
/* A timed wait's virtual deadline, from an absolute time on clock. */
uint64_t rt_deadline_abs(clockid_t clock, const struct timespec *abstime);
uint64_t rt_deadline_rel(const struct timespec *rel);
void rt_end_run(enum deja_outcome_kind kind, uint32_t thread,
		const char *message) __attribute__((noreturn));

/* ---- debug_stop.c: a replay stopped for a debugger (deja replay --gdb) ---- */
/* Right before the calling thread makes the event the model is at, which
 * it declared in p: if the supervisor asked to stop there, stop (and wait
 * for the debugger). */
void rt_debug_stop_check(const struct deja_pending *p);
/* The stop itself, by a name the debugger's backtrace shows. */
void deja_stopped_at_event(uint64_t event, uint64_t site);
/* Places a debugger attached by deja replay --gdb stops at (breakpoints
 * its commands set), since it cannot stop at their signals: a SIGSEGV
 * that is no rdtsc, which gdb must pass silently as it passes the rdtsc
 * ones (fault.c), and the runtime ending the run (a deadlock, a timeout,
 * a divergence: rt_end_run), which kills the process without a signal. */
void deja_program_segv(uint64_t address, uint64_t pc);
void deja_run_ends(enum deja_outcome_kind kind, const char *message);

/* ---- ticks.c: preemption in plain code (programs built with deja cflags) ---- */
/* The thread has just become managed (main thread, exec'd image). */
void rt_ticks_thread_managed(void);
/* At each scheduling point of this thread, before it declares: count the
 * ticks it passed since its last point, for coverage and pct. */
void rt_ticks_at_point(void);
/* This thread has executed event seq: its next tick offer is asked anew. */
void rt_ticks_after_event(uint64_t seq);
/* The Python line this thread last ticked at, for its events (0: none). */
void rt_ticks_python_location(uint64_t *code, uint32_t *line);

/* ---- write_parts.c: a write made in parts (outputs.c) ---- */
#define RT_PART_IOVS 64 /* a writev with more iovecs writes in one call */
/* Room for a part's own arguments: its iovecs and, for a sendmsg, its
 * message header. */
struct rt_part_space {
	struct iovec iov[RT_PART_IOVS];
	struct msghdr msg;
};
/* The bytes the call (or a part's arguments) would write. */
uint64_t rt_part_len(long nr, const long a[6]);
/* Record: what the descriptor takes now of the bytes the arguments give,
 * without waiting: their count, 0 for none, or the call's error. */
long rt_part_write(long nr, const long a[6]);
/* The xxh3 of the bytes a part of result r took. */
uint64_t rt_part_digest(long nr, const long a[6], long r);
/* The arguments of the part that starts `done` bytes into the call's,
 * pointing into *space where they differ from the call's own. */
void rt_part_args(long nr, long part[6], const long a[6], uint64_t done, struct rt_part_space *space);
/* Calls whose bytes rt_part_slice can cut: write, writev, sendto, sendmsg. */
bool rt_part_sliceable(long nr);
/* The arguments that give the call's bytes from `skip` on, at most
 * `limit` of them. */
void rt_part_slice(long nr, long part[6], const long a[6], uint64_t skip, uint64_t limit,
		   struct rt_part_space *space);

/* ---- world_waits.c: waits only the world ends ---- */
/* The call (poll, ppoll, select, pselect6, epoll_wait...) waits to read a
 * descriptor that only something outside the program fills. */
bool rt_world_feeds(long nr, const long a[6]);
/* Whether some descriptor an epoll set watches, as /proc/self/fdinfo lists
 * them with their events, matches: 1 yes, 0 no, -1 not known (the
 * listing could not be read whole: its first 4 KiB, some 50 of them). */
int rt_epoll_any(long epfd, bool (*match)(long fd, uint64_t events));

/* ---- closed_world.c: descriptors nothing outside the process fills ---- */
/* A descriptor closed or replaced; every one at a fork; those a sendmsg
 * passes to another process (with their pairs' other ends). */
void rt_world_fd_closed(long fd);
void rt_world_fds_forked(void);
struct msghdr;
void rt_world_fds_sent(const struct msghdr *msg);
/* The wait (an input call) watches only descriptors the program made for
 * itself (pipe, eventfd, socketpair) and still holds alone. */
bool rt_world_closed(long nr, const long a[6]);

/* ---- own_maps.c: the process's own mappings ---- */
/* [lo, hi) lies in one readable mapping of the process. */
bool rt_maps_readable(uint64_t lo, uint64_t hi);

/* ---- interrupts.c: stopping uninstrumented code that spins ---- */
/* The top of this thread's stack: no frame of the program lies above it
 * (its entry function's frame; the main thread's first stack pointer). */
void rt_interrupts_stack_top(const void *top);
/* The relay's DEJA_SIG_INTERRUPT: true if the supervisor sent it or one
 * of the runtime's breakpoints raised it (and it was dealt with). */
bool rt_interrupt_signal(const siginfo_t *si, void *ctx);
/* This thread has executed event seq (`ending`: its THREAD_EXIT): in a
 * replay, it sets the breakpoint its next event, an interrupt, stops at;
 * in a recording, its known spin sites watch again (or are closed). */
void rt_interrupts_after_event(uint64_t seq, bool ending);
/* In a forked child: the thread's breakpoints are its parent's. */
void rt_interrupts_forked(void);

/* ---- tick_counters.c: a thread's tick count, over its modules' counters ---- */
/* Ticks the thread has passed, in all its counters. */
uint64_t rt_tick_count(void);
/* A counter that reached zero: the thread's from now on, if new. */
void rt_tick_counter_join(uint64_t *counter);
/* Set the thread's counters to call in within `ticks` ticks (>= 1), never
 * later. */
void rt_tick_arm(uint64_t ticks);

/* ---- clock.c: virtual clocks ---- */
bool rt_clock_is_virtual(clockid_t clock);
/* The real CLOCK_MONOTONIC, in ns, by syscall. */
int64_t rt_clock_real_monotonic_ns(void);
/* The virtual clock's current reading in ns, without advancing it. */
int64_t rt_clock_peek(clockid_t clock);
int rt_clock_gettime(clockid_t clock, struct timespec *ts, uint64_t site);
/* Read a virtual clock in ns; a tick passes (in parallel mode on the
 * thread's own clock, and now and then an event). */
int64_t rt_clock_read(clockid_t clock, uint64_t site);
int rt_gettimeofday(struct timeval *tv, void *tz, uint64_t site);
time_t rt_time(time_t *t, uint64_t site);

/* ---- feed_ring.c: the bytes a replay feeds back, as they stream in ---- */
/* After the channel (size bytes at `at`) is mapped: map its feed ring a
 * second time right after it; returns `at`, or -errno.  Nothing to do when
 * ring_size is 0. */
long rt_feed_ring_map(long fd, long at, uint64_t size, uint64_t ring_offset, uint64_t ring_size);
/* Where feed entry f's bytes are, once they are there (it waits). */
const uint8_t *rt_feed_bytes(const struct deja_feed *f);
/* The runtime needs no feed byte before `offset` any more (said to the
 * supervisor every 64 KiB, or at once when it waits for room). */
void rt_feed_release(uint64_t offset);
/* In a forked child: nothing read from its feed yet. */
void rt_feed_after_fork(void);

/* ---- io_buffers.c: a call's buffers, as chunks of bytes ---- */
struct deja_syscall_info;
typedef void (*rt_chunk_fn)(void *ctx, uint8_t *ptr, uint64_t len);
/* Before the call: the size of the buffer a call fills with a socket
 * address (accept, getsockname, recvfrom's and recvmsg's sender...),
 * which the kernel never writes past although it returns the address's
 * whole length; false for a call without one. */
bool rt_io_address_room(const struct deja_syscall_info *sc, const long a[6], uint64_t *room);
/* fn on each buffer the call filled (an input, given its result r) or
 * sent (an output), as the syscall table describes them; an address's
 * bytes at most `room` (RT_IO_ANY_ROOM: as many as its length says). */
#define RT_IO_ANY_ROOM UINT64_MAX
void rt_io_each_chunk(const struct deja_syscall_info *sc, const long a[6], long r, bool output,
		      uint64_t room, rt_chunk_fn fn, void *ctx);
/* The xxh3 of those bytes; how many there are (an input's). */
uint64_t rt_io_digest(const struct deja_syscall_info *sc, const long a[6], long r, bool output,
		      uint64_t room);
uint64_t rt_io_bytes(const struct deja_syscall_info *sc, const long a[6], long r, uint64_t room);

/* ---- io.c: input and output syscalls ---- */
/* In a followed child: its feed starts at its own first event. */
void rt_io_after_fork(void);
/* Replay: the recorded result of event seq, without moving the feed on
 * (NULL if the feed has none). */
const struct deja_feed *rt_io_feed_peek(uint64_t seq);
struct deja_syscall_info;
long rt_input(const struct deja_syscall_info *sc, long nr, const long a[6], uint64_t site);
long rt_output(const struct deja_syscall_info *sc, long nr, const long a[6], uint64_t site);
/* An input whose bytes the call left in memory: `len` bytes at `at` that
 * came from fd's file (a mapping), the call having given `result`.  A
 * replay copies the recorded bytes to `at`, which must be writable, and
 * returns the recorded result. */
long rt_io_memory_input(long nr, long fd, void *at, uint64_t len, long result, uint64_t site);
/* Whether fd's path (as the inputs name it) starts with prefix. */
bool rt_io_fd_path_starts(long fd, const char *prefix);

/* ---- ipc_waits.c: System V and POSIX IPC, waited for as attempts ---- */
/* Whether nr is semop, semtimedop, msgsnd, msgrcv, mq_timedsend or
 * mq_timedreceive. */
bool rt_ipc_wait_call(long nr);
/* A managed thread's call: one event, or a wait as attempts. */
long rt_ipc_wait(long nr, const long a[6], uint64_t site);

/* Parallel mode: declare the call as a wait in the kernel, its thread
 * standing at a point until rt_model_back_from_kernel (io.c). */
void rt_io_wait_in_kernel_quietly(long nr, const long a[6], uint64_t site);

/* ---- file_locks.c: flock and fcntl locks, waited for as attempts ---- */
/* Whether the call takes or drops a file lock (flock; fcntl F_SETLK,
 * F_SETLKW, F_OFD_SETLK, F_OFD_SETLKW). */
bool rt_file_lock_call(long nr, const long a[6]);
/* A managed thread's lock call: events with the results, a wait as
 * attempts; a replay gives the recorded results. */
long rt_file_lock(long nr, const long a[6], uint64_t site);
/* fd was closed or given another file (random.c's rt_note_close). */
void rt_file_locks_closed(long fd);

/* ---- lock_holders.c: the process's own file locks ---- */
/* A thread took a flock or OFD lock through fd. */
void rt_lock_holders_took(long fd, uint32_t thread);
/* fd is closed: forgotten; whether it was one that took a lock. */
bool rt_lock_holders_closed(long fd);
void rt_lock_holders_after_fork(void);
/* Record: the descriptor of another open file of this process holding a
 * lock in the way of the flock or F_OFD_SETLKW call, or -1. */
long rt_lock_holder_fd(long nr, const long a[6]);
/* The thread that took a lock through fd, or DEJA_NO_THREAD. */
uint32_t rt_lock_holder_thread(long fd);

/* ---- mapped_files.c: a data file's private mapping, as an input ---- */
long rt_mapped_file(const long a[6], uint64_t site);

/* ---- kernel_copy.c: sendfile, copy_file_range, splice ---- */
/* One chunk of the copy as a read and a write the runtime sees. */
long rt_kernel_copy(long nr, const long a[6], uint64_t site);
/* Right before a SYSCALL event is published: feed (replay) or copy the
 * call's bytes into the data ring (record). */
void rt_io_at_event(struct deja_pending *p, uint64_t seq);
/* A SIGNAL event carrying its siginfo; returns the signal (replay: the
 * recorded one). */
/* What a signal event records: the siginfo its handler sees, and at which
 * of its thread's scheduling points since the thread's last event it was
 * handled (1 for the first; 0 in traces from before it was recorded). */
struct rt_signal_record {
	siginfo_t info;
	uint32_t point;
	uint32_t reserved;
};
int64_t rt_io_signal_event(int sig, struct rt_signal_record *record, uint64_t site);
/* Replay: the signal the recording handled at event `seq` (0: none), and
 * at which point (struct rt_signal_record). */
int rt_io_recorded_signal(uint64_t seq, uint32_t *point);
/* A syscall whose result is known before its event, made an event (io.c). */
long rt_io_emulated_event(long nr, const long a[6], long result, uint64_t site);
/* pause() and rt_sigsuspend(): wait in the model for a signal, as an
 * event (-EINTR); the caller then handles the signal. */
long rt_io_wait_signal(long nr, const long a[6], uint64_t site);
/* rt_sigtimedwait (sigwait, sigwaitinfo, sigtimedwait): take a signal of
 * the set, or wait in the model for one (the program's mask lets the set
 * in meanwhile); an input event, fed back in a replay. */
long rt_io_sigwait(const long a[6], sigset_t *mask, uint64_t site);
/* A syscall run with the program's own signal mask (trap.c). */
long rt_pass_interruptible(long nr, const long a[6], const sigset_t *mask);
/* Nobody can run but threads waiting for input: wait (really) until one's
 * input is ready, or timeout_ns have passed (-1: no limit), and mark the
 * ready ones; false if there is nothing to wait on. */
bool rt_io_wait_external(int64_t timeout_ns);
/* No thread can run, some wait for input, and nothing outside the
 * process can end any wait (closed_world.c): a deadlock. */
bool rt_io_only_closed_waits(void);
/* Record, virtual time, nobody can run before `deadline`: if the wait
 * that times out then reads what only the world gives (a connected
 * socket, a pipe, a terminal), wait for it in real time for as long as
 * its timeout has left; true if it waited. */
bool rt_io_wait_world_before(uint64_t deadline);
/* Mark the threads whose awaited input is there, and only those (before
 * any choice). */
void rt_io_refresh(void);
/* Parallel mode: whether a thread waiting in the kernel (a read, poll,
 * epoll_wait, a blocking write, a wait4) would return now. */
bool rt_io_kernel_wait_ready(void);
/* Parallel mode: the first virtual deadline at which a thread waiting in
 * the kernel has its call's own timeout end it (DEJA_NO_DEADLINE: none). */
uint64_t rt_io_kernel_wait_deadline(void);

/* ---- random.c: the target's randomness ---- */
/* Fill buf with len bytes of the run's entropy (an event); returns len. */
long rt_random(void *buf, uint64_t len, uint64_t site);
void rt_note_open(const char *path, long fd);
/* fd was closed, or is being given another file (dup2, dup3). */
void rt_note_close(long fd);
/* fd_order.c: parallel mode, with threads: whether call nr (arguments a)
 * gives or frees a descriptor number, and so is made as an event, at its
 * turn (rt_fd_order_call), in the recording and in its replay. */
bool rt_fd_order_numbers(long nr, const long a[6]);
long rt_fd_order_call(long nr, const long a[6], uint64_t site);
void rt_note_close_range(unsigned long first, unsigned long last);
bool rt_is_random_fd(long fd);

/* ---- tsc.c: rdtsc and rdtscp ---- */
void rt_tsc_install(void);
/* If the faulting instruction reads the counter, answer it; false if not. */
bool rt_tsc_emulate(greg_t *gregs);

/* ---- fault.c: SIGSEGV, SIGBUS, SIGFPE, SIGILL ---- */
void rt_fault_install(void);
bool rt_is_fault_signal(int sig);
/* rt_sigaction on a fault signal from the target: kept beside the runtime's. */
long rt_fault_sigaction(int sig, const void *act, void *old, unsigned long size);

/* ---- signals.c: asynchronous signals at scheduling points ---- */
bool rt_signal_relayable(int sig);
/* The program has a handler of its own for a signal that may come from
 * outside (not a fault, not SIGPIPE). */
bool rt_signals_handled(void);
/* rt_sigaction from the program for a relayable signal. */
long rt_signal_sigaction(int sig, const struct rt_kernel_sigaction *act,
			 struct rt_kernel_sigaction *old);
/* Run the handlers of the signals pending for this thread (record), or of
 * the signals the recording delivered here (replay). */
void rt_signals_deliver(uint64_t site);
/* kill/tgkill/tkill of the program's own process or of one of its threads
 * with a relayed signal: an event, the signal pending instead of sent;
 * true (with *result) if so. */
bool rt_signal_to_self(long nr, const long a[6], uint64_t site, long *result);
/* Record: the signals the runtime holds pending for this thread or its
 * process (sent to itself, see rt_signal_to_self) that the thread blocks:
 * sigpending() shows them, as the kernel would have them. */
uint64_t rt_signals_held_pending(void);
/* The program's signal mask in this thread (inside the trap, the one it
 * had), and whether a signal it lets through is held for this thread. */
uint64_t rt_signals_program_mask(void);
bool rt_signals_due(void);
/* signalfd() made for these signals: the program reads them from the
 * kernel, so a signal it sends itself among them goes to the kernel too
 * (rt_signal_to_self), where the signalfd sees it. */
void rt_signals_note_signalfd(uint64_t mask);
/* Model thread t is new (or its number serves again, deja_model.
 * reuse_joined): nothing of a thread that had it before stays. */
void rt_signals_thread_new(uint32_t t);
/* A signal the kernel raised for the syscall just run (SIGPIPE): pending for
 * this thread now, so that the call's own scheduling point handles it. */
void rt_signal_take_raised(int sig);
/* At start: relay the signals that end the process by default (while the
 * program leaves them so), so they too act at scheduling points. */
void rt_signals_install(void);
/* The calling thread has executed event seq. */
void rt_signals_note_event(uint64_t seq);
/* In a followed child: no signal is pending for it yet. */
void rt_signals_after_fork(void);
/* exec: the signals waiting for a scheduling point go back to the kernel
 * (the exec runs with all blocked); the new image's runtime puts the
 * program's mask back once its relay is installed. */
void rt_signals_before_exec(void);
void rt_signals_after_exec(uint64_t mask);
/* A signal for the process (thread -1) or one model thread, from a timer:
 * pending (record), waking the thread that is to take it if it waits in
 * the model; false if the program ignores it (nothing is pending). */
bool rt_signal_post(int sig, int thread, const siginfo_t *info);
/* Record, at each choice: wake a waiting thread for each signal pending
 * for the process that no running thread can take. */
void rt_signals_route(void);
/* Interrupt thread t's wait in the model, if it waits and lets sig in. */
void rt_signals_wake(uint32_t t, int sig);
/* The calling thread gives up the baton: note the mask it waits under. */
void rt_signals_publish_mask(void);
/* The calling thread's signal mask may have changed outside the trap. */
void rt_signals_mask_changed(void);
/* After a wait a signal interrupted: true unless a handler without
 * SA_RESTART ran at that scheduling point. */
bool rt_signals_restart(void);
/* sigsuspend() is over: the trap's mask goes back to `original`, at once
 * or, when a handler is due, once it has run (under the suspend mask). */
void rt_signals_suspend_end(uint64_t original, sigset_t *trap_mask);
/* The signals every live thread blocks (as last published): when nobody
 * can run and the runtime waits for the world, the rest may come in. */
uint64_t rt_signals_blocked_by_all(void);
/* The calling thread waits in sigwait() for `set` (0: no longer). */
void rt_signals_sigwaiting(uint64_t set);
/* The model thread of a thread id the program passes (the recorded one in
 * a replay), or -1. */
int rt_signal_thread_of(long tid);
/* Record, sigwait: take the lowest signal of `set` pending for this thread
 * or its process (or in the kernel), with its siginfo; 0 if none. */
int rt_signal_take_in(uint64_t set, siginfo_t *info);

/* ---- timers.c: alarm, setitimer, POSIX timers on the virtual clock ---- */
/* At start, in a forked child, in an exec'd image: no timer armed. */
void rt_timers_reset(void);
/* exec: the interval timers go into the channel, and the next image's
 * runtime takes them back (they survive exec natively). */
void rt_timers_before_exec(void);
void rt_timers_after_exec(void);
/* At each choice and event: fire the timers the virtual clock has
 * reached; true if any did. */
bool rt_timers_check(void);
/* A signal was handled: a timer's next expiry signals again. */
void rt_timers_handled(int sig);
/* alarm, setitimer, getitimer, timer_create, timer_settime,
 * timer_gettime, timer_getoverrun, timer_delete, timerfd_create,
 * timerfd_settime, timerfd_gettime. */
long rt_timer_syscall(long nr, const long a[6]);
/* fd was closed or replaced: a timerfd's timer goes with it. */
void rt_timers_forget_fd(long fd);

/* ---- exec.c ---- */
/* execve/execveat: hand the run to the new image. */
long rt_exec(long nr, const long a[6], uint64_t site);
/* In a new image whose predecessor exec'd: the model thread to continue. */
uint32_t rt_exec_continue(void);
/* Unblock RT_OWN_SIGNALS in the calling thread. */
void rt_unblock_own_signals(void);

/* ---- output_order.c: outputs in the recorded order across processes ---- */
/* Map the tree's page from fd (DEJA_TREE_FD). */
void rt_output_order_attach(long fd);
/* Record: the number of the output just made (0 without the page). */
uint32_t rt_output_order_take(void);
/* Replay: wait until the outputs numbered before seq are made (0: none). */
void rt_output_order_wait(uint32_t seq);
/* Replay: output seq is made. */
void rt_output_order_done(uint32_t seq);

/* ---- proc_socket.c: a question to the supervisor ---- */
enum rt_ask_status {
	RT_ASK_OK,
	RT_ASK_NO_PAIR,   /* no socket pair for the answer */
	RT_ASK_NOT_SENT,  /* the process socket is gone (or was never given) */
	RT_ASK_NO_ANSWER, /* no answer, or one of another size */
};
/* Send `question` on the process socket and wait for an answer of exactly
 * `alen` bytes; *fd gets the descriptor it carried, or -1. */
enum rt_ask_status rt_proc_ask(const void *question, size_t qlen, void *answer, size_t alen,
			       int *fd);

/* ---- spawn_report.c: a vfork-style clone's child that failed ---- */
/* In the parent, right before the clone: the pipe the child reports on. */
void rt_spawn_report_open(void);
/* In the child, right after the clone. */
void rt_spawn_report_child(void);
/* In the parent after the fork event (pid: the clone's result, shown: the
 * pid the program is shown): waits for the child's exec or end; the
 * clone's result, -errno when the child failed to spawn. */
long rt_spawn_report_wait(long pid, long shown);
/* At exit_group (status: its argument): a child that failed to spawn
 * tells its parent why. */
void rt_spawn_report_exit(long status);

/* ---- fork.c: following forked children ---- */
/* Right before a fork's clone: claim its index; true if the child will
 * be followed. */
bool rt_fork_before(void);
/* In the parent after the clone (r: its result): the `fork` event;
 * returns the pid the program is shown. */
long rt_fork_parent(long r, uint64_t site);
/* In the child right after the clone: get a channel of its own and
 * record thread_start, or run unscheduled. */
void rt_fork_child(void);
/* glibc's atfork child handler. */
void rt_fork_child_after_libc(void);
/* wait4 in a process whose children are followed: a `reap` event, and in
 * a replay the recorded result (true, with *result); false: run it as
 * usual. */
bool rt_fork_wait4(const long a[6], const sigset_t *mask, uint64_t site, long *result);
/* waitid (arguments a) made as that wait4, when wait4 can say what it
 * asks (not WNOWAIT, not a pidfd): its status becomes the siginfo; false
 * when it is not. */
bool rt_fork_waitid(const long a[6], const sigset_t *mask, uint64_t site, long *result);
/* The REAP event of a wait4 (arguments a) that gave r: its child's fork
 * index, its status, the clock caught up with the child's end. */
void rt_fork_reap_fill(struct deja_pending *p, const long a[6], long r);
/* A wait4 (arguments a) in a managed thread: its REAP event.  Record, a
 * wait4 that would block: the event waits, as an input does, until a
 * child it waits for has ended, with the other threads running, and the
 * wait4 runs at the event.  Replay: the event gives the recorded result
 * and status.  Returns what the program gets. */
long rt_io_reap_waiting(const long a[6], uint64_t site);
/* Record, every thread in a timed wait that ends at virtual time
 * `deadline`: while a child process still runs, give it that much real
 * time (or until a child ends) before the clock jumps there. */
void rt_fork_let_children_run(uint64_t deadline);

/* ---- pids.c: children's pids in a replay ---- */
void rt_pids_note_child(uint32_t fork_index, long real_pid);
/* The pid the program is shown for its fork fork_index. */
long rt_pids_shown_child(uint32_t fork_index, long real_pid);
/* The real pid of a followed child by the pid the program was shown, or -1. */
long rt_pids_real_child(long shown_pid);
/* Replay: the real pid of a reaped process by the pid the program was
 * shown: a child, or (a subreaper's) another process of the tree; -1. */
long rt_pids_real_reaped(long shown_pid);
/* The fork index of a followed child by its real pid, or -1. */
long rt_pids_child_index(long real_pid);
/* Replay: a kill() (its pid already the real one) of a followed child, or
 * of the process group one leads, is not sent.  The child replays its
 * recorded run, its recorded signals included, and ends where it did
 * (replay_end_signal); a replay does not wait as its recording did, so a
 * real signal would reach it early: SIGKILL cut it short, and any signal
 * killed it before its runtime was there to take it (just after an
 * exec). */
bool rt_pids_kill_held_back(long nr, const long a[6]);
/* ---- group_kill.c ---- */
/* kill(0, sig) or kill(-pgrp, sig) (a[], pid already real): true with
 * *result when taken here: in a recording, of deja's own group, the other
 * processes of the run's tree in it get it from the supervisor and the
 * caller, if in it, takes its share as a signal to itself (another group
 * is left to the kernel: false); a replay sends nothing. */
bool rt_group_kill(const long a[6], uint64_t site, long *result);

/* A descriptor was closed: no longer a pidfd of the tree's (replay). */
void rt_pids_forget_fd(long fd);
/* The shown id of a real pid a wait returned. */
long rt_pids_shown(long real_pid);
void rt_pids_forget_children(void);

/* ---- interpose_misc.c ---- */
/* A virtual sleep (clock_nanosleep's arguments); 0, EINVAL, or EINTR
 * when a signal interrupted it, with the time left in *rem (if not NULL,
 * and the sleep is relative). */
int rt_sleep(clockid_t clock, int flags, const struct timespec *req, struct timespec *rem,
	     uint64_t site);
void rt_yield(uint64_t site);
/* Between two attempts at something another thread or process must make
 * possible (a shared semaphore's post, a FIFO's other end): 1 ms of
 * virtual sleep, in which other threads run and timeouts come, and in a
 * recording 0.1 ms of real time for other processes.  0, or EINTR when a
 * signal interrupted the sleep. */
int rt_retry_pause(uint64_t site);
/* The same after `tries` failed attempts at a wait that may last (a file
 * lock another process holds): 1 ms, doubling up to 16 ms; in a
 * recording, when no other thread of the program can run, as much real
 * time (a recording waiting on another process's lock for seconds makes
 * a few events a second, not thousands). */
int rt_retry_backoff(uint64_t site, unsigned tries);

/* ---- interpose_thread.c ---- */
/* A cancellation point (POSIX's list) that the runtime answers itself
 * instead of glibc: acts on a pending cancellation request as glibc's
 * own would (pthread_testcancel).  Called before the call waits and after
 * it has waited, where the thread holds what the call gives back (a
 * condition wait's mutex), as POSIX has the cleanup handlers find it.
 * A managed thread acts only on a request whose CANCEL event came before
 * its own last event (rt_cancel_note_event), so the events decide it. */
void rt_cancel_point(void);
/* pthread_cancel has asked this thread to end, by an event before the
 * thread's own last one, and it has cancellation enabled: an interrupted
 * wait at a cancellation point then ends rather than waiting again, so
 * that the thread acts on the request. */
bool rt_cancel_requested(void);
/* The request's CANCEL event has been made, whenever: what a wait in the
 * kernel looks for (input_waits.c), to end as a signal would end it. */
bool rt_cancel_arrived(void);
/* After each of the thread's own events: note whether a request stands. */
void rt_cancel_note_event(void);
void rt_threads_after_fork_child(void);

#endif /* DEJA_RUNTIME_H */
