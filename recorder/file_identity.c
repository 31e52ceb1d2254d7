/*
 * file_identity.c: a file's identity for a recording (see
 * file_identity.h): its GNU build ID when it has one, read with libelf
 * (libdwelf's dwelf_elf_gnu_build_id), else a hash of its contents.
 *
 * Every recording named the program, the runtime, libc and the loader by
 * a hash of their contents (4 MB read from the page cache in each
 * record, and most of it again in each replay, which checks them).  The linker writes a build ID that is a hash of its
 * whole output (Debian's gcc asks for SHA-1), so a rebuilt program or an
 * upgraded library gets a new one, as debuggers and debuginfod rely on;
 * reading it takes the ELF headers and one note.  A file changed after it
 * was linked keeps its ID, so the size is taken in too: stripping or
 * patching a file changes it.
 */
#include "file_identity.h"

#include <elfutils/libdwelf.h>
#include <fcntl.h>
#include <libelf.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "digest.h"

/* The identity from the build ID of the ELF file open at fd, if it has one. */
static bool build_id_identity(int fd, uint64_t *id)
{
	struct stat sb;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
		return false;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return false;
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf)
		return false;
	const void *bytes;
	ssize_t len = elf_kind(elf) == ELF_K_ELF ? dwelf_elf_gnu_build_id(elf, &bytes) : -1;
	if (len > 0)
		*id = XXH3_64bits_withSeed(bytes, (size_t)len, (uint64_t)sb.st_size);
	elf_end(elf);
	return len > 0;
}

int deja_file_identity(const char *path, char hex[17])
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	uint64_t id;
	int rc = 0;
	if (build_id_identity(fd, &id))
		snprintf(hex, 17, "%016llx", (unsigned long long)id);
	else
		rc = deja_fd_hash(fd, hex);
	close(fd);
	return rc;
}
