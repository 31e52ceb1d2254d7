/*
 * demangle.h: the readable name of a C++ or Rust symbol, as deja shows a
 * call site's function (symbols.c).
 */
#ifndef DEJA_DEMANGLE_H
#define DEJA_DEMANGLE_H

/* The symbol demangled without its parameter list or Rust's hashes
 * ("Pool::submit", "<std::sys::thread::unix::Thread>::join",
 * "std::io::stdio::_print"), malloc'd; NULL when it is not a mangled name
 * the demangler reads (a C function's, "main"), or out of memory. */
char *demangled_name(const char *symbol);

#endif /* DEJA_DEMANGLE_H */
