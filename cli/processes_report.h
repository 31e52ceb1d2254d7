/*
 * processes_report.h: the processes of a run's tree as `deja show` prints
 * them (text and JSON) and as the outcome report sums them up.
 */
#ifndef DEJA_PROCESSES_REPORT_H
#define DEJA_PROCESSES_REPORT_H

#include <stdio.h>

#include "describe.h"
#include "trace.h"

/* Each forked child: a heading (identity, pid, outcome), its events and,
 * when it ended in a deadlock or a timeout, its wait-for graph. */
void cli_show_processes(FILE *out, struct trace *t, const struct site_table *sites,
			const struct trace_finding *f, size_t nf);
/* ,"processes":[{"id":0,...},...], a child's with its "waits" */
void cli_processes_json(FILE *out, struct trace *t, const struct site_table *sites);
/* One line: how many children were followed, and how many were not. */
void cli_processes_summary(FILE *out, struct trace *t, const struct trace_run *run);

#endif /* DEJA_PROCESSES_REPORT_H */
