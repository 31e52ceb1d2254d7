/*
 * demangle.c: C++ and Rust symbols made readable with libiberty's
 * demangler (see demangle.h), the one GDB and binutils use: it reads C++
 * (the Itanium ABI) and both of Rust's manglings, the legacy one (C++'s,
 * with a hash of the item as its last component) and v0 ("_R...").
 *
 * Without DMGL_PARAMS a C++ name comes without its parameter list (a call
 * site names a function, its overload is noise: "Pool::submit", and a
 * lambda's "main::{lambda()#1}::operator()"), and without DMGL_VERBOSE
 * Rust's hashes and crate disambiguators are left out.
 */
#include "demangle.h"

#include <libiberty/demangle.h>

char *demangled_name(const char *symbol)
{
	return symbol ? cplus_demangle(symbol, DMGL_AUTO) : NULL;
}
