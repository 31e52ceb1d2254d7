/*
 * test_escapes.c: the pure logic of escape reporting: where the runtime's
 * marker goes (runtime/syscall_marker.c) and whether it can ever clobber
 * an argument the kernel reads, the filter rules against the runtime's
 * marking (every watched call reported unless the runtime marked it), the counting of reports (recorder/escape_log.c) and whose a
 * report is, by the runtime's announcements (recorder/escape_state.c).
 */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <cmocka.h>

#include "escape_log.h"
#include "escape_state.h"
#include "syscall_marker.h"
#include "syscall_table.h"

static int slot_of(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
	const long a[6] = { a0, a1, a2, a3, a4, a5 };
	return deja_marker_slot(nr, a);
}

static void test_marker_slots(void **state)
{
	(void)state;
	assert_int_equal(slot_of(SYS_read, 0, 0, 0, 0, 0, 0), 5);
	assert_int_equal(slot_of(SYS_write, 1, 0, 0, 0, 0, 0), 5);
	assert_int_equal(slot_of(SYS_mmap, 0, 0, 0, 0, 0, 0), -1); /* PASS: never marked */
	assert_int_equal(slot_of(SYS_rt_sigprocmask, 0, 0, 0, 8, 0, 0), -1);
	assert_int_equal(slot_of(SYS_futex, 0, FUTEX_WAIT, 0, 0, 0, 0), 5);
	assert_int_equal(slot_of(SYS_futex, 0, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 0, 0, 0, 0), 5);
	assert_int_equal(slot_of(SYS_futex, 0, FUTEX_WAIT_BITSET, 0, 0, 0, ~0L), -1);
	assert_int_equal(slot_of(SYS_futex, 0, FUTEX_WAKE_BITSET, 0, 0, 0, 1), -1);
	assert_int_equal(slot_of(SYS_futex, 0, FUTEX_CMP_REQUEUE, 0, 0, 0, 7), -1);
	assert_int_equal(slot_of(SYS_futex, 0, FUTEX_WAKE_OP, 0, 0, 0, 7), -1);
	assert_int_equal(slot_of(SYS_futex, 0, FUTEX_CMP_REQUEUE_PI, 0, 0, 0, 7), -1);
	assert_int_equal(slot_of(SYS_futex, 0, 20, 0, 0, 0, 0), -1); /* unknown: maybe read */
	/* The kernel sets val3 itself, or never reads it. */
	assert_int_equal(slot_of(SYS_futex, 0, FUTEX_REQUEUE, 0, 0, 0, 0), 5);
	assert_int_equal(slot_of(SYS_futex, 0, FUTEX_LOCK_PI, 0, 0, 0, 0), 5);
	assert_int_equal(slot_of(SYS_futex, 0, FUTEX_WAIT_REQUEUE_PI, 0, 0, 0, 0), 5);
	assert_int_equal(slot_of(SYS_sendto, 3, 1, 1, 0, 1000, 16), -1);
	assert_int_equal(slot_of(SYS_copy_file_range, 3, 0, 4, 0, 1, 0), -1);
	assert_int_equal(slot_of(SYS_process_vm_readv, 3, 1, 1, 1, 1, 0), -1);
	assert_int_equal(slot_of(SYS_recvfrom, 3, 1, 1, 0, 0, 0), 5);
	assert_int_equal(slot_of(SYS_recvfrom, 3, 1, 1, 0, 1000, 16), -1);
	assert_int_equal(slot_of(SYS_epoll_pwait, 3, 1, 1, 0, 1000, 8), -1);
	assert_int_equal(slot_of(SYS_preadv2, 3, 1, 1, 0, 0, 0), 4);
	assert_int_equal(slot_of(SYS_pselect6, 3, 1, 1, 0, 0, 0), -1);
}

/* The kernel's x86-64 syscalls with six arguments (their sixth, r9, is
 * read): the marker must never land there.  The list is the kernel's,
 * written out independently of syscall_marker.c. */
static void test_six_argument_syscalls_keep_r9(void **state)
{
	(void)state;
	static const long six[] = {
		SYS_mmap, SYS_futex, SYS_recvfrom, SYS_sendto, SYS_pselect6, SYS_epoll_pwait,
		SYS_epoll_pwait2, SYS_splice, SYS_mbind, SYS_process_vm_readv,
		SYS_process_vm_writev, SYS_copy_file_range, SYS_move_pages, SYS_preadv2,
		SYS_pwritev2, SYS_io_pgetevents, SYS_io_uring_enter,
	};
	for (size_t i = 0; i < sizeof(six) / sizeof(six[0]); i++) {
		/* Every argument in use: an address, a sigmask, a bitset op. */
		int slot = slot_of(six[i], 1, FUTEX_WAIT_BITSET, 1, 1, 1, 1);
		if (slot == 5)
			fail_msg("syscall %ld would lose its sixth argument to the marker", six[i]);
	}
}

/* Arguments that meet rule r's condition. */
static void meet(const struct deja_marker_rule *r, long a[6])
{
	if (r->cond_arg < 0)
		return;
	a[r->cond_arg] = (long)(r->cond_op == DEJA_COND_NE ? r->cond_value + 1 : r->cond_value);
}

/* Every filter rule reports exactly the calls the runtime does not mark:
 * for arguments meeting the rule's condition, the runtime puts the marker
 * in the rule's slot, or in none when the rule's form is unmarkable. */
static void test_rules_match_marking(void **state)
{
	(void)state;
	size_t watched = 0;
	for (long nr = 0; nr < DEJA_SYSCALL_LIMIT; nr++) {
		struct deja_marker_rule rules[DEJA_MARKER_RULES_MAX];
		size_t n = deja_marker_rules(nr, rules);
		assert_int_equal(n > 0, deja_marker_watched(nr));
		watched += deja_marker_watched(nr);
		for (size_t i = 0; i < n; i++) {
			long a[6] = { 0 };
			meet(&rules[i], a);
			assert_true(deja_marker_rule_applies(&rules[i], a));
			assert_int_equal(deja_marker_slot(nr, a), rules[i].slot);
		}
	}
	assert_true(watched > 100);
	/* The announcement is a getpid() the filter reports. */
	struct deja_marker_rule r[DEJA_MARKER_RULES_MAX];
	assert_int_equal(deja_marker_rules(SYS_getpid, r), 1);
	assert_true(DEJA_SYSCALL_ANNOUNCE != DEJA_SYSCALL_MARKER);
}

/* What the filter built from the rules does with a call: report it? */
static bool filter_reports(long nr, const long a[6])
{
	struct deja_marker_rule rules[DEJA_MARKER_RULES_MAX];
	size_t n = deja_marker_rules(nr, rules);
	for (size_t i = 0; i < n; i++)
		if (deja_marker_rule_applies(&rules[i], a) &&
		    (rules[i].slot < 0 || a[rules[i].slot] != (long)DEJA_SYSCALL_MARKER))
			return true;
	return false;
}

/* One call, as the program makes it (never the marker) and as the runtime
 * makes it: the first is reported whenever the syscall is watched; the
 * second is reported exactly when no argument is free (the runtime makes
 * those from its announced instruction). */
static void check_call(long nr, const long program[6])
{
	bool watched = deja_marker_watched(nr);
	if (filter_reports(nr, program) != watched)
		fail_msg("syscall %ld, op/arg1 %#lx, arg4 %#lx: %s", nr, program[1], program[4],
			 watched ? "escapes unreported" : "reported, not watched");
	long runtime[6];
	memcpy(runtime, program, sizeof(runtime));
	int slot = deja_marker_slot(nr, runtime);
	if (slot >= 0)
		runtime[slot] = (long)DEJA_SYSCALL_MARKER;
	if (filter_reports(nr, runtime) != (watched && slot < 0))
		fail_msg("syscall %ld, op/arg1 %#lx, arg4 %#lx: the runtime's call %s", nr,
			 program[1], program[4], slot >= 0 ? "reported" : "unreported");
}

/* Every watched syscall is watched, whatever its arguments: every futex
 * command with every flag, recvfrom, sendto and epoll_pwait(2) with and
 * without an address or a set, the rest with arguments all zero and all
 * set. */
static void test_every_watched_call_is_watched(void **state)
{
	(void)state;
	for (long nr = 0; nr < DEJA_SYSCALL_LIMIT; nr++) {
		static const long patterns[][6] = {
			{ 0, 0, 0, 0, 0, 0 },
			{ 3, 1, 1, 1, 1, 1 },
			{ 3, 1, 1, 1, 0x7fff0000, 16 },
			{ -1, -1, -1, -1, -1, -1 },
		};
		for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++)
			check_call(nr, patterns[i]);
	}
	static const long flags[] = { 0, FUTEX_PRIVATE_FLAG, FUTEX_CLOCK_REALTIME,
				       FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME, 0x200 };
	for (long cmd = 0; cmd < 256; cmd++)
		for (size_t f = 0; f < sizeof(flags) / sizeof(flags[0]); f++) {
			const long zero_val3[6] = { 0x1000, cmd | flags[f], 1, 0, 0, 0 };
			const long bitset[6] = { 0x1000, cmd | flags[f], 1, 0, 0x2000, 1 };
			check_call(SYS_futex, zero_val3);
			check_call(SYS_futex, bitset);
		}
}

static void test_log_counts_per_kind(void **state)
{
	(void)state;
	struct escape_log log = { 0 };
	assert_int_equal(escape_log_note(&log, 10, 11, SYS_read, ESCAPE_KIND_ESCAPE, 0x100, 5), 0);
	assert_int_equal(escape_log_note(&log, 10, 12, SYS_read, ESCAPE_KIND_ESCAPE, 0x200, 9), 0);
	assert_int_equal(escape_log_note(&log, 10, 11, SYS_read, ESCAPE_KIND_LOADER, 0x300, 1), 0);
	assert_int_equal(escape_log_note(&log, 20, 20, SYS_read, ESCAPE_KIND_ESCAPE, 0x400, 7), 0);
	assert_int_equal(log.n, 3);
	assert_int_equal(log.v[0].count, 2);
	assert_int_equal(log.v[0].first_ip, 0x100); /* the first report's */
	assert_int_equal(log.v[0].tid, 11);
	assert_int_equal(escape_log_total(&log, ESCAPE_KIND_ESCAPE), 3);
	assert_int_equal(escape_log_rows(&log, ESCAPE_KIND_ESCAPE), 2);
	assert_int_equal(escape_log_total(&log, ESCAPE_KIND_RUNTIME), 0);
	escape_log_free(&log);
}

/* Reports held until a process's runtime announces itself become
 * startup; a process that never does keeps them as escapes. */
static void test_settle_moves_one_process(void **state)
{
	(void)state;
	struct escape_log log = { 0 }, pending = { 0 };
	escape_log_note(&log, 10, 10, SYS_prlimit64, ESCAPE_KIND_STARTUP, 0x50, 2);
	escape_log_note(&pending, 10, 10, SYS_prlimit64, ESCAPE_KIND_ESCAPE, 0x10, 1);
	escape_log_note(&pending, 30, 30, SYS_write, ESCAPE_KIND_ESCAPE, 0x20, 3);
	assert_int_equal(escape_log_settle(&log, &pending, 10, ESCAPE_KIND_STARTUP), 0);
	assert_int_equal(pending.n, 1);
	assert_int_equal(pending.v[0].pid, 30);
	assert_int_equal(log.n, 1);
	assert_int_equal(log.v[0].count, 2);
	assert_int_equal(log.v[0].first_ip, 0x10); /* the earlier of the two */
	assert_int_equal(log.v[0].first_us, 1);
	assert_int_equal(escape_log_settle(&log, &pending, -1, ESCAPE_KIND_ESCAPE), 0);
	assert_int_equal(pending.n, 0);
	assert_int_equal(escape_log_rows(&log, ESCAPE_KIND_ESCAPE), 1);
	struct escape_log copy = { 0 };
	assert_int_equal(escape_log_copy(&copy, &log), 0);
	assert_int_equal(copy.n, 2);
	escape_log_free(&copy);
	escape_log_free(&log);
	escape_log_free(&pending);
}

static void test_kind_names(void **state)
{
	(void)state;
	for (int k = 0; k < ESCAPE_KIND_COUNT; k++)
		assert_int_equal(escape_kind_from_name(escape_kind_name((enum escape_kind)k)), k);
	assert_int_equal(escape_kind_from_name("nonsense"), -1);
}

static const char maps[] =
	"555555554000-555555555000 r--p 00000000 08:01 123 /usr/bin/prog\n"
	"7ffff7dd0000-7ffff7f45000 r-xp 00028000 08:01 456 /usr/lib/x86_64-linux-gnu/libc.so.6\n"
	"7ffff7fc3000-7ffff7fc5000 r--p 00000000 08:01 789 /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2\n"
	"7ffff7fc5000-7ffff7fef000 r-xp 00002000 08:01 789 /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2\n"
	"7ffff7ff0000-7ffff7ff2000 r-xp 00000000 08:01 790 /opt/build/old-ld-tools.so\n"
	"7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0 [stack]";

/* Whether ip lies in the loader's mapping (false too when in none). */
static bool in_loader(const char *text, uint64_t ip)
{
	struct escape_place p;
	return escape_maps_place(text, ip, &p) && p.loader;
}

static void test_loader_by_maps(void **state)
{
	(void)state;
	assert_true(in_loader(maps, 0x7ffff7fea92a));
	assert_true(in_loader(maps, 0x7ffff7fc3000));
	assert_false(in_loader(maps, 0x7ffff7fef000)); /* one past its end */
	assert_false(in_loader(maps, 0x7ffff7e02829)); /* libc */
	assert_false(in_loader(maps, 0x7ffff7ff1000)); /* "ld-" inside a name */
	assert_false(in_loader(maps, 0x7ffffffde100)); /* no file */
	assert_false(in_loader("", 0x1000));
	assert_true(in_loader("1000-2000 r-xp 0 0:0 1 /lib/ld-musl-x86_64.so.1", 0x1800));
	/* The mapping's range, which the watch keeps for the loader's next
	 * reports; none for an address outside every mapping. */
	struct escape_place p;
	assert_true(escape_maps_place(maps, 0x7ffff7fea92a, &p));
	assert_true(p.lo == 0x7ffff7fc5000 && p.hi == 0x7ffff7fef000 && p.loader);
	assert_true(escape_maps_place(maps, 0x7ffff7e02829, &p));
	assert_true(p.lo == 0x7ffff7dd0000 && p.hi == 0x7ffff7f45000 && !p.loader);
	assert_false(escape_maps_place(maps, 0x1000, &p));
}

static int kind_of(const struct escape_state *st, int32_t tid, int32_t *pid)
{
	*pid = -1;
	return escape_state_thread_kind(st, tid, pid);
}

/* A process's life as its runtime announces it: the main thread and a
 * second one managed (their unmarked calls are the runtime's), the second
 * leaving the model, a third taken over by the program, a thread nobody
 * named; then an exec, after which nothing of the process is named. */
static void test_state_follows_announcements(void **state)
{
	(void)state;
	struct escape_state st = { 0 };
	int32_t pid;
	assert_false(escape_state_started(&st, 10));
	assert_int_equal(kind_of(&st, 10, &pid), -1);
	assert_true(escape_state_announce(&st, 10, 10, DEJA_ANNOUNCE_STARTED, 0));
	assert_true(escape_state_started(&st, 10));
	assert_int_equal(kind_of(&st, 10, &pid), ESCAPE_KIND_RUNTIME);
	assert_int_equal(pid, 10);
	assert_true(escape_state_announce(&st, 10, 11, DEJA_ANNOUNCE_THREAD_START, 0));
	assert_true(escape_state_announce(&st, 10, 12, DEJA_ANNOUNCE_THREAD_START, 0));
	assert_int_equal(kind_of(&st, 11, &pid), ESCAPE_KIND_RUNTIME);
	assert_int_equal(pid, 10);
	assert_true(escape_state_announce(&st, 10, 11, DEJA_ANNOUNCE_THREAD_EXIT, 0));
	assert_int_equal(kind_of(&st, 11, &pid), ESCAPE_KIND_EXIT);
	assert_true(escape_state_announce(&st, 10, 12, DEJA_ANNOUNCE_THREAD_ESCAPED, 0));
	assert_int_equal(kind_of(&st, 12, &pid), ESCAPE_KIND_ESCAPE);
	assert_int_equal(kind_of(&st, 13, &pid), -1); /* the caller: an escape, the process runs */
	/* A thread id used again by a new managed thread. */
	assert_true(escape_state_announce(&st, 10, 11, DEJA_ANNOUNCE_THREAD_START, 0));
	assert_int_equal(kind_of(&st, 11, &pid), ESCAPE_KIND_RUNTIME);
	/* Another process is left alone by this one's exec. */
	assert_true(escape_state_announce(&st, 20, 20, DEJA_ANNOUNCE_STARTED, 0));
	assert_true(escape_state_announce(&st, 10, 12, DEJA_ANNOUNCE_EXEC, 0));
	assert_false(escape_state_started(&st, 10));
	for (int32_t tid = 10; tid <= 12; tid++)
		assert_int_equal(kind_of(&st, tid, &pid), -1);
	assert_true(escape_state_started(&st, 20));
	assert_int_equal(kind_of(&st, 20, &pid), ESCAPE_KIND_RUNTIME);
	/* The new image's runtime starts in the thread that exec'd. */
	assert_true(escape_state_announce(&st, 10, 10, DEJA_ANNOUNCE_STARTED, 0));
	assert_int_equal(kind_of(&st, 10, &pid), ESCAPE_KIND_RUNTIME);
	assert_true(escape_state_announce(&st, 10, 10, 999, 0)); /* unknown news: ignored */
	escape_state_free(&st);
}

/* Each started image has its own address for the runtime's unmarkable
 * calls; it goes with the image at exec and comes with the next one's
 * start. */
static void test_own_calls_per_image(void **state)
{
	(void)state;
	struct escape_state st = { 0 };
	assert_false(escape_state_own_call(&st, 10, 0x7000));
	assert_true(escape_state_announce(&st, 10, 10, DEJA_ANNOUNCE_STARTED, 0x7000));
	assert_true(escape_state_announce(&st, 20, 20, DEJA_ANNOUNCE_STARTED, 0x9000));
	assert_true(escape_state_announce(&st, 10, 11, DEJA_ANNOUNCE_THREAD_START, 0x7000));
	assert_true(escape_state_own_call(&st, 10, 0x7000));
	assert_false(escape_state_own_call(&st, 10, 0x7002)); /* another instruction */
	assert_false(escape_state_own_call(&st, 10, 0x9000)); /* another process's */
	assert_false(escape_state_own_call(&st, 30, 0x7000)); /* a process never started */
	assert_true(escape_state_own_call(&st, 20, 0x9000));
	assert_true(escape_state_announce(&st, 10, 10, DEJA_ANNOUNCE_EXEC, 0x7000));
	assert_false(escape_state_own_call(&st, 10, 0x7000)); /* between images */
	assert_true(escape_state_announce(&st, 10, 10, DEJA_ANNOUNCE_STARTED, 0x5000));
	assert_false(escape_state_own_call(&st, 10, 0x7000));
	assert_true(escape_state_own_call(&st, 10, 0x5000));
	assert_true(escape_state_own_call(&st, 20, 0x9000));
	assert_true(escape_state_announce(&st, 40, 40, DEJA_ANNOUNCE_STARTED, 0));
	assert_false(escape_state_own_call(&st, 40, 0)); /* no address: nothing is its own */
	escape_state_free(&st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_marker_slots),
		cmocka_unit_test(test_six_argument_syscalls_keep_r9),
		cmocka_unit_test(test_rules_match_marking),
		cmocka_unit_test(test_every_watched_call_is_watched),
		cmocka_unit_test(test_log_counts_per_kind),
		cmocka_unit_test(test_settle_moves_one_process),
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_loader_by_maps),
		cmocka_unit_test(test_state_follows_announcements),
		cmocka_unit_test(test_own_calls_per_image),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
