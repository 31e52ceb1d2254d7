/*
 * rust_names.h: the readable name of a Rust symbol in the v0 mangling
 * ("_R..."), which the C++ runtime's demangler does not read.  Rust's
 * standard library is built with it, so every call site in std::sync,
 * thread::park and std::process (the futex waits and spawns deja records
 * for a Rust program) was shown as "_RNvMNtNt...lock_contended".
 * symbols.c asks for it before the C++ demangler.
 */
#ifndef DEJA_RUST_NAMES_H
#define DEJA_RUST_NAMES_H

#include <stdbool.h>
#include <stddef.h>

/* Write the readable name of `symbol` into out (at most len bytes, with
 * its NUL): "<std::sys::sync::mutex::futex::Mutex>::lock_contended".
 * False (out unspecified) for a symbol that is not a v0 name deja can
 * read, or whose name does not fit. */
bool rust_name(const char *symbol, char *out, size_t len);

#endif
