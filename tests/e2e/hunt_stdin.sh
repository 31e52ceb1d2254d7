#!/usr/bin/env bash
# hunt_stdin.sh DEJA CC
#
# deja hunt runs the program again and again with deja's stdin.  From a
# pipe, the first run read all of it and every later run found its end:
# a program whose bug needs its input (here a lost update between the
# threads it starts, one per input line) passed every run after the
# first, and the hunt reported no failure in 1000 runs.  Now every run
# reads the whole input, from a pipe and from a file, with -j 1 and
# -j 2, and the hunt finds the bug; the kept trace replays without stdin.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || fail "usage: hunt_stdin.sh DEJA CC"
deja=$(abspath "$1") cc=$2
require_file "$deja"
cd "$tmp"

cat >reader.c <<'C'
#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
static long total;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static void *add(void *v)
{
	pthread_mutex_lock(&m);
	long t = total;
	pthread_mutex_unlock(&m);
	pthread_mutex_lock(&m); /* the update's read and write are two sections */
	total = t + (long)v;
	pthread_mutex_unlock(&m);
	return NULL;
}
int main(void)
{
	char line[64];
	long v[16];
	int n = 0;
	while (n < 16 && fgets(line, sizeof(line), stdin))
		v[n++] = atol(line);
	if (n == 0) {
		puts("no input");
		return 0;
	}
	pthread_t t[16];
	for (int i = 0; i < n; i++)
		pthread_create(&t[i], NULL, add, (void *)v[i]);
	long want = 0;
	for (int i = 0; i < n; i++) {
		pthread_join(t[i], NULL);
		want += v[i];
	}
	assert(total == want);
	return 0;
}
C
"$cc" -O1 -pthread reader.c -o reader || fail "cannot build the test program"
seq 4 >four
for how in pipe file; do
	for jobs in 1 2; do
		rc=0
		if [ $how = pipe ]; then
			seq 4 | "$deja" hunt -q -j $jobs -s pct:2 --seed 7 -o "$how$jobs.deja" -- ./reader >/dev/null 2>&1 || rc=$?
		else
			"$deja" hunt -q -j $jobs -s pct:2 --seed 7 -o "$how$jobs.deja" -- ./reader <four >/dev/null 2>&1 || rc=$?
		fi
		[ $rc -eq 1 ] || fail "stdin from a $how, -j $jobs: the hunt exited $rc, expected 1 (found)"
		[ ! -e "$how$jobs.deja.stdin" ] || fail "stdin from a $how, -j $jobs: its copy was left behind"
		rc=0
		"$deja" replay -q "$how$jobs.deja" </dev/null >/dev/null 2>&1 || rc=$?
		[ $rc -eq 0 ] || fail "stdin from a $how, -j $jobs: the kept trace did not replay identically ($rc)"
	done
done
note "every hunted run reads the whole stdin, from a pipe or a file"
