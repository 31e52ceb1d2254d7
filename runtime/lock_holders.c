/*
 * lock_holders.c: which of the process's own descriptors hold a file lock
 * that another thread's attempt found in its way.
 *
 * flock locks and open file description (OFD) locks belong to an open
 * file, so two threads of one process that open the same file conflict
 * as two processes would.  When a waiting lock call's attempt fails
 * (file_locks.c), the lock may be held by another process, which lets go
 * in its own time, or through another open file of this process, which
 * only a thread of this process can let go: a thread the serialised
 * scheduler must run, and which may itself wait for the first.  The
 * second case is a wait the model keeps (FILE_LOCK_WAIT), so that a cycle
 * of such waits ends as a deadlock with its wait-for graph instead of
 * retrying for ever.
 *
 * The process remembers the descriptors through which its threads took
 * flock and OFD locks, and which thread took each (the holder the
 * wait-for graph names).  The kernel lists the locks an open file holds
 * in /proc/self/fdinfo; kcmp tells whether two descriptors are one open
 * file (a dup, whose lock is the attempt's own).  A fork forgets them
 * all: the child shares the parent's open files, so either could let a
 * lock go, and such a lock is waited for as another process's.
 *
 * Only the recording asks the kernel: what it found is in the attempt's
 * recorded result (DEJA_LOCK_HELD_HERE), which a replay is fed.  The
 * table itself changes only at the lock calls' events and at closes,
 * alike in a replay.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <fcntl.h>
#include <linux/kcmp.h>
#include <stdint.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#define TAKERS 64

/* A descriptor through which a thread of the process took a lock. */
struct taker {
	long fd;
	uint32_t thread;
};

static struct taker takers[TAKERS];
static unsigned ntakers;

void rt_lock_holders_took(long fd, uint32_t thread)
{
	for (unsigned i = 0; i < ntakers; i++)
		if (takers[i].fd == fd) {
			takers[i].thread = thread;
			return;
		}
	if (ntakers < TAKERS) /* beyond that, its locks count as another process's */
		takers[ntakers++] = (struct taker){ fd, thread };
}

bool rt_lock_holders_closed(long fd)
{
	for (unsigned i = 0; i < ntakers; i++)
		if (takers[i].fd == fd) {
			takers[i] = takers[--ntakers];
			return true;
		}
	return false;
}

void rt_lock_holders_after_fork(void)
{
	ntakers = 0;
}

uint32_t rt_lock_holder_thread(long fd)
{
	for (unsigned i = 0; i < ntakers; i++)
		if (takers[i].fd == fd)
			return takers[i].thread;
	return DEJA_NO_THREAD;
}

/* What an attempt asks for: a shared or exclusive lock, over bytes
 * first..last of the file (a flock lock covers the whole file). */
struct lock_want {
	bool flock;
	bool exclusive;
	int64_t first, last;
};

static bool want_of(long nr, const long a[6], const struct stat *st, struct lock_want *w)
{
	w->flock = nr == SYS_flock;
	w->first = 0;
	w->last = INT64_MAX;
	if (w->flock) {
		w->exclusive = (a[1] & LOCK_EX) != 0;
		return true;
	}
	const struct flock *fl = (const struct flock *)a[2];
	w->exclusive = fl->l_type == F_WRLCK;
	int64_t base = 0;
	if (fl->l_whence == SEEK_CUR)
		base = rt_syscall3(SYS_lseek, a[0], 0, SEEK_CUR);
	else if (fl->l_whence == SEEK_END)
		base = st->st_size;
	if (base < 0)
		return false;
	int64_t start = base + fl->l_start;
	if (fl->l_len > 0) {
		w->first = start;
		w->last = start + fl->l_len - 1;
	} else if (fl->l_len < 0) {
		w->first = start + fl->l_len;
		w->last = start - 1;
	} else {
		w->first = start;
	}
	return true;
}

static const char *skip_blanks(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static const char *next_field(const char *p)
{
	while (*p && *p != ' ' && *p != '\t' && *p != '\n')
		p++;
	return skip_blanks(p);
}

static bool field_is(const char *p, const char *word)
{
	size_t n = strlen(word);
	return strncmp(p, word, n) == 0 && (p[n] == ' ' || p[n] == '\t');
}

static int64_t parse_offset(const char *p)
{
	if (strncmp(p, "EOF", 3) == 0)
		return INT64_MAX;
	int64_t v = 0;
	while (*p >= '0' && *p <= '9')
		v = v * 10 + (*p++ - '0');
	return v;
}

/* One "lock:" line of fdinfo, after the prefix: "1: FLOCK  ADVISORY  WRITE
 * PID MAJ:MIN:INODE START END".  Does it stand in w's way? */
static bool line_conflicts(const char *p, const struct lock_want *w)
{
	p = next_field(skip_blanks(p)); /* the lock's number */
	if (!field_is(p, w->flock ? "FLOCK" : "OFDLCK"))
		return false;
	p = next_field(next_field(p)); /* ADVISORY */
	bool write = field_is(p, "WRITE");
	if (!write && !w->exclusive)
		return false; /* two shared locks */
	p = next_field(next_field(next_field(p))); /* the pid and the inode */
	int64_t first = parse_offset(p);
	int64_t last = parse_offset(next_field(p));
	return first <= w->last && w->first <= last;
}

static bool holds_conflicting(long fd, const struct lock_want *w)
{
	char buf[4096];
	if (rt_read_fdinfo(fd, buf, sizeof(buf)) <= 0)
		return false;
	for (const char *p = buf; (p = strstr(p, "lock:")) != NULL;) {
		p += 5;
		if (line_conflicts(p, w))
			return true;
	}
	return false;
}

/* Two descriptors of one open file: kcmp says 0.  (Where the kernel has
 * no kcmp, they count as two, and a dup's own lock as in the way.) */
static bool same_open_file(long pid, long fd1, long fd2)
{
	return rt_syscall5(SYS_kcmp, pid, pid, KCMP_FILE, fd1, fd2) == 0;
}

long rt_lock_holder_fd(long nr, const long a[6])
{
	struct stat want_st;
	struct lock_want w;
	if (ntakers == 0 || rt_syscall2(SYS_fstat, a[0], &want_st) < 0 ||
	    !want_of(nr, a, &want_st, &w))
		return -1;
	long pid = rt_syscall0(SYS_getpid);
	for (unsigned i = 0; i < ntakers; i++) {
		long fd = takers[i].fd;
		struct stat st;
		if (fd == a[0] || rt_syscall2(SYS_fstat, fd, &st) < 0 ||
		    st.st_dev != want_st.st_dev || st.st_ino != want_st.st_ino)
			continue;
		if (!same_open_file(pid, a[0], fd) && holds_conflicting(fd, &w))
			return fd;
	}
	return -1;
}
