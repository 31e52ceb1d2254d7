/*
 * test_demangle.c: call sites' function names as deja shows them
 * (recorder/demangle.c): C++ names without their parameters, Rust's v0
 * and legacy names without their hashes (the standard library's call
 * sites deja records for a Rust program: a futex lock, a thread's join, a
 * trait method, a generic function, a closure), and names that are not
 * mangled or are cut short, which are left to the caller.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "demangle.h"

static void reads_as(const char *symbol, const char *expected)
{
	char *name = demangled_name(symbol);
	assert_non_null(name);
	assert_string_equal(name, expected);
	free(name);
}

static void cxx_names(void **state)
{
	(void)state;
	reads_as("_Z12read_balancev", "read_balance");
	reads_as("_ZN4PoolD2Ev", "Pool::~Pool");
	reads_as("_ZZ4mainENKUlvE_clEv", "main::{lambda()#1}::operator()");
	reads_as("_ZNSt6thread11_State_implINS_8_InvokerISt5tupleIJM4PoolFvvEPS3_EEEEE6_M_runEv",
		 "std::thread::_State_impl<std::thread::_Invoker<std::tuple<void (Pool::*)(),"
		 " Pool*> > >::_M_run");
}

static void rust_names(void **state)
{
	(void)state;
	reads_as("_RNvMNtNtNtNtCsjrHSEGnQ3l9_3std3sys4sync5mutex5futexNtB2_5Mutex14lock_contended",
		 "<std::sys::sync::mutex::futex::Mutex>::lock_contended");
	reads_as("_RNvMs0_NtNtNtCsjrHSEGnQ3l9_3std3sys6thread4unixNtB5_6Thread4join",
		 "<std::sys::thread::unix::Thread>::join");
	reads_as("_RNvXs_NtNtCsjrHSEGnQ3l9_3std2io5stdioNtB4_9StdoutRawNtB6_5Write9write_all",
		 "<std::io::stdio::StdoutRaw as std::io::Write>::write_all");
	reads_as("_RINvNtCsjrHSEGnQ3l9_3std2io19default_read_to_endRNtNtB4_2fs4FileEB4_",
		 "std::io::default_read_to_end::<&std::fs::File>");
	reads_as("_RNCNvCs1234_7mycrate4main0B3_", "mycrate::main::{closure#0}");
	reads_as("_RINvCs1_1a1fTjRShEEB2_", "a::f::<(usize, &[u8])>");
	/* The legacy mangling: C++'s, with the item's hash last. */
	reads_as("_ZN3std2io5stdio6_print17h0123456789abcdefE", "std::io::stdio::_print");
}

static void not_read(void **state)
{
	(void)state;
	static const char *const plain[] = {
		"main", "read_balance", "_R", "_Reent_helper",
		"_RNvCs1_1a", /* cut short */
		"_RNvB9_1a",  /* a back reference forwards */
		"_Z",
	};
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		assert_null(demangled_name(plain[i]));
	assert_null(demangled_name(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cxx_names),
		cmocka_unit_test(rust_names),
		cmocka_unit_test(not_read),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
