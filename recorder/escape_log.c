/*
 * escape_log.c: counting the syscalls that escaped the runtime (see
 * escape_log.h).
 */
#include "escape_log.h"

#include <stdlib.h>
#include <string.h>

#include "grow.h"

int escape_log_merge(struct escape_log *log, const struct escape_entry *add, enum escape_kind kind)
{
	for (size_t i = 0; i < log->n; i++) {
		struct escape_entry *e = &log->v[i];
		if (e->pid != add->pid || e->nr != add->nr || e->kind != kind)
			continue;
		e->count += add->count;
		if (add->first_us < e->first_us) {
			e->first_us = add->first_us;
			e->first_ip = add->first_ip;
			e->tid = add->tid;
		}
		return 0;
	}
	if (!grow_array(&log->v, &log->cap, log->n + 1, sizeof(*log->v), 16))
		return -1;
	log->v[log->n] = *add;
	log->v[log->n++].kind = (uint8_t)kind;
	return 0;
}

int escape_log_note(struct escape_log *log, int32_t pid, int32_t tid, int32_t nr,
		    enum escape_kind kind, uint64_t ip, uint64_t us)
{
	const struct escape_entry e = {
		.pid = pid, .tid = tid, .process = -1, .nr = nr, .kind = (uint8_t)kind,
		.count = 1, .first_ip = ip, .first_us = us,
	};
	return escape_log_merge(log, &e, kind);
}

int escape_log_settle(struct escape_log *to, struct escape_log *from, int32_t pid,
		      enum escape_kind kind)
{
	size_t kept = 0;
	int rc = 0;
	for (size_t i = 0; i < from->n; i++) {
		const struct escape_entry *e = &from->v[i];
		if ((pid == -1 || e->pid == pid) && rc == 0 && escape_log_merge(to, e, kind) == 0)
			continue;
		if (pid == -1 || e->pid == pid)
			rc = -1; /* could not move it: kept where it was */
		from->v[kept++] = *e;
	}
	from->n = kept;
	return rc;
}

uint64_t escape_log_total(const struct escape_log *log, enum escape_kind kind)
{
	uint64_t total = 0;
	for (size_t i = 0; i < log->n; i++)
		if (log->v[i].kind == kind)
			total += log->v[i].count;
	return total;
}

size_t escape_log_rows(const struct escape_log *log, enum escape_kind kind)
{
	size_t rows = 0;
	for (size_t i = 0; i < log->n; i++)
		rows += log->v[i].kind == kind;
	return rows;
}

void escape_log_clear(struct escape_log *log)
{
	log->n = 0;
}

void escape_log_free(struct escape_log *log)
{
	free(log->v);
	*log = (struct escape_log){ 0 };
}

int escape_log_copy(struct escape_log *dst, const struct escape_log *src)
{
	escape_log_clear(dst);
	if (src->n > dst->cap) {
		struct escape_entry *v = realloc(dst->v, src->n * sizeof(*v));
		if (!v)
			return -1;
		dst->v = v;
		dst->cap = src->n;
	}
	if (src->n)
		memcpy(dst->v, src->v, src->n * sizeof(*dst->v));
	dst->n = src->n;
	return 0;
}

static const char *const kind_names[ESCAPE_KIND_COUNT] = { "escape", "loader", "startup",
							     "exit", "runtime" };

const char *escape_kind_name(enum escape_kind kind)
{
	return (unsigned)kind < ESCAPE_KIND_COUNT ? kind_names[kind] : "?";
}

int escape_kind_from_name(const char *name)
{
	for (int k = 0; k < ESCAPE_KIND_COUNT; k++)
		if (strcmp(kind_names[k], name) == 0)
			return k;
	return -1;
}

static bool loader_path(const char *path, size_t len)
{
	const char *base = path;
	for (size_t i = 0; i < len; i++)
		if (path[i] == '/')
			base = path + i + 1;
	size_t blen = len - (size_t)(base - path);
	return (blen > 3 && strncmp(base, "ld-", 3) == 0) ||
	       (blen >= 5 && strncmp(base, "ld.so", 5) == 0);
}

/* One line: "START-END PERMS OFFSET DEV INODE   PATH"; whether it holds ip. */
static bool line_place(const char *line, const char *end, uint64_t ip, struct escape_place *out)
{
	char *after;
	uint64_t lo = strtoull(line, &after, 16);
	if (after >= end || *after != '-')
		return false;
	uint64_t hi = strtoull(after + 1, &after, 16);
	if (ip < lo || ip >= hi)
		return false;
	const char *path = memchr(line, '/', (size_t)(end - line));
	*out = (struct escape_place){ lo, hi, path && loader_path(path, (size_t)(end - path)) };
	return true;
}

bool escape_maps_place(const char *maps, uint64_t ip, struct escape_place *out)
{
	for (const char *line = maps; *line;) {
		const char *end = strchr(line, '\n');
		if (!end)
			end = line + strlen(line);
		if (line_place(line, end, ip, out))
			return true;
		line = *end ? end + 1 : end;
	}
	return false;
}
