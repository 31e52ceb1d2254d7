/*
 * own_code.h: whether a code location is the program's own (its Python
 * files, its executable) rather than what it runs on (CPython's standard
 * library and installed packages, deja's own Python hook, the interpreter,
 * libc and other shared libraries).  `deja bisect` prefers a deciding pair
 * whose events are the program's own: that pair is the one a person can
 * act on.  Pure.
 */
#ifndef DEJA_OWN_CODE_H
#define DEJA_OWN_CODE_H

#include <stdbool.h>

/* A Python source file (a code object's co_filename) of the program:
 * not "<frozen ...>" or "<string>", and not under an installation's
 * lib/pythonX.Y (the standard library) or a site-packages or
 * dist-packages directory. */
bool own_python_file(const char *path);

/* A native call site's module (its image's file name, "libc.so.6") is
 * the program's own when it is the executable's file name. */
bool own_module(const char *module, const char *exe_path);

#endif
