/*
 * escapes_report.h: telling the user about syscalls that escaped the
 * runtime (recorder/escape_log.h, the trace's `escapes` table): one line
 * per process and syscall on stderr at the end of a run, a section of
 * `deja show` and the `escapes` list of `deja show --json`.
 */
#ifndef DEJA_ESCAPES_REPORT_H
#define DEJA_ESCAPES_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "escape_log.h"
#include "trace.h"

/* One line per row of kind escape; nothing for the expected kinds.
 * `verb`: what deja did not do with them ("recorded", "replayed"). */
void escapes_report_stderr(const struct trace_escape *e, size_t n, const char *verb);
/* The `deja show` section: every escape row, then one line per expected
 * kind with its total.  Nothing when there are no rows. */
void escapes_report_show(FILE *out, const struct trace_escape *e, size_t n);
/* ,"escapes":[...] with every row. */
void escapes_report_json(FILE *out, const struct trace_escape *e, size_t n);
/* A session's log as rows (a replay writes no trace); free with
 * trace_escapes_free.  Returns 0 or -1 (out of memory). */
int escapes_from_log(const struct escape_log *log, struct trace_escape **out, size_t *n);

#endif /* DEJA_ESCAPES_REPORT_H */
