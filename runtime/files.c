/*
 * files.c: a replay leaves the file system as the recording left it.
 *
 * What a program finds in the file system is input: whether an open
 * succeeds, whether a directory exists, what unlink answers.  And what it
 * does to the file system is a side effect a replay must not repeat: a
 * replay that opened `out.txt` with O_TRUNC again would empty the file its
 * recording wrote, one that created a file with O_EXCL again would fail
 * where the recording succeeded, and a log opened with O_APPEND would grow
 * by one copy per replay.
 *
 * So opens (open, openat, creat, openat2) are recorded as input events,
 * and so are the calls that change names, modes, owners, sizes and times
 * (the syscall table marks them INPUT): a replay gives their recorded
 * results without running them.  Writes to regular files are not run
 * again either (io.c asks rt_files_replay_writes()).
 *
 * A fed open still needs a descriptor behind its number, for the calls
 * that run live on it (mmap, fcntl, fchdir, dup).  The stand-in is the file
 * itself, opened without the flags that would change it (O_CREAT, O_EXCL,
 * O_TRUNC); when that fails (the file is gone, or was never there because
 * the recording created it), an empty memfd.  Reads of it are fed anyway.
 *
 * Output runs again only where the user sees it: the stdout and stderr
 * deja itself was given (a terminal, a pipe to a pager, a file the user
 * redirected to) and other terminals.  Not into files, not into pipes
 * between the program's own processes, whose readers are fed: written
 * again, such a pipe could fill with nobody reading, or kill its writer
 * with SIGPIPE where the recording's write went through.
 *
 * Changing directory is an input too (rt_files_replay_follows).
 *
 * Shared memory is the exception: a memfd or a file in /dev/shm is memory
 * the program maps, so resizing or writing it runs again in a replay
 * (rt_files_replay_runs, rt_files_replay_writes), as it must for the
 * mapped pages to hold what they held.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>

#include "syscall_table.h"

bool rt_files_is_open(long nr)
{
	return nr == SYS_open || nr == SYS_openat || nr == SYS_creat || nr == SYS_openat2;
}

/* The path an open names, or NULL. */
const char *rt_files_open_path(long nr, const long a[6])
{
	return (const char *)(nr == SYS_open || nr == SYS_creat ? a[0] : a[1]);
}

/* An open's directory descriptor and flags, whichever call it was. */
static void open_args(long nr, const long a[6], long *dirfd, long *flags)
{
	*dirfd = AT_FDCWD;
	switch (nr) {
	case SYS_open:
		*flags = a[1];
		break;
	case SYS_creat:
		*flags = O_CREAT | O_WRONLY | O_TRUNC;
		break;
	case SYS_openat2: {
		const struct open_how *how = (const struct open_how *)a[2];
		*dirfd = a[0];
		*flags = how ? (long)how->flags : 0;
		break;
	}
	default:
		*dirfd = a[0];
		*flags = a[2];
		break;
	}
}

/* The file opened with nothing that would change it; a FIFO is opened
 * without waiting for its other end. */
static long open_unchanged(long dirfd, const char *path, long flags)
{
	long keep = flags & ~(long)(O_CREAT | O_EXCL | O_TRUNC);
	long fd = rt_syscall4(SYS_openat, dirfd, path, keep | O_NONBLOCK, 0);
	if (fd == -ENXIO || fd == -EACCES || fd == -EROFS || fd == -ETXTBSY)
		fd = rt_syscall4(SYS_openat, dirfd, path,
				 (keep & ~(long)O_ACCMODE) | O_RDONLY | O_NONBLOCK, 0);
	if (fd >= 0 && !(flags & O_NONBLOCK))
		rt_syscall3(SYS_fcntl, fd, F_SETFL, keep & ~(long)O_NONBLOCK);
	return fd;
}

void rt_files_stand_in(long nr, const long a[6], long fd)
{
	long dirfd, flags;
	open_args(nr, a, &dirfd, &flags);
	const char *path = rt_files_open_path(nr, a);
	long tmp = path ? open_unchanged(dirfd, path, flags) : -EFAULT;
	if (tmp < 0)
		tmp = rt_syscall2(SYS_memfd_create, "deja-stand-in",
				  (flags & O_CLOEXEC) ? MFD_CLOEXEC : 0);
	if (tmp < 0 || tmp == fd) /* already at its number, close-on-exec as asked */
		return;
	rt_syscall3(SYS_dup3, tmp, fd, flags & O_CLOEXEC);
	rt_syscall1(SYS_close, tmp);
}

/* A memfd or a file in /dev/shm: memory as much as a file. */
static bool is_shared_memory(long fd)
{
	struct statfs fs;
	if (rt_syscall2(SYS_fstatfs, fd, &fs) != 0)
		return false;
	return fs.f_type == TMPFS_MAGIC || fs.f_type == HUGETLBFS_MAGIC;
}

mode_t rt_files_type(long fd)
{
	struct stat st;
	return rt_syscall2(SYS_fstat, fd, &st) == 0 ? (st.st_mode & S_IFMT) : 0;
}

/*
 * The standard descriptors' kinds.  Whether a read may wait, a point the
 * scheduler may switch at without preempting, depends on the kind of file
 * read (input_waits.c): a pipe or a terminal may wait, a regular file never
 * does.  A replay feeds the reads of its stdin, which may be anything
 * (deja replay < /dev/null, or from a terminal where the recording read a
 * file): asked there, its kind flagged other switches as preemptions than
 * the recording had, and the replay diverged at the first such switch
 * (pigz -p 2 reading a file, under a random schedule).  So the recording
 * keeps the kinds it found (the trace's run.stdio_kinds) and a replay
 * takes them for the descriptors the process still has as inherited.
 */
static void note_stdio_kinds(void)
{
	struct deja_shared *sh = rt.shared;
	sh->stdio_inherited = 7u;
	if (sh->mode == DEJA_MODE_REPLAY)
		return; /* the supervisor's, from the trace */
	uint32_t kinds = 0;
	for (long fd = 0; fd < 3; fd++)
		kinds |= DEJA_STDIO_KIND_BITS(rt_files_type(fd), fd);
	sh->stdio_kinds = kinds;
}

void rt_files_stdio_replaced(long fd)
{
	if (fd >= 0 && fd < 3)
		__atomic_fetch_and(&rt.shared->stdio_inherited, ~(1u << fd), __ATOMIC_RELAXED);
}

mode_t rt_files_wait_type(long fd)
{
	const struct deja_shared *sh = rt.shared;
	bool inherited = fd >= 0 && fd < 3 &&
			 (__atomic_load_n(&sh->stdio_inherited, __ATOMIC_RELAXED) & (1u << fd));
	mode_t kind = inherited ? DEJA_STDIO_KIND(sh->stdio_kinds, fd) : 0;
	if (sh->mode == DEJA_MODE_REPLAY && kind)
		return kind;
	return rt_files_type(fd);
}

void rt_files_note_user_output(void)
{
	for (int i = 0; i < 2; i++) {
		struct stat st;
		bool open = rt_syscall2(SYS_fstat, i + 1, &st) == 0;
		rt.shared->user_output_dev[i] = open ? st.st_dev : 0;
		rt.shared->user_output_ino[i] = open ? st.st_ino : 0;
	}
	note_stdio_kinds();
}

static bool is_user_output(const struct stat *st)
{
	const struct deja_shared *sh = rt.shared;
	for (int i = 0; i < 2; i++)
		if (sh->user_output_ino[i] && st->st_dev == sh->user_output_dev[i] &&
		    st->st_ino == sh->user_output_ino[i])
			return true;
	return false;
}

bool rt_files_replay_writes(long fd)
{
	struct stat st;
	if (rt_syscall2(SYS_fstat, fd, &st) != 0)
		return false;
	if (is_user_output(&st) || S_ISCHR(st.st_mode)) /* the user sees it; a terminal */
		return true;
	/* A pipe between the program's processes carries nothing in a
	 * replay: its reader is fed.  A socket's peer may be gone. */
	return S_ISREG(st.st_mode) && is_shared_memory(fd);
}

bool rt_files_replay_runs(long nr, const long a[6])
{
	switch (nr) {
	case SYS_ftruncate:
	case SYS_fallocate:
		return rt_files_type(a[0]) == S_IFREG && is_shared_memory(a[0]);
	default:
		return false;
	}
}

/* Changing directory: whether it succeeds depends on the file system
 * (git tries chdir into the repository it is about to create, and only
 * creates it when that fails), so chdir and fchdir are inputs and a replay
 * gives their recorded results.  But the working directory is also state
 * that what a replay runs live resolves relative paths against (an exec
 * of `./prog`, a stand-in open, a library), so where the recording's
 * chdir succeeded the replay's runs too, after its event.  When that
 * fails (the recording made the directory, and it has gone since), the
 * program still gets the recorded success and stays where it was. */
bool rt_files_replay_follows(long nr)
{
	return nr == SYS_chdir || nr == SYS_fchdir;
}

/* ---- opening a FIFO ----
 *
 * Opening a FIFO for reading waits for a writer, and for writing waits
 * for a reader: in the kernel, that would hold the right to run while the
 * other end, perhaps another thread of the program, never gets to open.
 * So a recording opens it without waiting, as attempts: a writer's attempt
 * succeeds once a reader is there (O_NONBLOCK gives ENXIO before); a
 * reader opens at once without waiting and its attempt succeeds once a
 * writer is there (tee() of no bytes' worth tells EAGAIN, a writer without
 * data yet, from 0, none).  Each attempt is an event of the open, its
 * result EAGAIN until the last (an open never gives EAGAIN without
 * O_NONBLOCK), with a 1 ms virtual sleep between, while other threads
 * run; a replay goes through the same attempts, fed.
 */

/* An open with these flags would wait for a FIFO's other end. */
static bool may_wait(long flags)
{
	return !(flags & (O_NONBLOCK | O_PATH)) && (flags & O_ACCMODE) != O_RDWR;
}

static bool is_fifo(long dirfd, const char *path)
{
	struct stat st;
	return path && rt_syscall4(SYS_newfstatat, dirfd, path, &st, 0) == 0 && S_ISFIFO(st.st_mode);
}

/* Whether the FIFO read end fd has a writer: tee() to a scratch pipe
 * waits for data only while writers exist. */
static bool has_writer(long fd)
{
	int scratch[2];
	if (rt_syscall2(SYS_pipe2, scratch, O_CLOEXEC | O_NONBLOCK) != 0)
		return true; /* cannot tell: let the program read */
	long r = rt_syscall4(SYS_tee, fd, scratch[1], 1, SPLICE_F_NONBLOCK);
	rt_syscall1(SYS_close, scratch[0]);
	rt_syscall1(SYS_close, scratch[1]);
	return r != 0;
}

/* Record: one attempt; the descriptor, -EAGAIN, or the open's error.  A
 * reader's descriptor is kept in *reader between attempts. */
static long fifo_attempt(long dirfd, const char *path, long flags, long *reader)
{
	if ((flags & O_ACCMODE) == O_WRONLY) {
		long fd = rt_syscall4(SYS_openat, dirfd, path, flags | O_NONBLOCK, 0);
		if (fd == -ENXIO)
			return -EAGAIN;
		if (fd >= 0)
			rt_syscall3(SYS_fcntl, fd, F_SETFL, flags & ~(long)O_NONBLOCK);
		return fd;
	}
	if (*reader < 0)
		*reader = rt_syscall4(SYS_openat, dirfd, path, flags | O_NONBLOCK, 0);
	if (*reader < 0 || !has_writer(*reader))
		return *reader < 0 ? *reader : -EAGAIN;
	rt_syscall3(SYS_fcntl, *reader, F_SETFL, flags & ~(long)O_NONBLOCK);
	long fd = *reader;
	*reader = -1;
	return fd;
}

/* Between attempts; false when a signal ends the wait, as it ends a
 * FIFO's open natively (EINTR, unless the handler has SA_RESTART). */
static bool fifo_pause(uint64_t site)
{
	return rt_retry_pause(site) != EINTR || rt_signals_restart();
}

long rt_files_open(long nr, const long a[6], uint64_t site)
{
	const struct deja_syscall_info *sc = deja_syscall(nr);
	long dirfd, flags;
	open_args(nr, a, &dirfd, &flags);
	if (!rt_managed() || !may_wait(flags))
		return rt_input(sc, nr, a, site);
	if (rt.shared->mode == DEJA_MODE_REPLAY) { /* the recorded attempts */
		long r;
		while ((r = rt_input(sc, nr, a, site)) == -EAGAIN)
			if (!fifo_pause(site))
				return -EINTR;
		return r;
	}
	const char *path = rt_files_open_path(nr, a);
	if (!is_fifo(dirfd, path))
		return rt_input(sc, nr, a, site);
	long reader = -1, r;
	for (;;) {
		r = rt_io_emulated_event(nr, a, fifo_attempt(dirfd, path, flags, &reader), site);
		if (r != -EAGAIN)
			break;
		if (!fifo_pause(site)) {
			r = -EINTR;
			break;
		}
	}
	if (reader >= 0 && reader != r)
		rt_syscall1(SYS_close, reader); /* a reader's end opened for nothing */
	return r;
}
