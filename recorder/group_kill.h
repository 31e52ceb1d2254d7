/*
 * group_kill.h: a kill of a process group the program shares with deja,
 * sent to the program's processes in it only (group_kill.c).
 */
#ifndef DEJA_GROUP_KILL_H
#define DEJA_GROUP_KILL_H

#include <stdbool.h>
#include <sys/types.h>

/* Is pid a process of the run's tree (one the supervisor follows)? */
typedef bool (*group_kill_in_tree)(void *ctx, pid_t pid);

/* Send sig (0: none, only count) to every process in group pgrp that is
 * a process of the run's tree, or whose parent is one (a child just
 * forked, not yet followed), except `caller`.  Returns how many. */
int group_kill_tree(pid_t pgrp, int sig, pid_t caller, group_kill_in_tree in_tree, void *ctx);

#endif /* DEJA_GROUP_KILL_H */
