/*
 * script_file.h: schedules as text, for `deja record --script FILE`.
 *
 * One switch per line: "THREAD AFTER TO" means "when THREAD has executed
 * AFTER events, run TO next" (struct deja_script_entry); "THREAD AFTER TO
 * tick N" places the switch inside plain code, at THREAD's tick N (a
 * program built with `deja cflags`).  Blank lines and lines starting with
 * '#' are skipped.  `deja show --script TRACE` prints
 * a recorded run's schedule in this form, so a user can edit a schedule by
 * hand and run it again.
 */
#ifndef DEJA_SCRIPT_FILE_H
#define DEJA_SCRIPT_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "protocol.h"
#include "trace.h"

/* Reads PATH ("-": stdin).  Returns 0 with a malloc'd array (NULL when
 * empty), or -1 with err naming the file and line. */
int script_file_read(const char *path, struct deja_script_entry **out, uint64_t *n,
		     char *err, size_t errlen);

/* Writes the entries, one per line, with a header comment. */
void script_file_write(FILE *f, const struct deja_script_entry *s, uint64_t n);

/* The switches of one process of a recorded run (0: the top one;
 * deja_script_from_schedule over its events): malloc'd entries and, per entry, whether it preempted and
 * whether the event it leads to is a timed wait that timed out (preempt
 * and timed_out may be NULL).  A "stay" where only one thread was live
 * is left out: it re-creates nothing the default would not.  Returns 0,
 * or -1 when the events cannot be read or memory runs out. */
int script_from_trace(struct trace *t, uint32_t process, struct deja_script_entry **out,
		      bool **preempt, bool **timed_out, uint64_t *n);

/* Sets each of the n threads' `events` to its last script position in
 * the recorded run's process: the events it made while another thread was live
 * (deja_script_counts), which is as far as a script entry of it can
 * reach.  Returns 0, or -1 when the events cannot be read. */
int script_positions(struct trace *t, uint32_t process, struct trace_thread *threads, size_t n);

#endif /* DEJA_SCRIPT_FILE_H */
