/*
 * escape_log.h: the syscalls that escaped the runtime in one run, counted
 * by kind (pure logic: escape_watch.c feeds it, record.c stores it, the
 * unit tests drive it).
 *
 * The kernel-side policy (policy.c) reports every watched syscall made
 * without the runtime's marker.  Each report is one of:
 *   ESCAPE   a syscall the runtime did not see: a process deja does not
 *            follow, a thread the runtime does not manage, a thread that
 *            turned the trap off.  Not recorded, so a replay cannot give it
 *            its result: reported on stderr, in the trace and by deja show;
 *   LOADER   made by the dynamic loader (ld.so) before the image's runtime
 *            started: every exec'd image reads its libraries' ELF headers
 *            this way.  Expected, and deterministic as long as the same
 *            files are there (replay needs the same binaries);
 *   STARTUP  made by other code before the image's runtime started (glibc's
 *            own start-up: the stack limit, malloc's random key), in an
 *            image whose runtime did start; expected like LOADER.  Made in
 *            an image whose runtime never starts, the same calls are
 *            ESCAPEs;
 *   EXIT     made by glibc's exit path of a thread that has left the model
 *            (after its start routine returned or it called pthread_exit:
 *            key destructors, pthread_exit's unwinding, which loads
 *            libgcc_s, and the futex wakes of its locks): expected; not
 *            recorded, and a key destructor's own syscalls count here too;
 *   RUNTIME  made by glibc for the runtime, where the runtime must call it
 *            (pthread_create's clone3, pthread_join's futex, the fork
 *            server's fork): expected.
 * The expected kinds are counted in the trace only.
 * Reports are counted per (process, syscall, kind), with the first
 * instruction pointer and time: a program that escapes a million times
 * leaves one row, not a million.
 */
#ifndef DEJA_ESCAPE_LOG_H
#define DEJA_ESCAPE_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum escape_kind {
	ESCAPE_KIND_ESCAPE = 0,
	ESCAPE_KIND_LOADER,
	ESCAPE_KIND_STARTUP,
	ESCAPE_KIND_EXIT,
	ESCAPE_KIND_RUNTIME,
	ESCAPE_KIND_COUNT
};

struct escape_entry {
	int32_t pid;      /* the process (thread group) in this run */
	int32_t tid;      /* the thread of the first report */
	int32_t process;  /* deja's number for the process; -1: not one it follows */
	int32_t nr;
	uint8_t kind;     /* enum escape_kind */
	uint64_t count;
	uint64_t first_ip;  /* instruction after the first report's syscall */
	uint64_t first_us;  /* microseconds after the run started */
};

struct escape_log {
	struct escape_entry *v;
	size_t n, cap;
};

/* Count one report.  Returns 0, or -1 when out of memory (the report is
 * then lost, and the caller says so). */
int escape_log_note(struct escape_log *log, int32_t pid, int32_t tid, int32_t nr,
		    enum escape_kind kind, uint64_t ip, uint64_t us);
/* Count e (its count, first place and time) as a report of `kind`.
 * Returns 0 or -1 (out of memory). */
int escape_log_merge(struct escape_log *log, const struct escape_entry *e, enum escape_kind kind);
/* Move the entries of process pid (every process: -1) from `from` into
 * `to`, as reports of `kind`.  Returns 0 or -1 (out of memory). */
int escape_log_settle(struct escape_log *to, struct escape_log *from, int32_t pid,
		      enum escape_kind kind);
/* Reports of a kind, summed over the rows. */
uint64_t escape_log_total(const struct escape_log *log, enum escape_kind kind);
/* Rows of a kind. */
size_t escape_log_rows(const struct escape_log *log, enum escape_kind kind);
void escape_log_clear(struct escape_log *log);
void escape_log_free(struct escape_log *log);
/* A copy of src into dst (emptied first).  Returns 0 or -1. */
int escape_log_copy(struct escape_log *dst, const struct escape_log *src);

/* "escape", "loader", "startup", "exit", "runtime"; and back (-1 if none). */
const char *escape_kind_name(enum escape_kind kind);
int escape_kind_from_name(const char *name);

/* The mapping ip lies in, by the text of /proc/PID/maps: its range and
 * whether it is the dynamic loader's, the file whose name starts with
 * "ld-" or is "ld.so" (glibc's ld-linux-x86-64.so.2, musl's
 * ld-musl-x86_64.so.1).  False when no mapping holds ip. */
struct escape_place {
	uint64_t lo, hi;
	bool loader;
};
bool escape_maps_place(const char *maps, uint64_t ip, struct escape_place *out);

#endif /* DEJA_ESCAPE_LOG_H */
