/*
 * file_identity.h: what tells a recorded executable or library from
 * another file at its path, so that a replay refuses a changed one.
 */
#ifndef DEJA_FILE_IDENTITY_H
#define DEJA_FILE_IDENTITY_H

/* The file's identity as 16 hex digits: for an ELF file with a GNU build
 * ID, the xxh3-64 of that ID seeded with the file's size; for any other
 * file, the xxh3-64 of its contents (deja_file_hash).  -1 when the file
 * cannot be read. */
int deja_file_identity(const char *path, char hex[17]);

#endif /* DEJA_FILE_IDENTITY_H */
