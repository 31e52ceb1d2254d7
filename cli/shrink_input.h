/*
 * shrink_input.h: `deja shrink --input FILE`: the smallest input that
 * still fails the same way.
 *
 * ddmin (ddmin.h) over the input's lines, then over the bytes left.  A
 * recorded schedule says nothing about a run on other input, so each
 * candidate input gets a bounded hunt: first the schedule of the last
 * failing run (as a script: its switches often still apply), then runs
 * under random, pct and pos from successive seeds (hunt_runs of them for
 * a line candidate, an eighth for a byte candidate).  The input reaches the
 * program as the file named in its argv, or as its stdin.
 */
#ifndef DEJA_SHRINK_INPUT_H
#define DEJA_SHRINK_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "ddmin.h"
#include "trial.h"

struct input_shrink {
	struct trial_program *prog;
	char **argv;             /* prog->argv, writable: argv[arg] is replaced */
	int arg;                 /* index of the input file in argv; -1: stdin */
	const char *candidate;   /* where a candidate input is written */
	const char *best_path;   /* where the best failing run's trace is kept */
	const struct failure_sig *target;
	uint64_t hunt_runs;      /* runs per candidate besides the hint */
	uint64_t max_candidates; /* ddmin's test budget per phase; 0: none */
	/* The schedule of the last failing run (malloc'd). */
	struct deja_script_entry *hint;
	uint64_t nhint;
	/* Results: the smallest failing input and its run. */
	uint8_t *best;
	size_t best_len;
	struct trial_result best_run;
	uint64_t candidates;
	enum trial_status trouble;
	char err[512];
};

/* Does this input fail the same way (a bounded hunt)?  On DDMIN_FAILS the
 * input and its run become the best. */
enum ddmin_verdict input_try(struct input_shrink *is, const uint8_t *data, size_t len);

/* Shrink is->best (which must fail) by lines, then by bytes. */
enum ddmin_status input_shrink_run(struct input_shrink *is);

/* Lines ('\n'-terminated, the last one maybe not) in data. */
size_t input_count_lines(const uint8_t *data, size_t len);

#endif /* DEJA_SHRINK_INPUT_H */
