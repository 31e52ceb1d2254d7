/*
 * mapped_files.c: a file the program maps to read it is input too.
 *
 * A program that maps a data file (git's index and packs, a parser that
 * maps its input) reads its bytes without a read call.  Run as it is, a
 * replay would map the file as it is now: changed or gone since the
 * recording, the program would see other bytes (or die of SIGBUS on a
 * stand-in with nothing in it).  So a private, non-executable mapping of
 * a regular file is an input event like a read: the recording maps it,
 * then keeps the bytes the file gave the mapping (up to the file's end)
 * with their source; a replay maps anonymous memory at the recorded
 * address instead, copies the recorded bytes into it and gives it the
 * protection the program asked for.
 *
 * Left live, as before: executable mappings and the ELF files the loader
 * maps (executables and shared libraries, ET_EXEC and ET_DYN; the trace
 * keeps their hashes and a replay refuses changed ones); the system's files under /usr (locale data, which every process
 * of a tree maps, hundreds of KiB each, and which only the package manager
 * changes, as it does the libraries); shared mappings (they show the
 * file's later writes, which a copy would not: databases read through one
 * and write with write()); shared memory (a memfd, /dev/shm); more than 2
 * GiB of a file (the trace keeps an event's bytes in one row); and a
 * mapping the recording did not make an event of.  Growing a recorded
 * mapping with mremap shows the live file's further bytes.  Other ELF
 * files are data: gcc's LTO compiler (lto1) maps the relocatable objects
 * of its link, temporary files gone by the time of the replay, whose
 * live mapping of a stand-in died of SIGBUS (`e2e.mapped_files`).
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <errno.h>
#include <elf.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>

#include "model.h"

/* A larger mapping stays live: an event's bytes are fewer than 4 GiB. */
#define MAPPED_BYTES_MAX (1ull << 31)

/* The mmap arguments, by name. */
struct mapping {
	long addr, len, prot, flags, fd, offset;
};

static struct mapping mapping_of(const long a[6])
{
	return (struct mapping){ a[0], a[1], a[2], a[3], a[4], a[5] };
}

/* A private, non-executable mapping of a descriptor: the kind that may
 * be an input. */
static bool may_be_input(const struct mapping *m)
{
	return m->fd >= 0 && !(m->flags & MAP_ANONYMOUS) && !(m->prot & PROT_EXEC) &&
	       (m->flags & MAP_TYPE) == MAP_PRIVATE && m->len > 0;
}

/* An ELF file of a type the loader maps: an executable or a shared
 * library (e_type is at the same place in 32- and 64-bit headers). */
static bool is_loadable_elf(long fd)
{
	Elf64_Ehdr h;
	if (rt_syscall4(SYS_pread64, fd, &h, sizeof(h), 0) != (long)sizeof(h) ||
	    memcmp(h.e_ident, ELFMAG, SELFMAG) != 0)
		return false;
	return h.e_type == ET_EXEC || h.e_type == ET_DYN;
}

static bool is_memory(long fd)
{
	struct statfs fs;
	return rt_syscall2(SYS_fstatfs, fd, &fs) == 0 &&
	       (fs.f_type == TMPFS_MAGIC || fs.f_type == HUGETLBFS_MAGIC);
}

/* Record: how many bytes of the file the mapping holds (0: none, or not
 * a data file's mapping). */
static uint64_t file_bytes(const struct mapping *m)
{
	struct stat st;
	if (rt_syscall2(SYS_fstat, m->fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size <= m->offset || is_memory(m->fd) || is_loadable_elf(m->fd) ||
	    rt_io_fd_path_starts(m->fd, "/usr/"))
		return 0;
	uint64_t rest = (uint64_t)(st.st_size - m->offset);
	return rest < (uint64_t)m->len ? rest : (uint64_t)m->len;
}

static long pass_mmap(const long a[6])
{
	return rt_syscall(SYS_mmap, a[0], a[1], a[2], a[3], a[4], a[5]);
}

static long record_mapping(const long a[6], const struct mapping *m, uint64_t site)
{
	long r = pass_mmap(a);
	if (r < 0 && r > -4096)
		return r;
	uint64_t n = file_bytes(m);
	if (n == 0 || n > MAPPED_BYTES_MAX || !(m->prot & PROT_READ))
		return r;
	return rt_io_memory_input(SYS_mmap, m->fd, (void *)r, n, r, site);
}

/* Replay: the recorded mapping is next in this thread's feed. */
static const struct deja_feed *recorded_mapping(void)
{
	const struct deja_feed *f = rt_io_feed_peek(rt_next_event_of_self());
	return f && f->nr == SYS_mmap && f->result > 0 ? f : NULL;
}

static long replay_mapping(const long a[6], const struct mapping *m, uint64_t site)
{
	const struct deja_feed *f = recorded_mapping();
	if (!f)
		return pass_mmap(a);
	long where = f->result;
	long fixed = (m->flags & MAP_FIXED) ? MAP_FIXED : MAP_FIXED_NOREPLACE;
	long r = rt_syscall(SYS_mmap, where, m->len, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | fixed, -1, 0);
	if (r != where)
		rt_fatal("cannot map a recorded file's bytes where the recording had them");
	long got = rt_io_memory_input(SYS_mmap, m->fd, (void *)where, f->len, where, site);
	rt_syscall3(SYS_mprotect, where, m->len, m->prot);
	return got;
}

long rt_mapped_file(const long a[6], uint64_t site)
{
	struct mapping m = mapping_of(a);
	if (!rt_managed() || !may_be_input(&m))
		return pass_mmap(a);
	if (rt.shared->mode == DEJA_MODE_REPLAY)
		return replay_mapping(a, &m, site);
	return record_mapping(a, &m, site);
}
