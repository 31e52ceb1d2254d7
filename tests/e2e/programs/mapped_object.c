/*
 * mapped_object.c: reads an object file by mapping it, as gcc's LTO
 * compiler (lto1) reads the .o files of its link (mapped_files.sh).
 *
 * Writes an ELF relocatable object (a header of type ET_REL and a
 * payload) to a temporary file, maps it private and read-only, prints the
 * type and a checksum of what it mapped, and removes the file, as gcc
 * removes its temporary objects.
 */
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

enum { PAYLOAD = 3000 };

static int write_object(const char *path)
{
	unsigned char bytes[sizeof(Elf64_Ehdr) + PAYLOAD];
	Elf64_Ehdr h = { .e_type = ET_REL, .e_machine = EM_X86_64, .e_version = EV_CURRENT,
			 .e_ehsize = sizeof(Elf64_Ehdr) };
	memcpy(h.e_ident, ELFMAG, SELFMAG);
	h.e_ident[EI_CLASS] = ELFCLASS64;
	h.e_ident[EI_DATA] = ELFDATA2LSB;
	h.e_ident[EI_VERSION] = EV_CURRENT;
	memcpy(bytes, &h, sizeof(h));
	for (int i = 0; i < PAYLOAD; i++)
		bytes[sizeof(h) + i] = (unsigned char)(i * 7 + 3);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, bytes, sizeof(bytes)) != (ssize_t)sizeof(bytes) || close(fd) != 0)
		return -1;
	return (int)sizeof(bytes);
}

int main(void)
{
	const char *path = "mapped_object.o";
	int size = write_object(path);
	int fd = open(path, O_RDONLY);
	if (size < 0 || fd < 0) {
		perror(path);
		return 2;
	}
	const unsigned char *p = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	unsigned long sum = 0;
	for (int i = 0; i < size; i++)
		sum = sum * 31 + p[i];
	printf("object type %d, %d bytes, checksum %lu\n", ((const Elf64_Ehdr *)p)->e_type, size, sum);
	close(fd);
	unlink(path);
	return 0;
}
