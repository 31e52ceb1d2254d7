/*
 * protocol.h: the one boundary between the supervisor (deja) and the runtime
 * (libdeja-runtime.so, LD_PRELOADed into the target).
 *
 * The two sides share one memfd, mapped MAP_SHARED by both.  Its layout is
 * struct deja_shared, followed by the follow-schedule array.  The runtime
 * owns the scheduler model inside it (threads, objects, virtual clock) and
 * appends events to the ring; the supervisor drains the ring into the trace
 * and, after the target has ended, reads the model to report the outcome
 * (deadlock wait-for graph, thread table).  Because everything the runtime
 * writes is already outside the target, a crash or SIGKILL loses nothing.
 *
 * Any change to a struct here, or to the order of ops.def, or to the
 * syscall marker and announcements the two sides share through the
 * seccomp filter (syscall_marker.h), must bump DEJA_PROTOCOL_VERSION.  The
 * runtime refuses a mismatched supervisor.
 *
 * Only fixed-width types: the same header is compiled into both sides.
 */
#ifndef DEJA_PROTOCOL_H
#define DEJA_PROTOCOL_H

#include <stdint.h>

#define DEJA_PROTOCOL_VERSION 59u

/* deja_shared.stdio_kinds: descriptor fd's file type (a st_mode's S_IFMT
 * bits) as the four bits it is kept in, and back. */
#define DEJA_STDIO_KIND_BITS(mode, fd) ((uint32_t)(((mode) >> 12) & 0xfu) << (4 * (fd)))
#define DEJA_STDIO_KIND(kinds, fd) ((((uint32_t)(kinds) >> (4 * (fd))) & 0xfu) << 12)

/* Said by the runtime's end of a parallel replay whose thread is stuck on
 * a lock in memory (baton.c, rt_model_end_stuck), which explains that
 * divergence itself: the replayer adds no hint of its own to a message
 * that says it (replay.c). */
#define DEJA_PARALLEL_UNSTEERED "parallel mode cannot steer what threads share in memory"

#define DEJA_SHARED_MAGIC 0x414a4544u /* "DEJA" little-endian */

/* Environment variables the supervisor sets for the target. */
#define DEJA_ENV_SHM_FD "DEJA_SHM_FD"
/* The process socket (runtime/fork.c): a forked child asks the supervisor
 * for a channel of its own through it. */
#define DEJA_ENV_PROC_FD "DEJA_PROC_FD"
/* The tree's page (struct deja_tree, runtime/output_order.c): shared by
 * every process of the target's tree, inherited down it and through exec. */
#define DEJA_ENV_TREE_FD "DEJA_TREE_FD"
/* Their values' width, zero-padded: the same every run, whatever the
 * numbers, so that the program's argv and environment, which lie after
 * them on the stack, keep their addresses from a record to its replay. */
#define DEJA_ENV_FD_WIDTH 5
/* LD_PRELOAD names the runtime padded with spaces (which the dynamic
 * loader skips, as separators) to this width, for the same reason: a
 * replay by a deja in another directory than the recording's keeps the
 * program's argv and environment where they were. */
#define DEJA_ENV_PRELOAD_WIDTH DEJA_PATH_MAX

#define DEJA_MAX_THREADS 1024u
#define DEJA_OBJECT_SLOTS 32768u /* power of two: open-addressing table */
#define DEJA_RING_EVENTS 65536u  /* power of two */
/* Power of two.  Each page of the channel costs both sides a fault on
 * first touch, and a ring that stays in the caches is cheaper to go
 * round: 4 MiB recorded read_file's 64 MiB with about 13 ms less CPU and
 * 9 ms less wall time than 16 MiB did; a program reading faster than
 * deja keeps waits for room either way. */
#define DEJA_DATA_RING_BYTES (4u << 20)
#define DEJA_MAX_MODULES 256u
#define DEJA_PATH_MAX 512u
#define DEJA_MESSAGE_MAX 512u
#define DEJA_MAX_CHILDREN 16384u /* forks per process whose pids a replay shows and whose waits it replays */

/* Virtual nanoseconds added to the virtual clock per scheduling step. */
#define DEJA_TICK_NS 1000u

/* Virtual time: one clock read in this many since its thread's last
 * event is an event (clock_read), a scheduling point; in parallel mode the
 * others read the thread's own clock, which that event moves the run's up
 * to (runtime/clock.c).  A trace replays only with the number it was
 * recorded with. */
#define DEJA_CLOCK_READS_PER_EVENT 256u

/* The program's own pthread_testcancel: one call in this many since its
 * thread's last event, with no request seen, is a yield, so that a loop
 * that polls for its cancellation lets the canceller run (runtime/
 * interpose_thread.c).  A trace replays only with the number it was
 * recorded with. */
#define DEJA_TESTCANCELS_PER_YIELD 64u

/* Timeslices (docs/architecture.md, Timeslices).  Code built with `deja
 * cflags` that passes this many ticks without a scheduling point stops at
 * a `timeslice` event, under every serialised strategy, and the virtual
 * clock moves on by DEJA_TIMESLICE_NS (about a nanosecond per tick), so
 * that a thread spinning on a flag lets the others run and a timer fires
 * during a computation.  Uninstrumented code that runs DEJA_INTERRUPT_MS
 * of real time without a scheduling point while another thread could run
 * or a timer is armed is interrupted by the supervisor with
 * DEJA_SIG_INTERRUPT and stops at an `interrupt` event
 * (runtime/interrupts.c). */
#define DEJA_TIMESLICE_TICKS (1ull << 20)
#define DEJA_TIMESLICE_NS (1ull << 20)
#define DEJA_INTERRUPT_MS 5u
#define DEJA_SIG_INTERRUPT 64

/* A thread that makes scheduling points but never blocks (it polls a flag
 * under a lock, or retries a trylock) would keep the right to run for ever
 * under a strategy that keeps the current thread running while it can
 * (nonpreemptive, pct): after this many events in a row, while another
 * thread could run, it is passed over once, as if it had yielded
 * (scheduler.c, long_run): about a tenth of a second of such a loop.
 * A prime: a loop of a fixed number of events (a CPython thread running
 * Python lines under --python-lines drops and takes its GIL in 8 events a
 * line) ends each turn at another point of its cycle, where a power of two
 * ended every turn at the same one (the GIL held), and the waiter never got
 * the GIL. */
#define DEJA_SLICE_EVENTS 65537u
/* For this many events after its turn ended, that thread is passed over
 * again wherever another can run: the thread it polled for may need more
 * than one event to get anywhere (its start, then the lock the poller
 * takes and releases each time round), and got one per turn, so a correct
 * program polling under a lock ran into deja hunt's step budget. */
#define DEJA_TURN_GRACE_EVENTS 64u

enum deja_object_kind {
	DEJA_OBJ_NONE = 0,
	DEJA_OBJ_MUTEX,
	DEJA_OBJ_COND,
	DEJA_OBJ_RWLOCK,
	DEJA_OBJ_SEM,
	DEJA_OBJ_BARRIER,
	DEJA_OBJ_SPIN,
	DEJA_OBJ_ONCE,
	DEJA_OBJ_FUTEX,
	DEJA_OBJ_TOMBSTONE, /* slot of a destroyed object, reusable */
	DEJA_OBJ_FILE_LOCK, /* the file locks of the process (file_locks.c) */
	DEJA_OBJ_STREAM,    /* a stdio FILE's lock, a recursive mutex (interpose_stdio.c) */
};

enum deja_op {
#define DEJA_OP(name, text, kind) DEJA_OP_##name,
#include "ops.def"
#undef DEJA_OP
	DEJA_OP_COUNT
};

enum deja_mode {
	DEJA_MODE_RECORD = 1,
	DEJA_MODE_REPLAY = 2,
};

/* How a run ended.  The supervisor fills EXIT and SIGNAL from waitpid; the
 * runtime sets the others in deja_shared.outcome before it ends the process. */
enum deja_outcome_kind {
	DEJA_OUTCOME_NONE = 0,
	DEJA_OUTCOME_EXIT,
	DEJA_OUTCOME_SIGNAL,
	DEJA_OUTCOME_DEADLOCK,
	DEJA_OUTCOME_TIMEOUT,
	DEJA_OUTCOME_DIVERGENCE,
	DEJA_OUTCOME_ERROR, /* the runtime could not go on (message says why) */
};

/* Exit status the runtime uses when it ends the process itself; the real
 * outcome is in deja_shared.outcome. */
#define DEJA_RUNTIME_EXIT_STATUS 86

enum deja_thread_state {
	DEJA_THREAD_UNUSED = 0,
	DEJA_THREAD_LIVE,     /* has a pending operation */
	DEJA_THREAD_FINISHED, /* returned from its start routine or exited */
};

/* Event flags. */
#define DEJA_EVENT_PREEMPT 0x1u   /* the scheduler switched away from a thread that could go on */
#define DEJA_EVENT_SWITCH 0x2u    /* a different thread than the previous event's */
#define DEJA_EVENT_TIMED_OUT 0x4u /* a timed wait that timed out */
#define DEJA_EVENT_SOURCE 0x8u    /* its data starts with the input's source */
/* No other thread of the process was live before it: of a stretch of
 * such events, only the first counts towards its thread's script position
 * (struct deja_script_entry, deja_script_counts). */
#define DEJA_EVENT_ALONE 0x10u
/* A part of a write that would have waited (runtime/outputs.c): the call goes
 * on in its thread's next event, with the bytes left. */
#define DEJA_EVENT_PART 0x20u
/* Chosen where the running thread's turn had ended (DEJA_SLICE_EVENTS):
 * the scheduler treated it as yielding, so a script's default switches
 * away there, and a run that went on with it has a "stay". */
#define DEJA_EVENT_TURN 0x40u
/* Parallel replay: a yield or a sleep, which stands for its thread's next
 * recorded one wherever that was made (how often, and in which spin or
 * polling loop, a thread yields or sleeps depends on how the threads ran:
 * runtime/baton.c); the supervisor takes the recorded call site and
 * argument. */
#define DEJA_EVENT_SPIN 0x80u

/* Mutex subtypes, as glibc numbers them in pthread_mutex_t.__kind. */
#define DEJA_MUTEX_NORMAL 0u
#define DEJA_MUTEX_RECURSIVE 1u
#define DEJA_MUTEX_ERRORCHECK 2u
/* The rwlock subtype that prefers writers, as glibc numbers its kinds in
 * pthread_rwlock_t.__flags (PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP;
 * glibc's PREFER_WRITER_NP behaves as PREFER_READER_NP, the default). */
#define DEJA_RWLOCK_PREFER_WRITER_NONRECURSIVE 2u

#define DEJA_NO_THREAD UINT32_MAX
#define DEJA_NO_DEADLINE UINT64_MAX
#define DEJA_NO_TICK UINT64_MAX

/* A follow-schedule entry: the thread that ran event i, and flags. */
#define DEJA_SCHEDULE_TIMEOUT 0x80000000u     /* that event was a fired timeout */
#define DEJA_SCHEDULE_SIGNAL_NEXT 0x40000000u /* its thread's next event is a signal */
#define DEJA_SCHEDULE_YIELD 0x20000000u       /* that event was a sched_yield */
#define DEJA_SCHEDULE_SLEEP 0x10000000u       /* that event was a sleep */
/* Both: that event was a clock read that a parallel replay makes where
 * the thread gets to it, as a spin (runtime/clock.c). */
#define DEJA_SCHEDULE_CLOCK (DEJA_SCHEDULE_YIELD | DEJA_SCHEDULE_SLEEP)
/* That event was a read lock of an rwlock refused (EBUSY, ETIMEDOUT). */
#define DEJA_SCHEDULE_REFUSED 0x08000000u
#define DEJA_SCHEDULE_THREAD 0x07ffffffu

/* A replay's stop for the next event of an event's thread
 * (deja_shared.ticks_offset): DEJA_NO_TICK, a tick count, or this bit with
 * the index of a struct deja_interrupt_stop (runtime/interrupts.c). */
#define DEJA_STOP_INTERRUPT (1ull << 62)

/* Where a recording stopped a spinning thread: the instruction, and the
 * xxh3 of its general registers there (the INTERRUPT event's site, arg). */
struct deja_interrupt_stop {
	uint64_t ip;
	uint64_t regs;
};

/* A script entry (strategy `script`): when thread `thread` has executed
 * `after` events and a choice comes, run thread `to` if it can go on (or
 * can time out).  Every other choice is the nonpreemptive one.  Keyed by
 * the thread's own event count, so dropping one entry leaves the others
 * meaning what they meant: shrink and iterative preemption bounding edit
 * schedules in this form.  Sorted by (thread, after).  A stretch of
 * events a thread made alone (DEJA_EVENT_ALONE) counts as one: what it
 * does alone, such as CPython listing its script's directory on import,
 * decides nothing and may vary from run to run (the directory has more
 * files) without moving the entries.
 *
 * With `tick` set, the switch comes inside plain code (ticks.c): after
 * its `after` events the thread stops at its tick `tick` (its next
 * operation is that stop), and the choice made there runs `to`. */
struct deja_script_entry {
	uint32_t thread;
	uint32_t to;
	uint64_t after;
	uint64_t tick; /* 0: at the thread's own scheduling point */
};

/* One synchronisation object of the target, keyed by its address. */
struct deja_object {
	uint64_t addr;
	uint32_t id;      /* 1-based, in order of first use: stable across runs
			   * (0: none yet, deja_model.ids_at_events) */
	uint16_t kind;    /* enum deja_object_kind */
	uint16_t subtype; /* mutex type; rwlock kind */
	uint32_t owner;   /* holding thread (mutex, spin, rwlock writer) */
	int32_t count;    /* recursion depth, semaphore value, readers */
	uint32_t limit;   /* barrier size; a semaphore's initial value */
	uint32_t generation; /* barrier round; once state; file lock changes;
			      * a lock-like semaphore's taker + 1 */
};

/* What a thread is about to do, or is blocked doing. */
struct deja_pending {
	uint16_t op;
	uint16_t timed;     /* may time out at deadline */
	uint32_t object;    /* slot index + 1 of the object, 0 for none */
	uint32_t object2;   /* slot + 1: the mutex of a condition wait */
	uint32_t woken;     /* a signal/wake arrived for this wait */
	uint64_t arg;       /* op-specific: join target, futex value, wake count,
	                     * the thread holding a file lock */
	uint64_t deadline;  /* virtual ns; DEJA_NO_DEADLINE when none */
	uint64_t wait_seq;  /* order of arrival at the wait, for FIFO wakeups */
	uint64_t site;      /* return address of the call, in the target */
	int64_t value;      /* SYSCALL: the syscall's result; RANDOM: the buffer;
	                     * FILE_LOCK_WAIT: the generation its attempt saw */
	uint64_t data;      /* SYSCALL: xxh3 of the bytes it sent or got */
	uint32_t data_len;  /* SYSCALL: bytes it got (recorded in the data ring) */
	uint32_t flags;     /* DEJA_EVENT_SOURCE */
	uint64_t wait_io;   /* SYSCALL: waits for input (the runtime's struct rt_io) */
	uint32_t may_block; /* SYSCALL: an input that may block: a point to switch at */
	uint32_t interrupt; /* DEJA_INTERRUPT_*: this wait and signals */
	uint32_t output_seq; /* SYSCALL: an output's place in the tree (deja_event.output_seq) */
	/* RW_RDLOCK, RW_TRYRDLOCK, parallel replay: whether a waiting writer
	 * kept the reader out, as the recording found it (DEJA_KEPT_OUT_*;
	 * 0: the model decides, model.c readers_kept_out). */
	uint32_t kept_out;
};

/* deja_pending.arg of a THREAD_EXIT made by a raw exit syscall: the
 * thread's last act, after which glibc has counted it gone (the process's
 * first thread after pthread_exit: the thread left last exits the
 * process).  Chosen at once when it holds the turn: another thread chosen
 * first could end last by glibc's count and exit the process while this
 * one's exit was due, its event made in one run and not another. */
#define DEJA_THREAD_EXIT_AT_ONCE 1u

#define DEJA_KEPT_OUT_NO 1u
#define DEJA_KEPT_OUT_YES 2u

/* deja_pending.interrupt.  A signal made pending for a thread that waits
 * in the model (runtime/signals.c) sets INTERRUPTED: the wait can go on at
 * once, and ends with -EINTR (the runtime then returns EINTR, or runs the
 * handler and waits again, as the kernel would); a condition wait wakes
 * (a spurious wakeup) once its mutex is free.  SIGNAL_ONLY: the wait ends
 * only so (pause(), sigsuspend()). */
#define DEJA_INTERRUPT_INTERRUPTED 0x1u
#define DEJA_INTERRUPT_SIGNAL_ONLY 0x2u

/* A file lock attempt (runtime/file_locks.c) that found the lock held
 * through another open file of the same process, descriptor fd, is
 * recorded with the result DEJA_LOCK_HELD_HERE - fd: below every errno,
 * and never a result the program sees.  A replay waits as it did. */
#define DEJA_LOCK_HELD_HERE (-4096L)

struct deja_thread {
	uint32_t state; /* enum deja_thread_state */
	uint32_t baton; /* futex word: 1 when this thread holds the right to run */
	int32_t os_tid;
	uint32_t detached;
	uint32_t parked;        /* parallel mode: waiting in the runtime for its turn */
	uint32_t fire_timeout;  /* parallel mode: chosen to time out */
	uint64_t start_routine; /* for reports */
	uint64_t events;        /* events this thread executed */
	/* Its position for scripts (struct deja_script_entry's `after`):
	 * its events that count by deja_script_counts (scheduler/script.h). */
	uint64_t script_events;
	/* pthread_cancel asked this thread to end (a CANCEL event), and
	 * whether it has cancellation disabled (pthread_setcancelstate): a
	 * request for an enabled thread that waits at a cancellation point
	 * ends the wait, so that it acts on the request (model.c). */
	uint32_t cancel_requested;
	uint32_t cancel_disabled;
	/* Another thread has joined it (its real thread is gone by the
	 * joiner's next scheduling point): its number may serve again. */
	uint32_t joined;
	uint32_t reserved_joined;
	struct deja_pending pending;
};

/* One loaded ELF object of the target, for symbolising call sites. */
struct deja_module {
	uint64_t base; /* load bias */
	uint64_t lo, hi;
	uint32_t image; /* the image it was loaded into (deja_event.image) */
	uint32_t reserved_image;
	char path[DEJA_PATH_MAX];
};

/* One event as the runtime writes it into the ring. */
struct deja_event {
	uint64_t seq;
	uint64_t object_addr;
	uint64_t site;
	int64_t result;
	uint64_t arg;
	uint64_t vtime;
	uint64_t data;   /* SYSCALL: xxh3 of the bytes the call sent, else 0 */
	uint32_t thread;
	uint32_t object; /* object id, 0 for none */
	uint16_t op;
	uint16_t flags;
	uint32_t data_len; /* bytes this event put in the data ring */
	/* The choice that picked this event's thread, for iterative
	 * preemption bounding (the supervisor's search, not the trace or
	 * the digest): bit t is set when thread t (t < 64) could have been
	 * picked, because it was enabled or could time out early; 0 when
	 * no strategy was asked.  choice_free: switching away from the
	 * previous thread there was no preemption (it could not go on, or
	 * it yields). */
	uint64_t choosable;
	uint32_t choice_free;
	/* The process's image the event happened in: 0 as the process
	 * started (a forked child's is its parent's image then), one more
	 * after each exec.  Call sites are symbolised per image. */
	uint32_t image;
	/* The Python line the thread last ticked at (deja --python-lines,
	 * runtime/python/sitecustomize.py): its code object's key (named in
	 * deja_shared.python_codes) and line; 0 when none.  For people only:
	 * neither the digest nor a replay's comparison of events reads them. */
	uint64_t py_code;
	uint32_t py_line;
	/* An output's place among the outputs of the whole process tree
	 * (1, 2, ...; runtime/output_order.c), 0 for any other event.
	 * Timing, not the program: not in the digest. */
	uint32_t output_seq;
};

/* A Python code object's names (runtime/ticks.c, __deja_python_code):
 * its key as events carry it (deja_event.py_code), the image it was
 * named in, and "file\0qualname\0" (cut to fit).  `ready` is set last:
 * a slot taken but not yet filled when the process ended is skipped. */
#define DEJA_PYTHON_CODES 1024u
#define DEJA_PYTHON_NAME_MAX 240u
struct deja_python_code {
	uint64_t code;
	uint32_t image;
	uint32_t ready;
	char names[DEJA_PYTHON_NAME_MAX];
};

/* The page every process of the target's tree shares (one memfd, handed
 * down like the process socket; runtime/output_order.c).  A recorded
 * output takes the next number here (deja_event.output_seq), and a
 * replayed one waits until the outputs before it are made, so that what
 * several processes write to one terminal or file comes out in the
 * recorded order.  `outputs`: outputs made so far; `waiters`: replayed
 * outputs waiting; `off`: set by the supervisor when a replay is stopped
 * (a divergence, an interrupt), after which nobody waits. */
struct deja_tree {
	uint32_t magic;
	uint32_t version;
	uint32_t outputs;
	uint32_t waiters;
	uint32_t off;
	uint32_t reserved;
};

/* Replay: what an input syscall gave when it was recorded.  The bytes are
 * at `offset` in the feed's byte area.  bytes_xxh3 is their xxh3, as the
 * supervisor read them from the trace: it is set before the bytes are
 * (before feed_filled passes them, when they stream in), so that the
 * program does not hash again what it is fed (runtime/io.c, feed). */
struct deja_feed {
	uint64_t seq;
	int64_t result;
	uint64_t offset;
	uint64_t len;
	int64_t nr; /* the recorded syscall's number; -1 for a signal or reap */
	uint64_t digest; /* the event's data: for an output, xxh3 of what it sent */
	uint32_t flags;  /* the event's DEJA_EVENT_PART */
	uint32_t output_seq; /* the event's deja_event.output_seq */
	uint64_t bytes_xxh3; /* len > 0: the xxh3 of the entry's bytes */
};

/* Coverage of scheduling points per thread (runtime/ticks.c): ticks passed
 * up to the thread's last point, the most ticks between two of its events,
 * and the longest real time it ran between two events passing no tick while
 * another thread was live (code deja could not preempt, where a race could
 * hide); and the tick at which it stands, offered
 * a preemption, until it goes on (DEJA_NO_TICK otherwise), or the
 * interrupt it stands at, a spin stopped (runtime/interrupts.c: its
 * instruction and registers' hash; stopped_ip 0 otherwise): a run that
 * ends meanwhile leaves it there for the replay. */
struct deja_tick_coverage {
	uint64_t ticks;
	uint64_t longest_ticks;
	uint64_t longest_dark_ns;
	uint64_t stopped_tick;
	uint64_t stopped_ip;
	uint64_t stopped_regs;
};

/* The scheduler model: everything the serialised scheduler decides from. */
struct deja_model {
	uint32_t nthreads;     /* slots used so far (threads are never reused) */
	uint32_t current;      /* thread that executed the last event */
	uint32_t next_object_id;
	uint32_t nobjects;     /* live + tombstone slots in use */
	uint64_t vclock;       /* virtual ns since the start of the run */
	uint64_t steps;        /* events executed */
	uint64_t preemptions;
	uint64_t switches;
	uint64_t max_steps;    /* 0: no budget */
	/* Once DEJA_MAX_THREADS numbers are used, a new thread takes the
	 * lowest number of a finished, joined thread (serialised mode only:
	 * threads running in parallel write their own entries to their end). */
	uint32_t reuse_joined;
	/* Threads in state LIVE (deja_model_add_thread, deja_model_finish). */
	uint32_t live_threads;
	/* The last event was DEJA_EVENT_ALONE (deja_script_counts). */
	uint32_t last_alone;
	uint64_t wait_seq;
	/* Handed from the thread that chose to the thread chosen. */
	uint32_t chosen_timed_out;
	uint32_t chosen_flags;
	uint32_t chosen_free;     /* struct deja_event.choice_free */
	/* Objects are numbered at their first event, not when a thread first
	 * reaches them (parallel mode: threads reach them in any order, and
	 * a replay's thread reaches its operation before its turn). */
	uint32_t ids_at_events;
	uint64_t chosen_choosable; /* struct deja_event.choosable */
	/* Parallel mode: threads running target code (not parked). */
	uint32_t running;
	uint32_t stall_polls;
	/* Strategy. */
	uint32_t strategy;     /* index into the strategy table */
	uint32_t strategy_param;
	uint64_t seed;
	uint64_t prng;         /* strategy's PRNG state */
	uint64_t entropy;      /* the target's randomness (getrandom, /dev/urandom) */
	uint64_t prng_out;     /* the last entropy word drawn */
	uint64_t rr_next;      /* round-robin cursor */
	/* PCT: the expected length of a run (steps), its change points, and a
	 * priority per thread (0: not given yet; higher runs first). */
	uint64_t pct_steps;
	uint64_t pct_change[8];
	uint32_t pct_priority[DEJA_MAX_THREADS];
	/* POS: the object of the last executed operation, and per thread the
	 * pending operation (its wait_seq) that its priority belongs to. */
	uint32_t last_object;
	uint64_t pos_event[DEJA_MAX_THREADS];
	/* SURW: each thread's events in an earlier run (0: unknown). */
	uint32_t surw_events[DEJA_MAX_THREADS];
	struct deja_thread threads[DEJA_MAX_THREADS];
	struct deja_object objects[DEJA_OBJECT_SLOTS];
	/* Placed last, so that the hot fields above keep the cache layout they
	 * had before ticks (struct deja_thread in particular: threads running
	 * in parallel write their own entries). */
	/* Ticks (runtime/ticks.c): their own PRNG, so that an uninstrumented
	 * program draws exactly what it drew before ticks existed; ticks
	 * passed by all threads up to their last scheduling point; TICK
	 * events so far (offers stop at half the step budget); the ticks a
	 * run is expected to pass (deja hunt: the most it has seen; 0 if
	 * unknown); random's mean gap between offered preemptions; pct's
	 * change points by tick count and which have passed. */
	uint64_t tick_prng;
	uint64_t ticks;
	uint64_t expected_ticks;
	uint64_t tick_gap;
	uint64_t pct_tick_change[8];
	uint32_t pct_tick_passed;  /* bit i: pct_tick_change[i] has passed */
	uint32_t reserved_ticks;
	struct deja_tick_coverage coverage[DEJA_MAX_THREADS];
	/* Virtual timers (runtime/timers.c: alarm, setitimer, timer_create):
	 * the earliest deadline of an armed one (virtual ns), or
	 * DEJA_NO_DEADLINE.  When nobody can run, the clock jumps to it as to
	 * a timed wait's deadline (DEJA_DECIDE_TIMER, scheduler.h). */
	uint64_t timer_deadline;
	/* Events in a row by `current` (DEJA_SLICE_EVENTS). */
	uint64_t current_run;
	/* The thread whose turn ended last, and the step until which it is
	 * still passed over wherever another thread can run
	 * (DEJA_TURN_GRACE_EVENTS; turn_until 0: none). */
	uint64_t turn_until;
	uint32_t turn_thread;
	uint32_t turn_pad;
};

/* A forked child's request for a channel of its own (runtime/fork.c,
 * recorder/processes.c): sent on the process socket with one descriptor
 * (SCM_RIGHTS), the child's end of a private socket pair, on which the
 * answer comes.  The child is named by its parent's process number and
 * its place among the parent's forks, which are the same in every run of
 * the same schedule; the pid is only for the supervisor to watch it. */
#define DEJA_HELLO_MAGIC 0x4b524f46u /* "FORK" */
struct deja_hello {
	uint32_t magic;
	uint32_t version;
	uint32_t parent;     /* the parent's process number (0: the top process) */
	uint32_t fork_index; /* the parent's forks before this one */
	int32_t pid;
	uint32_t run_id;     /* the run the parent belongs to (deja_shared.run_id) */
	uint64_t vclock;     /* the parent's virtual clock at the fork */
};

/* The supervisor's answer: a channel (the memfd, SCM_RIGHTS) set up with
 * the child's model (one thread, the clock continuing from the parent's)
 * and, in a replay, its recorded schedule and inputs; or a refusal
 * (status != 0, message says why: a replay met a child the recording
 * did not have). */
struct deja_answer {
	int32_t status;
	uint32_t process;    /* the child's process number */
	char message[256];
};

/* A process that has just reaped a child asks, the same way (a private
 * socket pair's end attached), where the child's virtual clock stood when
 * it ended: the parent's clock moves on to it, since natively the child's
 * end comes after everything the child waited for (a shell's `sleep 1`
 * between two `date`s).  The child is named as in its hello. */
#define DEJA_CLOCK_QUERY_MAGIC 0x4b434f4cu /* "LOCK" */
struct deja_clock_query {
	uint32_t magic;
	uint32_t version;
	uint32_t parent;     /* the asking process's number */
	uint32_t fork_index; /* which of its forks it reaped */
	uint32_t run_id;
	uint32_t reserved;
};

struct deja_clock_answer {
	uint32_t known;      /* 0: not a child deja followed in this run */
	uint32_t reserved;
	uint64_t vclock;     /* the child's clock at its end */
};

/* Replay: a process that kill()s another process of the traced tree
 * (its parent, a sibling, the top process; not itself or its own
 * children, which it knows) names it by the pid the recording had, which
 * the replay's process does not have.  It asks, the same way, which real
 * process that is: the signal is then held back, since that process
 * replays its recorded signals where they came.  Process groups and
 * sessions are named after such pids too (setpgid, getpgid, getsid): the
 * other way round (real_to_shown), the pid the recording had for a real
 * one. */
#define DEJA_PID_QUERY_MAGIC 0x44495051u /* "QPID" */
struct deja_pid_query {
	uint32_t magic;
	uint32_t version;
	uint32_t run_id;
	int32_t id;             /* the pid as the recording had it, or a real one */
	uint32_t real_to_shown; /* 1: id is real, the recorded one is asked */
};

/* Record: a process kill()s a process group (its own by kill(0, sig), or
 * -pgrp).  The group is deja's too, so the kill cannot be sent as it is;
 * the caller takes its own share as a signal to itself and asks, the same
 * way, for the signal to be sent to the other processes of its run's tree
 * that are in that group (none outside the tree: deja sits between the
 * program and the shell that started it).  Signal 0 only counts them. */
#define DEJA_GROUP_KILL_MAGIC 0x4c4b5047u /* "GPKL" */
struct deja_group_kill {
	uint32_t magic;
	uint32_t version;
	uint32_t run_id;
	int32_t pgrp;
	int32_t sig;
	int32_t caller;      /* the asking process's pid: not sent to */
};

struct deja_group_kill_answer {
	int32_t delivered;   /* processes of the tree it was sent to */
	int32_t reserved;
};

struct deja_pid_answer {
	uint32_t known;      /* 0: no process of the recorded tree had that pid */
	int32_t pid;         /* the other one; 0: not started yet (shown to real) */
};

struct deja_shared {
	/* Written by the supervisor before launch. */
	uint32_t magic;
	uint32_t version;
	uint64_t size;            /* bytes of the whole mapping */
	/* A futex word: 1 once everything else here is written.  A replay
	 * starts the program's process while it still reads the trace
	 * (recorder/session.h, session_start): until then the channel is one
	 * page holding magic and version alone, and the runtime waits for
	 * this before it reads anything else (runtime.c, rt_channel_map). */
	uint32_t laid_out;
	uint32_t reserved_header;
	uint32_t mode;            /* enum deja_mode */
	uint32_t parallel;        /* threads run in parallel between scheduling points */
	uint64_t schedule_offset; /* from the start of the mapping */
	uint64_t schedule_len;    /* entries; 0 unless replaying */
	uint64_t feed_offset;     /* replay: struct deja_feed[feed_count] */
	uint64_t feed_count;
	uint64_t feed_bytes_offset; /* replay: the bytes the feed entries point at */
	/* Replay: the feed's bytes stream in while the program runs (0: they
	 * are all in the channel, at feed_bytes_offset + offset).  Otherwise
	 * the byte area is a ring of feed_ring_size bytes at the end of the
	 * channel, mapped twice in a row so that an entry is contiguous however
	 * it wraps; the byte at feed offset o lies at o % feed_ring_size.  The
	 * supervisor fills the ring up to feed_filled, never past
	 * feed_consumed + feed_ring_size; the runtime moves feed_consumed to
	 * the first byte it still needs, once it has moved 64 KiB or more, and
	 * at once when the supervisor waits for room.  Each side bumps its gen word (a
	 * futex) after moving its mark, and a side that waits says up to where
	 * the other must have moved its mark before waking it:
	 * feed_runtime_wants (the runtime waits on feed_fill_gen until
	 * feed_filled reaches it) and feed_filler_wants (the supervisor waits
	 * on feed_consume_gen until feed_consumed reaches it); 0 is not
	 * waiting.  Each asks for a quarter of the ring more than it needs, so
	 * that the two take turns in big pieces, not a wake per read; the
	 * supervisor wakes the runtime anyway before it waits itself.  The
	 * side that wakes clears the word first (compare and swap), so that a
	 * wait gets one wake, not one per move of the mark until the sleeper
	 * has run (docs/architecture.md, the feed). */
	uint64_t feed_ring_size;
	uint64_t feed_total;      /* the feed's bytes in all */
	uint64_t feed_filled;     /* supervisor */
	uint64_t feed_consumed;   /* runtime */
	uint32_t feed_fill_gen;   /* futex word, supervisor */
	uint32_t feed_consume_gen; /* futex word, runtime */
	uint32_t feed_failed;     /* supervisor: the trace's bytes could not be read */
	uint32_t feed_reserved;
	uint64_t feed_runtime_wants; /* runtime: waiting until feed_filled reaches this */
	uint64_t feed_filler_wants;  /* supervisor: waiting until feed_consumed reaches this */
	uint64_t script_offset;   /* strategy script: struct deja_script_entry[script_len] */
	uint64_t script_len;
	/* Real time (deja record --time real, and every child process): the
	 * model's clock keeps up with the real one at every scheduling point,
	 * and timed waits last their real time.  A replay gives the model's
	 * clock each event's recorded value (vtimes).  clock_read_events
	 * (--time real): every clock read is an event, and reads the real
	 * time; without it a read gives the clock as its thread's last
	 * scheduling point left it, plus a tick per read (runtime/clock.c). */
	uint32_t real_time;
	uint32_t clock_read_events;
	uint64_t vtimes_offset;   /* replay of real time: uint64_t[vtimes_len], by event */
	uint64_t vtimes_len;
	uint64_t ticks_offset;    /* replay: uint64_t[schedule_len], DEJA_NO_TICK or, when
				   * the next event of event i's thread is a tick, its
				   * tick count: where that thread must stop next
				   * (or DEJA_STOP_INTERRUPT | an index) */
	uint64_t interrupts_offset; /* replay: struct deja_interrupt_stop[interrupts_len] */
	uint64_t interrupts_len;
	/* Record: the supervisor, whose DEJA_SIG_INTERRUPT the runtime obeys,
	 * and how long (real ns) the thread it interrupts has run without a
	 * scheduling point. */
	int32_t supervisor_pid;
	uint32_t reserved_interrupt;
	int64_t interrupt_dark_ns;
	/* Virtual time: what the clocks read at virtual time 0 (recorded). */
	int64_t realtime_start_ns;
	int64_t monotonic_start_ns;
	/* Record: how far the real clock was ahead of realtime_start_ns as
	 * the run began: about 0 for a new recording, the time since the
	 * recording for a shrink's or bisect's trial, which runs on the
	 * recording's clocks.  A file time less this is the file's time on
	 * the run's own clock (clock.c, rt_clock_not_before). */
	int64_t realtime_shift_ns;
	/* Real time: the real nanoseconds since monotonic_start_ns less this
	 * is this process's model time (0 for the top process; a child's
	 * clock starts where its parent's stood at the fork). */
	int64_t real_offset_ns;
	uint64_t entropy_seed;    /* randomness the target gets is drawn from it */
	/* CLOCK_MONOTONIC_COARSE (ns) as the supervisor last read it, about
	 * every millisecond: the runtime's own sense of real time (coverage)
	 * without a syscall, the vDSO's entries being syscalls in a target. */
	int64_t coarse_now_ns;
	char runtime_path[DEJA_PATH_MAX]; /* preloaded again into exec'd images */

	/* exec: the thread that is replacing the process image; the new
	 * image's runtime picks the run up from there. */
	uint32_t exec_pending;
	uint32_t exec_thread;
	/* exec: the program's signal mask in the thread that execs.  The exec
	 * itself runs with every signal blocked, so that one sent meanwhile
	 * waits in the kernel for the new image's runtime, which puts this
	 * mask back once its relay is there to take it. */
	uint64_t exec_sigmask;
	/* exec: the interval timers (ITIMER_REAL, _VIRTUAL, _PROF: virtual
	 * deadline and interval, ns), which survive exec as natively. */
	uint64_t exec_itimer_deadline[3];
	uint64_t exec_itimer_interval[3];
	uint32_t forks;           /* runtime: forks made (each one's fork_index) */
	uint32_t forks_followed;  /* runtime: forked children that asked for a channel */
	/* Processes (runtime/fork.c).  This channel's process: 0 for the top
	 * one; a forked child's channel is made by the supervisor when the
	 * child asks for it. */
	uint32_t process;
	uint32_t follow_children; /* supervisor: 1 = forked children get channels */
	/* supervisor: which run of the session this is (a fork-server session
	 * serves many): a hello from a straggler of an earlier run is refused. */
	uint32_t run_id;
	uint32_t reserved_run;
	/* The process ended by exit_group (status in exit_status): noted by the
	 * runtime, since the supervisor is not a forked child's parent and
	 * cannot wait for it. */
	uint32_t exited;
	int32_t exit_status;
	/* The process is ending by a signal it knows of: a relayed one at its
	 * default action (signals.c), or abort()'s SIGABRT; 0 if none. */
	uint32_t ended_by_signal;
	uint32_t ended_thread;    /* the thread at whose scheduling point it did */
	uint64_t ended_site;      /* and that point's call site (0: none) */
	/* Replay: the pids the recording's children had, by fork_index (0:
	 * unknown); fork() gives the program these, and wait and kill map
	 * them back. */
	int32_t child_pids[DEJA_MAX_CHILDREN];
	/* A synchronous fault that ended the run: signal, thread, address. */
	uint32_t fault_signal;
	uint32_t fault_thread;
	uint64_t fault_site;

	/* Replay: the process and thread ids the recording saw.  The program
	 * is shown these (getpid, getppid, gettid), and ids it passes to the
	 * kernel are mapped back to the real ones (pids.c).  0: unknown. */
	int32_t replay_pid;
	int32_t replay_ppid;
	/* Replay: the signal the recorded process died of where its recording
	 * stops (0: none): killed inside a call, it left no event for that
	 * call (SIGPIPE in a write blocked on a full pipe, SIGKILL), so a
	 * replay that reaches the end of the recording dies of it there. */
	int32_t replay_end_signal;
	/* Replay: the recorded run ended in a deadlock (1) or not (0).  One
	 * whose threads waited for input nothing outside could give
	 * (closed_world.c) left them at inputs, which a replay, fed, could
	 * run: at the end of the recording they are stuck there instead. */
	int32_t replay_end_deadlock;
	int32_t replay_tids[DEJA_MAX_THREADS]; /* by model thread */

	/* Fork server (deja hunt): the target is started once; its runtime
	 * stops before the program's own constructors run and forks one
	 * process per run from there, so a run costs a fork, not an exec and
	 * a dynamic link.  The supervisor sets up each run in this channel,
	 * then bumps server_go; the server forks, waits for the run's process
	 * and reports it by setting server_done to the same number. */
	uint32_t server;          /* supervisor: 1 = serve runs */
	uint32_t server_go;       /* futex word, supervisor: run number to start */
	uint32_t server_done;     /* futex word, runtime: run number that ended */
	int32_t server_child;     /* runtime: the run's process */
	int32_t server_status;    /* runtime: its wait status */
	uint32_t server_modules;  /* runtime: modules loaded before the fork */
	uint32_t server_running;  /* runtime: set by the server, so that an image a
	                             run execs does not start serving too */
	char server_output[DEJA_PATH_MAX]; /* the run's stdout and stderr, or "" */
	char server_input[DEJA_PATH_MAX];  /* the run's stdin, or "" (deja's own) */

	/* Replay under a debugger (deja replay --gdb, runtime/debug_stop.c,
	 * replayer/debug_stop.c).  The supervisor sets debug_stop_event to
	 * the event before which the thread that makes it stops, plus one
	 * (0: no stop).  That thread clears it, fills in who and where it is
	 * and sets debug_stopped to 1 (the supervisor polls it); it then
	 * waits until a tracer is attached to it and lets it run, or until
	 * the supervisor sets debug_release (a futex word, waked without
	 * FUTEX_PRIVATE_FLAG: the two sides are two processes) to 1, which
	 * it does once the debugger has exited.  The debugger, attached,
	 * may set debug_stop_event again through the runtime
	 * (deja_stop_before, its `deja-goto`): the next stop is its own. */
	uint64_t debug_stop_event; /* supervisor */
	uint32_t debug_stopped;    /* runtime */
	uint32_t debug_release;    /* supervisor */
	int32_t debug_pid;         /* runtime: the stopped thread's process, */
	int32_t debug_tid;         /* its kernel thread id, */
	uint32_t debug_thread;     /* its model thread, */
	uint32_t reserved_debug;
	uint64_t debug_site;       /* and the event's call site (0: none) */

	/* Written by the runtime. */
	/* The user's stdout and stderr: descriptors 1 and 2 as the top process
	 * found them (device, inode), the only files and pipes a replay's
	 * output goes to again (files.c).  A forked child's channel gets its
	 * parent's. */
	uint64_t user_output_dev[2];
	uint64_t user_output_ino[2];
	/* Descriptors 0, 1 and 2: their file types as the recording's top
	 * process started with them (S_IFMT >> 12, four bits each, fd 0
	 * lowest; 0: closed or not known), which decide whether a read of
	 * one may wait (input_waits.c).  Record: the runtime's; replay: the
	 * supervisor's, from the trace.  And which of the three each process
	 * still has as it inherited them (bit fd; files.c,
	 * rt_files_wait_type): a replay's own stdin, /dev/null say, is not
	 * what the recording read. */
	uint32_t stdio_kinds; /* DEJA_STDIO_KIND_BITS, DEJA_STDIO_KIND */
	uint32_t stdio_inherited;
	uint32_t runtime_ready;
	int32_t target_pid;       /* the run's process, as getpid() gives it */
	int32_t target_ppid;
	uint32_t outcome;         /* enum deja_outcome_kind, or NONE */
	uint32_t outcome_thread;
	/* 1 while no thread can run until the world gives an input (or a
	 * signal, or a child's end) and the runtime waits for it: a run cut
	 * short then (interrupted, a wall-clock timeout, killed) ends with
	 * every thread's wait meaningful, kept as for a deadlock. */
	uint32_t world_waiting;
	uint32_t reserved_world;
	uint32_t nmodules;        /* modules[]: every image's, the current one's last */
	uint32_t image;           /* the current image (deja_event.image) */
	uint64_t outcome_step;
	char message[DEJA_MESSAGE_MAX];

	/* Event ring: the runtime advances write_index, the supervisor
	 * read_index.  Both only grow; the slot is index % DEJA_RING_EVENTS. */
	uint64_t write_index;
	uint64_t read_index;
	struct deja_event ring[DEJA_RING_EVENTS];

	/* Data ring: the bytes of input syscalls, in event order.  The runtime
	 * advances data_write before it publishes the event; the supervisor
	 * advances data_read as it takes them. */
	uint64_t data_write;
	uint64_t data_read;
	uint8_t data[DEJA_DATA_RING_BYTES];

	struct deja_module modules[DEJA_MAX_MODULES];
	/* Python code objects named so far (runtime/ticks.c): slots taken,
	 * which may pass DEJA_PYTHON_CODES (the names past it are dropped,
	 * and so counted). */
	uint32_t python_codes_taken;
	uint32_t reserved_python;
	struct deja_python_code python_codes[DEJA_PYTHON_CODES];
	struct deja_model model;
};

#endif /* DEJA_PROTOCOL_H */
