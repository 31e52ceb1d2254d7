/*
 * test_syscalls.c: the syscall table (runtime/syscalls.def) against the
 * kernel's own list of x86-64 syscall numbers, read from the kernel UAPI
 * header, and the consistency of its classes and buffer descriptions.
 * (That every class has a handler is checked by the compiler: the runtime's
 * dispatch switches over the classes without a default.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "syscall_table.h"

#define KERNEL_HEADER "/usr/include/x86_64-linux-gnu/asm/unistd_64.h"

struct kernel_syscall {
	char name[64];
	long nr;
};

static size_t read_kernel_list(struct kernel_syscall *out, size_t max)
{
	FILE *f = fopen(KERNEL_HEADER, "r");
	assert_non_null(f);
	char line[256];
	size_t n = 0;
	while (fgets(line, sizeof(line), f) && n < max) {
		char name[64];
		long nr;
		if (sscanf(line, "#define __NR_%63s %ld", name, &nr) == 2) {
			snprintf(out[n].name, sizeof(out[n].name), "%s", name);
			out[n].nr = nr;
			n++;
		}
	}
	fclose(f);
	return n;
}

static void every_kernel_syscall_is_in_the_table_at_its_number(void **state)
{
	(void)state;
	static struct kernel_syscall k[DEJA_SYSCALL_LIMIT];
	size_t n = read_kernel_list(k, DEJA_SYSCALL_LIMIT);
	assert_true(n > 300);
	for (size_t i = 0; i < n; i++) {
		const struct deja_syscall_info *sc = deja_syscall(k[i].nr);
		if (!sc->name || strcmp(sc->name, k[i].name) != 0)
			fail_msg("kernel syscall %s is number %ld; the table has %s there",
				 k[i].name, k[i].nr, sc->name ? sc->name : "nothing");
		assert_int_equal(deja_syscall_number(k[i].name), k[i].nr);
	}
	/* And the table has nothing the kernel does not. */
	size_t entries = 0;
	for (long nr = 0; nr < DEJA_SYSCALL_LIMIT; nr++)
		entries += deja_syscall(nr)->name != NULL;
	assert_int_equal(entries, n);
}

static void buffer_descriptions_are_consistent(void **state)
{
	(void)state;
	for (long nr = 0; nr < DEJA_SYSCALL_LIMIT; nr++) {
		const struct deja_syscall_info *sc = deja_syscall(nr);
		if (!sc->name)
			continue;
		assert_true(sc->klass > DEJA_SC_UNKNOWN && sc->klass < DEJA_SC_CLASS_COUNT);
		assert_true(sc->buf_arg >= -1 && sc->buf_arg < 6);
		if (sc->buf_arg < 0 && sc->size_kind != DEJA_SZ_SPECIAL)
			assert_int_equal(sc->size_kind, DEJA_SZ_NONE);
		/* What is fed back in replay must be fully described. */
		if (sc->klass == DEJA_SC_INPUT)
			assert_int_not_equal(sc->size_kind, DEJA_SZ_SPECIAL);
		if (sc->size_kind == DEJA_SZ_ARG || sc->size_kind == DEJA_SZ_IOV ||
		    sc->size_kind == DEJA_SZ_MMSG || sc->size_kind == DEJA_SZ_POLL ||
		    sc->size_kind == DEJA_SZ_SOCKADDR || sc->size_kind == DEJA_SZ_RESULT)
			assert_true(sc->size < 6 && sc->size != (uint32_t)sc->buf_arg);
		if (sc->size_kind == DEJA_SZ_FIXED || sc->size_kind == DEJA_SZ_FIXED_PAIR)
			assert_true(sc->size > 0);
		if (sc->size_kind == DEJA_SZ_FIXED_PAIR)
			assert_true(sc->buf_arg >= 0 && sc->buf_arg < 5);
		if (sc->klass == DEJA_SC_PASS || sc->klass == DEJA_SC_EMULATE ||
		    sc->klass == DEJA_SC_UNSUPPORTED || sc->klass == DEJA_SC_REFUSED)
			assert_int_equal(sc->buf_arg, -1);
	}
}

static void key_syscalls_have_the_right_class(void **state)
{
	(void)state;
	static const struct { const char *name; enum deja_syscall_class c; } want[] = {
		{ "futex", DEJA_SC_EMULATE },       { "rt_sigprocmask", DEJA_SC_EMULATE },
		{ "clone", DEJA_SC_EMULATE },       { "nanosleep", DEJA_SC_EMULATE },
		{ "execve", DEJA_SC_EMULATE },
		{ "read", DEJA_SC_INPUT },          { "getrandom", DEJA_SC_EMULATE },
		{ "recvmsg", DEJA_SC_INPUT },       { "clock_gettime", DEJA_SC_EMULATE },
		{ "write", DEJA_SC_OUTPUT },        { "sendmsg", DEJA_SC_OUTPUT },
		{ "mmap", DEJA_SC_PASS },           { "openat", DEJA_SC_EMULATE },
		{ "io_uring_setup", DEJA_SC_UNSUPPORTED }, { "io_submit", DEJA_SC_UNSUPPORTED },
		{ "getpid", DEJA_SC_INPUT_LIVE },   { "connect", DEJA_SC_INPUT },
		{ "accept4", DEJA_SC_INPUT },       { "rseq", DEJA_SC_REFUSED },
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		long nr = deja_syscall_number(want[i].name);
		assert_true(nr >= 0);
		assert_string_equal(deja_syscall_class_name(deja_syscall(nr)->klass),
				    deja_syscall_class_name(want[i].c));
	}
	assert_null(deja_syscall(999)->name);
	assert_int_equal(deja_syscall(999)->klass, DEJA_SC_UNKNOWN);
	assert_int_equal(deja_syscall(-1)->klass, DEJA_SC_UNKNOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_kernel_syscall_is_in_the_table_at_its_number),
		cmocka_unit_test(buffer_descriptions_are_consistent),
		cmocka_unit_test(key_syscalls_have_the_right_class),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
