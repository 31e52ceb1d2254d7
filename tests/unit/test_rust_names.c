/*
 * test_rust_names.c: Rust's v0 symbols read back into paths
 * (recorder/rust_names.c): the standard library's call sites deja records
 * for a Rust program (a futex lock, a thread's join, a trait method, a
 * generic function, a closure), and symbols that are not v0 names or do
 * not fit, which are left to the caller.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "rust_names.h"

static void reads_as(const char *symbol, const char *expected)
{
	char out[512];
	assert_true(rust_name(symbol, out, sizeof(out)));
	assert_string_equal(out, expected);
}

static void std_call_sites(void **state)
{
	(void)state;
	reads_as("_RNvMNtNtNtNtCsjrHSEGnQ3l9_3std3sys4sync5mutex5futexNtB2_5Mutex14lock_contended",
		 "<std::sys::sync::mutex::futex::Mutex>::lock_contended");
	reads_as("_RNvMs0_NtNtNtCsjrHSEGnQ3l9_3std3sys6thread4unixNtB5_6Thread4join",
		 "<std::sys::thread::unix::Thread>::join");
	reads_as("_RNvXs_NtNtCsjrHSEGnQ3l9_3std2io5stdioNtB4_9StdoutRawNtB6_5Write9write_all",
		 "<std::io::stdio::StdoutRaw as std::io::Write>::write_all");
	reads_as("_RINvNtCsjrHSEGnQ3l9_3std2io19default_read_to_endRNtNtB4_2fs4FileEB4_",
		 "std::io::default_read_to_end<&std::fs::File>");
	reads_as("_RNCNvCs1234_7mycrate4main0B3_", "mycrate::main::{closure#0}");
	reads_as("_RINvCs1_1a1fTjRShEEB2_", "a::f<(usize, &[u8])>");
}

static void not_read(void **state)
{
	(void)state;
	char out[64];
	assert_false(rust_name("_ZN3std2io5stdio6_print17h0123456789abcdefE", out, sizeof(out)));
	assert_false(rust_name("main", out, sizeof(out)));
	assert_false(rust_name("_R", out, sizeof(out)));
	assert_false(rust_name("_Reent_helper", out, sizeof(out)));
	assert_false(rust_name("_RNvCs1_1a", out, sizeof(out)));      /* cut short */
	assert_false(rust_name("_RNvB9_1a", out, sizeof(out)));       /* a backref forwards */
	assert_false(rust_name("_RNvMNtNtNtNtCsjrHSEGnQ3l9_3std3sys4sync5mutex5futexNtB2_5Mutex14lock_contended",
			       out, 16)); /* too long for out */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(std_call_sites),
		cmocka_unit_test(not_read),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
