/*
 * escape_watch.c: serving the seccomp listener (see escape_watch.h).
 */
#define _GNU_SOURCE
#include "escape_watch.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "grow.h"
#include "fd_passing.h"
#include "escape_state.h"
#include "syscall_marker.h"

/* The mappings recent instruction pointers were found in: reading a
 * process's maps for every report of a program that escapes in a loop
 * would cost more than the report, and the loader makes its 15 or so
 * reports of a process's start from 7 places of one mapping. */
#define PLACE_CACHE 64

struct place {
	int32_t pid;
	struct escape_place where;
};

struct escape_watch {
	int listener;
	int stop_fd;
	pthread_t thread;
	pthread_mutex_t lock; /* log, pending, started, lost */
	struct escape_log log;
	/* Reports from processes whose runtime has not announced itself yet:
	 * startup if it does, escapes if it never does. */
	struct escape_log pending;
	struct timespec started;
	bool lost;            /* a report could not be counted */
	struct escape_state state; /* the serving thread's own, from the announcements */
	struct seccomp_notif *req; /* the serving thread's buffers */
	struct seccomp_notif_resp *resp;
	struct place places[PLACE_CACHE];
	unsigned next_place;
	int32_t last_tid, last_pid; /* thread -> process, the last one asked */
};

static uint64_t micros_since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	int64_t us = (now.tv_sec - t0->tv_sec) * 1000000LL + (now.tv_nsec - t0->tv_nsec) / 1000;
	return us > 0 ? (uint64_t)us : 0;
}

/* The whole of a small /proc file, NUL-terminated, or NULL. */
static char *read_proc(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	size_t cap = 0, len = 0;
	char *buf = NULL;
	for (ssize_t n = 1; n > 0;) {
		if (!grow_array(&buf, &cap, len + 2, 1, 16384)) { /* a byte, and the NUL */
			free(buf);
			buf = NULL;
			break;
		}
		n = read(fd, buf + len, cap - 1 - len);
		if (n > 0)
			len += (size_t)n;
	}
	close(fd);
	if (buf)
		buf[len] = '\0';
	return buf;
}

/* The thread group of a thread (its process), or the thread itself. */
static int32_t process_of(struct escape_watch *w, int32_t tid)
{
	if (tid == w->last_tid)
		return w->last_pid;
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/status", tid);
	char *status = read_proc(path);
	int32_t pid = tid;
	const char *tgid = status ? strstr(status, "\nTgid:") : NULL;
	if (tgid)
		pid = (int32_t)strtol(tgid + 6, NULL, 10);
	free(status);
	w->last_tid = tid;
	w->last_pid = pid;
	return pid;
}

static enum escape_kind place_kind(struct escape_watch *w, int32_t pid, uint64_t ip)
{
	for (unsigned i = 0; i < PLACE_CACHE; i++) {
		const struct place *p = &w->places[i];
		if (p->pid == pid && ip >= p->where.lo && ip < p->where.hi)
			return p->where.loader ? ESCAPE_KIND_LOADER : ESCAPE_KIND_ESCAPE;
	}
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	char *maps = read_proc(path);
	struct escape_place where;
	bool found = maps && escape_maps_place(maps, ip, &where);
	free(maps);
	if (!found)
		return ESCAPE_KIND_ESCAPE;
	w->places[w->next_place++ % PLACE_CACHE] = (struct place){ pid, where };
	return where.loader ? ESCAPE_KIND_LOADER : ESCAPE_KIND_ESCAPE;
}

static void note(struct escape_watch *w, struct escape_log *log, int32_t pid, int32_t tid,
		 const struct seccomp_notif *req, enum escape_kind kind)
{
	pthread_mutex_lock(&w->lock);
	if (escape_log_note(log, pid, tid, req->data.nr, kind, req->data.instruction_pointer,
			    micros_since(&w->started)) != 0)
		w->lost = true;
	pthread_mutex_unlock(&w->lock);
}

/* A process's mappings known so far, forgotten: it has started its
 * runtime or is about to exec another image, whose loader and libraries
 * may lie where others lay (and a pid may come back as another process). */
static void forget_places(struct escape_watch *w, int32_t pid)
{
	for (unsigned i = 0; i < PLACE_CACHE; i++)
		if (w->places[i].pid == pid)
			w->places[i] = (struct place){ 0 };
}

static void take_announcement(struct escape_watch *w, int32_t pid, int32_t tid, long what,
			      uint64_t own_ip)
{
	forget_places(w, pid);
	bool ok = escape_state_announce(&w->state, pid, tid, what, own_ip);
	pthread_mutex_lock(&w->lock);
	if (what == DEJA_ANNOUNCE_STARTED &&
	    escape_log_settle(&w->log, &w->pending, pid, ESCAPE_KIND_STARTUP) != 0)
		ok = false;
	w->lost |= !ok;
	pthread_mutex_unlock(&w->lock);
}

/* While the reporting thread is still stopped in its syscall: whose call
 * it is.  /proc is read only for a thread no announcement has named.  The
 * runtime's own unmarkable calls, made from the address its process
 * announced, are its own as a marked call is: not counted. */
static void classify(struct escape_watch *w, const struct seccomp_notif *req)
{
	int32_t tid = (int32_t)req->pid;
	uint64_t ip = req->data.instruction_pointer;
	if (req->data.nr == SYS_getpid && req->data.args[5] == DEJA_SYSCALL_ANNOUNCE) {
		take_announcement(w, (int32_t)req->data.args[1], tid, (long)req->data.args[0],
				  req->data.args[2]);
		return;
	}
	int32_t pid;
	int kind = escape_state_thread_kind(&w->state, tid, &pid);
	if (kind >= 0 && escape_state_own_call(&w->state, pid, ip))
		return;
	if (kind >= 0) {
		note(w, &w->log, pid, tid, req, (enum escape_kind)kind);
		return;
	}
	pid = process_of(w, tid);
	if (escape_state_own_call(&w->state, pid, ip))
		return;
	if (escape_state_started(&w->state, pid))
		note(w, &w->log, pid, tid, req, ESCAPE_KIND_ESCAPE); /* a thread nobody announced */
	else if (place_kind(w, pid, req->data.instruction_pointer) == ESCAPE_KIND_LOADER)
		note(w, &w->log, pid, tid, req, ESCAPE_KIND_LOADER);
	else
		note(w, &w->pending, pid, tid, req, ESCAPE_KIND_ESCAPE);
}

static void serve_one(struct escape_watch *w, struct seccomp_notif *req,
		      struct seccomp_notif_resp *resp)
{
	memset(req, 0, sizeof(*req));
	if (seccomp_notify_receive(w->listener, req) != 0)
		return; /* the thread died meanwhile, or a signal */
	classify(w, req);
	memset(resp, 0, sizeof(*resp));
	resp->id = req->id;
	resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	/* ENOENT: the thread was killed while it waited; nothing to answer. */
	(void)seccomp_notify_respond(w->listener, resp);
}

static void *serve(void *arg)
{
	struct escape_watch *w = arg;
	struct seccomp_notif *req = w->req;
	struct seccomp_notif_resp *resp = w->resp;
	/* Once every process of the tree is gone the listener hangs up:
	 * from then on only the stop is worth waiting for. */
	bool hung_up = false;
	for (;;) {
		struct pollfd p[2] = { { .fd = w->stop_fd, .events = POLLIN },
				       { .fd = w->listener, .events = POLLIN } };
		if (poll(p, hung_up ? 1 : 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents)
			break;
		if (p[1].revents & POLLIN)
			serve_one(w, req, resp);
		else if (p[1].revents)
			hung_up = true;
	}
	return NULL;
}

struct escape_watch *escape_watch_start(int listener, char *err, size_t errlen)
{
	struct escape_watch *w = calloc(1, sizeof(*w));
	if (!w) {
		close(listener);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	w->listener = listener;
	w->stop_fd = eventfd(0, EFD_CLOEXEC);
	w->last_tid = -1;
	pthread_mutex_init(&w->lock, NULL);
	clock_gettime(CLOCK_MONOTONIC, &w->started);
	/* Allocated here, not in the thread: a watch that cannot serve must
	 * say so now, or the target would wait in its first report for ever. */
	int rc = w->stop_fd < 0 ? errno : -seccomp_notify_alloc(&w->req, &w->resp);
	if (rc == 0)
		rc = pthread_create(&w->thread, NULL, serve, w);
	if (rc != 0) {
		snprintf(err, errlen, "cannot start the escape watch: %s", strerror(rc));
		if (w->req)
			seccomp_notify_free(w->req, w->resp);
		if (w->stop_fd >= 0)
			close(w->stop_fd);
		close(listener);
		pthread_mutex_destroy(&w->lock);
		free(w);
		return NULL;
	}
	return w;
}

void escape_watch_reset(struct escape_watch *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	escape_log_clear(&w->log);
	escape_log_clear(&w->pending);
	w->lost = false;
	clock_gettime(CLOCK_MONOTONIC, &w->started);
	pthread_mutex_unlock(&w->lock);
}

int escape_watch_take(struct escape_watch *w, struct escape_log *out)
{
	if (!w) {
		escape_log_clear(out);
		return 0;
	}
	pthread_mutex_lock(&w->lock);
	/* Whoever has not announced a runtime by now never had one. */
	int rc = escape_log_copy(out, &w->log);
	for (size_t i = 0; i < w->pending.n && rc == 0; i++)
		rc = escape_log_merge(out, &w->pending.v[i], ESCAPE_KIND_ESCAPE);
	bool lost = w->lost;
	pthread_mutex_unlock(&w->lock);
	if (lost)
		fprintf(stderr, "deja: out of memory counting escaped syscalls: some are missing\n");
	return rc;
}

void escape_watch_stop(struct escape_watch *w)
{
	if (!w)
		return;
	uint64_t one = 1;
	while (write(w->stop_fd, &one, sizeof(one)) < 0 && errno == EINTR)
		;
	pthread_join(w->thread, NULL);
	close(w->stop_fd);
	close(w->listener);
	seccomp_notify_free(w->req, w->resp);
	escape_log_free(&w->log);
	escape_log_free(&w->pending);
	escape_state_free(&w->state);
	pthread_mutex_destroy(&w->lock);
	free(w);
}

long escape_marked_syscall(long nr, long a1, long a2, long a3)
{
	return syscall(nr, a1, a2, a3, 0L, 0L, (long)DEJA_SYSCALL_MARKER);
}

int escape_send_listener(int sock, int listener)
{
	char byte = listener >= 0;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	union fd_passing_room room;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	if (listener >= 0)
		fd_passing_attach(&msg, &room, listener);
	long r = escape_marked_syscall(SYS_sendmsg, sock, (long)&msg, MSG_NOSIGNAL);
	if (listener >= 0)
		escape_marked_syscall(SYS_close, listener, 0, 0);
	return r == 1 ? 0 : -1;
}

int escape_receive_listener(int sock)
{
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	union fd_passing_room room;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	fd_passing_expect(&msg, &room);
	ssize_t n;
	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		return -2;
	int fd = fd_passing_take(&msg);
	return byte ? fd : -1;
}
