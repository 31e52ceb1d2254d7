/*
 * group_kill.c: a kill of a process group the program shares with deja.
 *
 * The program starts in deja's process group, so its kill(0, sig) (a
 * shell's `trap 'kill 0' EXIT`) cannot be sent as it is: it would kill
 * deja, a fork server, and in `deja hunt -j N` the other runs.  The
 * runtime asks the supervisor instead (struct deja_group_kill), which
 * sends it to the members of the group that belong to the run: processes
 * it follows, and children they have just forked that have not yet asked
 * to be followed (their parent is one), read from /proc.
 */
#define _GNU_SOURCE
#include "group_kill.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A process's parent and process group, from /proc/PID/stat (after the
 * command name in parentheses, which may hold anything: state, ppid,
 * pgrp). */
static bool parent_and_group(pid_t pid, pid_t *ppid, pid_t *pgrp)
{
	char path[64], line[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	size_t n = fread(line, 1, sizeof(line) - 1, f);
	fclose(f);
	line[n] = '\0';
	const char *close = strrchr(line, ')');
	char state;
	int pp, pg;
	if (!close || sscanf(close + 1, " %c %d %d", &state, &pp, &pg) != 3)
		return false;
	*ppid = pp;
	*pgrp = pg;
	return true;
}

int group_kill_tree(pid_t pgrp, int sig, pid_t caller, group_kill_in_tree in_tree, void *ctx)
{
	DIR *d = opendir("/proc");
	if (!d)
		return 0;
	int delivered = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		pid_t ppid, group;
		if (*end || pid <= 0 || pid == caller || !parent_and_group((pid_t)pid, &ppid, &group))
			continue;
		if (group != pgrp || !(in_tree(ctx, (pid_t)pid) || in_tree(ctx, ppid)))
			continue;
		if (sig == 0 || kill((pid_t)pid, sig) == 0)
			delivered++;
	}
	closedir(d);
	return delivered;
}
