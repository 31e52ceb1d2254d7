/*
 * trace.h: the trace file.  The only module that knows SQLite: schema.sql
 * and trace.c hold every SQL statement of the project.
 *
 * Writing: trace_create(), trace_put_run(), then events in batches between
 * trace_begin() and trace_commit(), then the outcome, threads, wait-for
 * graph, modules and sites.  Reading: trace_open() checks that the file is
 * a trace of this version before anything else reads it.
 */
#ifndef DEJA_TRACE_H
#define DEJA_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol.h"

#define TRACE_VERSION 28
#define TRACE_APPLICATION_ID 0x444A4131 /* "DJA1" */

enum trace_status {
	TRACE_OK = 0,
	TRACE_ERR_OPEN,      /* cannot open or create the file */
	TRACE_ERR_NOT_TRACE, /* not SQLite, or not a deja trace */
	TRACE_ERR_VERSION,   /* a deja trace of another version */
	TRACE_ERR_CORRUPT,   /* damaged or truncated */
	TRACE_ERR_WRITE,     /* a write failed */
	TRACE_ERR_NOMEM,
	TRACE_ERR_STOPPED,   /* a caller's callback asked to stop */
	TRACE_ERR_NO_RUN,    /* no run stored: its recording stopped before its first commit */
};

struct trace;

struct trace_run {
	char *deja_version;
	char *cwd;
	char *exe_path;
	char *exe_hash;
	char *strategy;
	char *started_at;
	char *outcome;   /* incomplete|exit|signal|deadlock|timeout|divergence|error */
	char *message;   /* may be NULL */
	char **argv;     /* argc entries, NULL-terminated */
	int argc;
	char **envp;     /* envc entries, NULL-terminated: the environment */
	int envc;
	uint64_t seed;
	uint64_t run_index;
	uint64_t max_steps;
	int64_t exit_code;      /* -1 when none */
	int64_t signal;         /* 0 when none */
	int64_t outcome_thread; /* -1 when none */
	uint64_t fault_site;    /* 0 when none */
	uint32_t image;         /* the top process's image at the end (fault_site is in it) */
	uint64_t events;
	uint64_t preemptions;
	uint64_t switches;
	int interrupted;
	uint64_t forks;         /* processes the top process forked */
	uint64_t final_digest;
	int64_t realtime_start;  /* virtual clocks' readings at virtual time 0, ns */
	int64_t monotonic_start;
	uint64_t entropy_seed;   /* seed of the randomness the program got */
	char *time;              /* "virtual" or "real" (what the clocks read) */
	int64_t pid;             /* process and parent ids the program saw; 0: unknown */
	int64_t ppid;
	uint32_t stdio_kinds;    /* file types of descriptors 0-2 at the start (deja_shared) */
};

struct trace_event {
	struct deja_event ev;
	uint64_t digest;
};

struct trace_thread {
	uint32_t id;
	int32_t os_tid;
	uint64_t start_routine;
	bool finished;
	uint64_t events;
	uint64_t ticks;           /* basic blocks passed (0: not built with deja cflags) */
	uint64_t longest_ticks;   /* most ticks between two of its events */
	uint64_t longest_dark_ns; /* longest real time between two events passing no tick */
	/* The tick count at which the thread stood, offered a preemption,
	 * when the run ended (a replay stops it there); DEJA_NO_TICK if
	 * none. */
	uint64_t stopped_tick;
	/* The interrupt at which it stood, a spin stopped, when the run
	 * ended: its instruction (0: none) and registers' hash. */
	uint64_t stopped_ip;
	uint64_t stopped_regs;
};

struct trace_wait {
	uint32_t thread;
	const char *op;
	uint32_t object;
	const char *object_kind;
	uint64_t object_addr;
	int64_t holder; /* -1: none */
	uint64_t site;
	uint32_t image; /* the image the site is in (deja_event.image) */
};

/* An output event's rank in the tree's recorded order of outputs
 * (trace_outputs.c). */
struct trace_output_rank {
	uint32_t process; /* 0: the top process */
	uint32_t rank;    /* 1 to n */
	uint64_t seq;     /* its event in that process's stream */
	uint64_t number;  /* its recorded output_seq */
};

/* A call site: an address in one image of one process. */
struct trace_site_key {
	uint32_t process; /* 0: the top process */
	uint32_t image;
	uint64_t address;
};

struct trace_site {
	uint32_t process;
	uint32_t image;
	uint64_t address;
	char *function; /* NULL when unknown */
	char *file;
	int64_t line;   /* 0 when unknown */
	char *module;
};

/* A Python code object's names (deja_event.py_code, --python-lines). */
struct trace_python_code {
	uint32_t process;
	uint32_t image;
	uint64_t code;
	char *file;
	char *function;
};

const char *trace_strerror(enum trace_status s);
/* Why the trace's last write failed, in words ("the file system is full"
 * for a full disk or quota); read it at once, the next call replaces it. */
void trace_write_error(struct trace *t, char *buf, size_t len);

/* Create a new trace (mode 0600; the file must not exist). */
enum trace_status trace_create(const char *path, struct trace **out,
			       char *err, size_t errlen);
/* Whether the file at path may be deleted to write a trace there: none
 * is there, or a deja trace (by its SQLite header's application id), or
 * an empty file (a trace claimed but never made).  Anything else is the
 * user's: a typo in -o must not delete their source file. */
bool trace_may_replace(const char *path);
/* trace_create in two steps: the empty file, only the user's, which must
 * not exist yet (cheap: a recording claims it before it starts the
 * program), then the trace in it. */
enum trace_status trace_reserve(const char *path, char *err, size_t errlen);
enum trace_status trace_create_reserved(const char *path, struct trace **out, char *err,
					size_t errlen);
/* Open an existing trace; writable for commands that add to it. */
enum trace_status trace_open(const char *path, bool writable, struct trace **out,
			     char *err, size_t errlen);
/* Open read-only as trace_open does, but leave the events and the bytes
 * input syscalls read unchecked: a replay reads them all (its events
 * before it starts, the bytes with trace_each_feed_bytes), which fails on
 * damage. */
enum trace_status trace_open_but_bulk(const char *path, struct trace **out, char *err,
				       size_t errlen);
/* Open, read-only, a trace this process has just written and committed
 * (`deja record`'s summary): that it is a deja trace of this version is
 * checked, not its pages, which SQLite wrote a moment ago and which
 * checking would read all over again. */
enum trace_status trace_open_own(const char *path, struct trace **out, char *err,
				 size_t errlen);
/* Open, read-only, a trace already checked, for a
 * second reader (a thread of its own) that reads each page once (the
 * feed's bytes, trace_read_feed_bytes): its identity is checked again, its
 * integrity not, and it keeps a page cache of a few pages. */
enum trace_status trace_reopen(const char *path, struct trace **out, char *err, size_t errlen);
void trace_close(struct trace *t);

/* Writing is done: leave WAL mode, so that the trace is one self-contained
 * file that readers open without side files. */
enum trace_status trace_seal(struct trace *t);

enum trace_status trace_begin(struct trace *t);
enum trace_status trace_commit(struct trace *t);

enum trace_status trace_put_run(struct trace *t, const struct trace_run *run);
enum trace_status trace_put_outcome(struct trace *t, const struct trace_run *run);
enum trace_status trace_put_event(struct trace *t, const struct trace_event *e);
enum trace_status trace_put_thread(struct trace *t, const struct trace_thread *th);
enum trace_status trace_put_wait(struct trace *t, const struct trace_wait *w);
/* A module of a process's image (m->image); hash: the xxh3 of the
 * module's file (hex), or NULL when it has none. */
enum trace_status trace_put_module(struct trace *t, uint32_t process, const struct deja_module *m,
				  const char *hash);
enum trace_status trace_put_site(struct trace *t, const struct trace_site *s);
enum trace_status trace_put_python_code(struct trace *t, const struct trace_python_code *c);
enum trace_status trace_put_history(struct trace *t, const char *command,
				    const char *result);
/* A history row with its own time stamp (NULL: now), to carry a trace's
 * notebook over into a trace made from it. */
enum trace_status trace_put_history_at(struct trace *t, const char *at, const char *command,
				       const char *result);
enum trace_status trace_put_syscall_data(struct trace *t, uint64_t seq, const void *bytes,
					 uint64_t len);
/* A run of reads from one source, one event after another (seq to
 * last_seq, each a read of it): `offset` bytes read from it before, `len`
 * in the run. */
enum trace_status trace_put_input(struct trace *t, uint64_t seq, uint64_t last_seq,
				  const char *source, uint64_t offset, uint64_t len);

/* Whether a recorded event of this op has an entry in a replay's feed
 * (trace_feed_index skips the others). */
bool trace_op_feeds(enum deja_op op);

/* Replay's feed, laid out from a process's recorded events (events[n],
 * in order) alone: the result (and for an output the digest) of every
 * event that has an entry (syscalls, signals, reaps, shared semaphore
 * calls, thread starts), in order, without their bytes: each entry's
 * offset is where its bytes start in the run of all of them (*total bytes;
 * the longest entry has *longest).  Free *feed. */
enum trace_status trace_feed_index(const struct trace_event *events, uint64_t n,
				   struct deja_feed **feed, uint64_t *count, uint64_t *total,
				   uint64_t *longest);
/* The bytes of those entries of a process (0: the top one; feed[count],
 * as trace_feed_index gave them) in order, a piece at a time (each
 * entry's, empty ones left out); TRACE_ERR_CORRUPT if the trace's bytes
 * are not what the entries say; fn returns false to stop
 * (TRACE_ERR_STOPPED).  Each entry's bytes_xxh3 is set before fn gets
 * its bytes. */
typedef bool (*trace_bytes_fn)(void *ctx, const void *bytes, uint64_t len);
enum trace_status trace_each_feed_bytes(struct trace *t, uint32_t process,
					struct deja_feed *feed, uint64_t count,
					trace_bytes_fn fn, void *ctx);
/* The same for the top process's entries, each read straight into the
 * room dest(ctx, len) gives for it (NULL to stop), then done(ctx, len)
 * (false to stop); each entry's bytes_xxh3 is set in between. */
typedef uint8_t *(*trace_dest_fn)(void *ctx, uint64_t len);
typedef bool (*trace_done_fn)(void *ctx, uint64_t len);
enum trace_status trace_read_feed_bytes(struct trace *t, struct deja_feed *feed, uint64_t count,
					trace_dest_fn dest, trace_done_fn done, void *ctx);
/* All the bytes of those entries (total of them) in one block, *bytes
 * (NULL when total is 0); free it. */
enum trace_status trace_get_feed_bytes(struct trace *t, uint32_t process,
				       struct deja_feed *feed, uint64_t count, uint64_t total,
				       uint8_t **bytes);
/* Both at once: the index and all the bytes in *bytes (*len of them),
 * entries pointing into it.  Free both. */
enum trace_status trace_get_feed(struct trace *t, uint32_t process,
				 const struct trace_event *events, uint64_t n,
				 struct deja_feed **feed, uint64_t *count, uint8_t **bytes,
				 uint64_t *len);

enum trace_status trace_get_run(struct trace *t, struct trace_run *run);
void trace_run_free(struct trace_run *run);

/* Events in order.  Returns 1 with *e filled, 0 at the end, -1 on error. */
int trace_next_event(struct trace *t, struct trace_event *e);
/* Thread `thread` of `process`'s last event that carries a Python line
 * (--python-lines): 1 with it in *e, 0 when it has none, -1 on error. */
int trace_last_python_event(struct trace *t, uint32_t process, uint32_t thread,
			    struct trace_event *e);
void trace_rewind_events(struct trace *t);

/* Small tables, loaded whole; free with the matching function. */
enum trace_status trace_get_threads(struct trace *t, struct trace_thread **out, size_t *n);
enum trace_status trace_get_waits(struct trace *t, struct trace_wait **out, size_t *n);
void trace_waits_free(struct trace_wait *w, size_t n);
/* The files of the modules the run loaded, each once, with the xxh3 they
 * had when it was recorded (modules without a file left out). */
struct trace_module_file {
	char *path;
	char *hash;
};
enum trace_status trace_get_module_files(struct trace *t, struct trace_module_file **out,
					 size_t *n);
void trace_module_files_free(struct trace_module_file *m, size_t n);
/* The modules of one image of one process, in the order listed (path,
 * base, lo, hi and image filled). */
enum trace_status trace_get_modules(struct trace *t, uint32_t process, uint32_t image,
				    struct deja_module **out, size_t *n);
/* Every site, sorted by process, image and address. */
enum trace_status trace_get_sites(struct trace *t, struct trace_site **out, size_t *n);
void trace_sites_free(struct trace_site *s, size_t n);
/* Every python_code row, ordered by process, image, code (as the
 * signed 64-bit numbers SQLite keeps). */
enum trace_status trace_get_python_codes(struct trace *t, struct trace_python_code **out,
					  size_t *n);
void trace_python_codes_free(struct trace_python_code *c, size_t n);
/* Distinct call sites (return addresses) of the waits (the recorder
 * gathers the events' as it writes them: recorder/site_set.h), or with
 * start_routines the threads' start routines and the fault site, for
 * symbolising; sorted by process and image. */
enum trace_status trace_get_site_addresses(struct trace *t, bool start_routines,
					   struct trace_site_key **out, size_t *n);
/* Syscalls that failed with ENOSYS because deja does not support them:
 * number and how many times, one row per syscall. */
struct trace_syscall_count {
	uint64_t nr;
	uint64_t count;
};
enum trace_status trace_get_unsupported(struct trace *t, struct trace_syscall_count **out,
					size_t *n);

/* Inputs: bytes and lines per process and source (empty until recorded),
 * the top process's first, each process's in the order first read. */
struct trace_input {
	uint32_t process; /* 0: the top process; else processes.id */
	char *source;
	uint64_t bytes;
	uint64_t lines;
};
enum trace_status trace_get_inputs(struct trace *t, struct trace_input **out, size_t *n);
void trace_inputs_free(struct trace_input *in, size_t n);

/* The history table, oldest first. */
struct trace_history {
	char *at;
	char *command;
	char *result;
};
enum trace_status trace_get_history(struct trace *t, struct trace_history **out, size_t *n);
void trace_history_free(struct trace_history *h, size_t n);

/* Findings (deja bisect): "first before second makes the run fail". */
struct trace_finding {
	char *kind;       /* "critical_pair" */
	uint32_t process; /* whose events both are (0: the top process) */
	uint32_t first_thread;
	uint64_t first_index;  /* place among its thread's events, 0-based */
	int64_t first_seq;     /* -1: not in this trace's events */
	uint32_t second_thread;
	uint64_t second_index;
	int64_t second_seq;
	char *summary;
};
enum trace_status trace_put_finding(struct trace *t, const struct trace_finding *f);
enum trace_status trace_get_findings(struct trace *t, struct trace_finding **out, size_t *n);
void trace_findings_free(struct trace_finding *f, size_t n);

/* The events of one process in order: the top process's streamed (as
 * trace_next_event), a child's loaded whole.  next gives 1 and the event,
 * 0 at the end, -1 when they cannot be read. */
struct trace_stream {
	struct trace *t;
	struct trace_event *list; /* a child's; NULL for the top process */
	size_t n, next;
};
enum trace_status trace_stream_open(struct trace *t, uint32_t process, struct trace_stream *s);
int trace_stream_next(struct trace_stream *s, struct trace_event *e);
void trace_stream_close(struct trace_stream *s);

/* ---- processes (trace_processes.c) ---- */

/* One process of the run's tree; id 0 is the top process. */
struct trace_process {
	uint32_t id;
	int64_t parent;      /* -1 for the top process */
	int64_t fork_index;  /* -1 for the top process */
	int64_t pid, ppid;
	char *outcome;       /* as run.outcome */
	int64_t exit_code;   /* -1 when none */
	int64_t signal;      /* 0 when none */
	char *message;       /* may be NULL */
	uint64_t events;
	uint64_t final_digest;
	/* Ended by a fault (or a signal deja saw): where; fault_site 0: not. */
	int64_t fault_thread;
	uint64_t fault_site;
	uint32_t fault_image;
	/* Python code objects its runtime could not name (table full). */
	uint32_t python_codes_dropped;
};
enum trace_status trace_put_process(struct trace *t, const struct trace_process *p);
/* A forked child's event (its stream), and the bytes an input gave it. */
enum trace_status trace_put_process_event(struct trace *t, uint32_t process,
					  const struct trace_event *e);
enum trace_status trace_put_process_data(struct trace *t, uint32_t process, uint64_t seq,
					 const void *bytes, uint64_t len);
/* A forked child's run of reads, as trace_put_input (offset: bytes this
 * process read from the source before). */
enum trace_status trace_put_process_input(struct trace *t, uint32_t process, uint64_t seq,
					  uint64_t last_seq, const char *source, uint64_t offset,
					  uint64_t len);
/* Every output event's rank (1 to n) among all processes' outputs in
 * their recorded order (output_seq), sorted by process and seq: the top
 * process's outputs from its events (top[], loaded already: reading them
 * again cost a replay a scan of the whole table), the children's from
 * process_events. */
enum trace_status trace_get_output_ranks(struct trace *t, const struct trace_event *top,
					 size_t ntop, struct trace_output_rank **out, size_t *n);
/* The output events of `process` among events[] given their ranks as
 * their output_seq, which a replay waits on; TRACE_ERR_CORRUPT if one
 * that carries a number is no output syscall. */
enum trace_status trace_rank_outputs(const struct trace_output_rank *ranks, size_t n,
				     uint32_t process, struct trace_event *events, size_t nevents);
/* Every process, by id (none in a trace of a run that forked nothing
 * followed and was written before its end). */
enum trace_status trace_get_processes(struct trace *t, struct trace_process **out, size_t *n);
/* A forked child's events, preemptions and context switches (as run's
 * for the top process), counted from its events; TRACE_ALL_CHILDREN: all
 * children's together. */
#define TRACE_ALL_CHILDREN UINT32_MAX
struct trace_counts {
	uint64_t events, preemptions, switches;
};
enum trace_status trace_get_process_counts(struct trace *t, uint32_t process,
					   struct trace_counts *c);
void trace_processes_free(struct trace_process *p, size_t n);
/* A forked child's events in order. */
enum trace_status trace_get_process_events(struct trace *t, uint32_t process,
					   struct trace_event **out, size_t *n);
/* The wait status with which process `parent` reaped its fork #fork_index
 * (its `reap` event), in *status; *found false if it never did. */
enum trace_status trace_get_reap_status(struct trace *t, uint32_t parent, uint32_t fork_index,
					bool *found, int *status);
/* A forked child's wait-for graph (a deadlock or a timeout), as `waits`
 * holds the top process's; free with trace_waits_free. */
enum trace_status trace_put_process_wait(struct trace *t, uint32_t process,
					 const struct trace_wait *w);
enum trace_status trace_get_process_waits(struct trace *t, uint32_t process,
					  struct trace_wait **out, size_t *n);

/* ---- syscalls that escaped the runtime (trace_escapes.c) ---- */

struct trace_escape {
	int64_t pid, tid;
	int64_t process;     /* -1: a process deja did not follow */
	char *kind;          /* escape|loader|startup|exit|runtime */
	char *syscall;       /* NULL: unknown number */
	int64_t nr;
	char *klass;         /* its class in syscalls.def */
	uint64_t count;
	uint64_t first_ip;
	uint64_t first_us;
};
enum trace_status trace_put_escape(struct trace *t, const struct trace_escape *e);
/* Every row, escapes first, then by process and syscall. */
enum trace_status trace_get_escapes(struct trace *t, struct trace_escape **out, size_t *n);
void trace_escapes_free(struct trace_escape *e, size_t n);

#endif /* DEJA_TRACE_H */
