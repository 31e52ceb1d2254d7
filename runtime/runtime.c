/*
 * runtime.c: start-up of libdeja-runtime.so inside the target.
 *
 * The constructor attaches to the supervisor's shared memory (its fd is in
 * DEJA_SHM_FD), registers the main thread as thread 0 of the model, lists
 * the loaded ELF objects for symbolising call sites, installs the syscall
 * trap and records the first event.  A forked child gets a channel of its
 * own instead (fork.c), through the process socket in DEJA_PROC_FD.
 * Without DEJA_SHM_FD (a program exec'd
 * by the target, or the library loaded by hand) the runtime stays inactive
 * and every interposer forwards to libc.
 */
#define _GNU_SOURCE
#include "runtime.h"

#include <link.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>

#include "model.h"
#include "syscall_marker.h"

struct rt_state rt;
__thread uint32_t rt_self __attribute__((tls_model("initial-exec"))) = DEJA_NO_THREAD;

void rt_write_stderr(const char *msg)
{
	rt_syscall3(SYS_write, 2, msg, strlen(msg));
}

char *rt_decimal(char *dst, long v)
{
	char digits[24];
	int n = 0;
	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0 && n < 20);
	while (n > 0)
		*dst++ = digits[--n];
	*dst = '\0';
	return dst;
}

long rt_read_proc(const char *path, char *buf, size_t size)
{
	long fd = rt_syscall3(SYS_open, path, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return fd;
	long len = rt_syscall3(SYS_read, fd, buf, size - 1);
	rt_syscall1(SYS_close, fd);
	buf[len > 0 ? len : 0] = '\0';
	return len;
}

long rt_read_fdinfo(long fd, char *buf, size_t size)
{
	char path[48] = "/proc/self/fdinfo/";
	rt_decimal(path + strlen(path), fd);
	return rt_read_proc(path, buf, size);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

const char *rt_parse_hex(const char *p, const char *end, uint64_t *v)
{
	*v = 0;
	for (int d; p < end && (d = hex_digit(*p)) >= 0; p++)
		*v = *v << 4 | (uint64_t)d;
	return p;
}

void rt_fatal(const char *msg)
{
	rt_write_stderr("deja runtime: ");
	rt_write_stderr(msg);
	rt_write_stderr("\n");
	if (rt.shared) {
		size_t n = strlen(msg);
		if (n >= DEJA_MESSAGE_MAX)
			n = DEJA_MESSAGE_MAX - 1;
		memcpy(rt.shared->message, msg, n);
		rt.shared->message[n] = '\0';
		__atomic_store_n(&rt.shared->outcome, DEJA_OUTCOME_ERROR, __ATOMIC_RELEASE);
	}
	rt_syscall1(SYS_exit_group, DEJA_RUNTIME_EXIT_STATUS);
	__builtin_unreachable();
}

static void copy_path(char *dst, const char *src)
{
	size_t n = strlen(src);
	if (n >= DEJA_PATH_MAX)
		n = DEJA_PATH_MAX - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int add_module(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	(void)data;
	struct deja_shared *sh = rt.shared;
	if (sh->nmodules >= DEJA_MAX_MODULES)
		return 1;
	struct deja_module *mod = &sh->modules[sh->nmodules];
	uint64_t lo = UINT64_MAX, hi = 0;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD)
			continue;
		uint64_t start = info->dlpi_addr + ph->p_vaddr;
		if (start < lo)
			lo = start;
		if (start + ph->p_memsz > hi)
			hi = start + ph->p_memsz;
	}
	if (hi == 0)
		return 0;
	mod->base = info->dlpi_addr;
	mod->lo = lo;
	mod->hi = hi;
	mod->image = sh->image;
	if (info->dlpi_name && info->dlpi_name[0]) {
		copy_path(mod->path, info->dlpi_name);
	} else {
		/* The main program has an empty name. */
		long n = rt_syscall3(SYS_readlink, "/proc/self/exe", mod->path,
				     DEJA_PATH_MAX - 1);
		mod->path[n > 0 ? n : 0] = '\0';
	}
	__atomic_store_n(&sh->nmodules, sh->nmodules + 1, __ATOMIC_RELEASE);
	return 0;
}

/* ThreadSanitizer's runtime is loaded: it takes over the pthread calls
 * too, after deja's, so it would see none of the program's locking and
 * report races that are not there, and its own thread escapes deja.  Such
 * a program is refused rather than half traced. */
static void refuse_thread_sanitizer(void)
{
	const struct deja_shared *sh = rt.shared;
	for (uint32_t i = 0; i < sh->nmodules && i < DEJA_MAX_MODULES; i++)
		if (strstr(sh->modules[i].path, "/libtsan.so"))
			rt_fatal("the program is built with -fsanitize=thread, which deja cannot run:"
				 " ThreadSanitizer takes over the pthread calls deja schedules and"
				 " would report races that are not there; build it without");
}

/* The current image's modules are the last ones listed: drop them, to
 * list them again (earlier images' stay, for their call sites). */
static void forget_image_modules(struct deja_shared *sh)
{
	uint32_t n = sh->nmodules < DEJA_MAX_MODULES ? sh->nmodules : DEJA_MAX_MODULES;
	while (n > 0 && sh->modules[n - 1].image == sh->image)
		n--;
	sh->nmodules = n;
}

static unsigned long long modules_seen_adds;

static int count_adds(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	*(unsigned long long *)data = info->dlpi_adds;
	return 1;
}

void rt_refresh_modules(void)
{
	unsigned long long adds = 0;
	rt_libc_enter();
	dl_iterate_phdr(count_adds, &adds);
	if (adds != modules_seen_adds) {
		modules_seen_adds = adds;
		forget_image_modules(rt.shared);
		dl_iterate_phdr(add_module, NULL);
	}
	rt_libc_leave();
}

extern char **environ;
/* The dynamic loader's note of where the main thread's stack began (at
 * argc): the program's frames all lie below it. */
extern void *__libc_stack_end;

/* DEJA_SHM_FD (or DEJA_PROC_FD, DEJA_TREE_FD), taken out of the environment so that the program and what
 * it runs do not see it.  The environment is read directly: a program may
 * define its own getenv and unsetenv (bash does, over its variables). */
static const char *take_variable(const char *name)
{
	size_t len = strlen(name);
	for (char **ep = environ; ep && *ep; ep++) {
		if (strncmp(*ep, name, len) != 0)
			continue;
		const char *value = *ep + len;
		char **dp = ep;
		do
			dp[0] = dp[1];
		while (*dp++);
		return value;
	}
	return NULL;
}

/* deja's runtime, taken out of LD_PRELOAD as the program sees it.
 * Natively the variable is not there, or holds only the program's own
 * preloads; under deja `printenv`, `env -i PATH=... printenv` in a
 * child and Python's os.environ showed it, padded with hundreds of
 * spaces.  The loader has read it already, and every exec the trap sees
 * puts it back (exec.c).  The string stays where it lies (the layout of
 * the stack's top: protocol.h, DEJA_ENV_PRELOAD_WIDTH); only its entry
 * goes, or, with preloads of the program's own after deja's, its value
 * becomes theirs. */
static void hide_own_preload(const char *runtime_path)
{
	static const char name[] = "LD_PRELOAD=";
	size_t n = sizeof(name) - 1, len = strlen(runtime_path);
	for (char **ep = environ; ep && *ep; ep++) {
		if (strncmp(*ep, name, n) != 0 || strncmp(*ep + n, runtime_path, len) != 0)
			continue;
		char *rest = *ep + n + len;
		while (*rest == ' ')
			rest++;
		if (*rest == ':' && rest[1]) {
			memmove(*ep + n, rest + 1, strlen(rest + 1) + 1);
			return;
		}
		char **dp = ep;
		do
			dp[0] = dp[1];
		while (*dp++);
		return;
	}
}

static long parse_fd(const char *s)
{
	long v = 0;
	if (!s || !*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

/*
 * The channel is mapped at a fixed address, not where the kernel would put
 * it: a replay's channel is larger than its recording's (it carries the
 * recorded inputs), and in the kernel's mmap area that would move every
 * later mapping (a dlopen'ed library, a malloc arena), so that pointers the
 * program prints or hashes would differ from the recording's.  The slots lie
 * below the usual mmap area, in the high memory the sanitizers leave to the
 * program; a process that inherits a channel (a forked child) takes the
 * next free slot.
 */
#define CHANNEL_SLOT0 0x7f0000000000L
#define CHANNEL_SLOT_STRIDE (64L << 30)
#define CHANNEL_SLOTS 16

static long map_channel(long fd, uint64_t size)
{
	for (long i = 0; i < CHANNEL_SLOTS; i++) {
		long at = CHANNEL_SLOT0 - i * CHANNEL_SLOT_STRIDE;
		long p = rt_syscall((long)SYS_mmap, at, (long)size, PROT_READ | PROT_WRITE,
				    MAP_SHARED | MAP_FIXED_NOREPLACE, fd, 0);
		if (p == at)
			return p;
		if (p >= 0) /* a kernel without MAP_FIXED_NOREPLACE took it as a hint */
			rt_syscall2(SYS_munmap, p, (long)size);
	}
	rt_write_stderr("deja: no fixed slot for the shared channel: later mappings of this "
			"process may lie elsewhere in a replay\n");
	return rt_syscall((long)SYS_mmap, 0, (long)size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
}

/* One field of the channel's header, read before it is mapped (the whole
 * is far too big for a stack). */
static uint64_t channel_field(long fd, size_t offset)
{
	uint64_t v;
	if (rt_syscall4(SYS_pread64, fd, &v, sizeof(v), offset) != (long)sizeof(v))
		rt_fatal("cannot read the shared channel");
	return v;
}

/* A replay starts the program's process while it still reads the trace,
 * and lays the channel out meanwhile (protocol.h, laid_out): wait for it.
 * The wait maps the channel's first page where the channel itself goes
 * next, so that it moves no later mapping. */
static void wait_laid_out(long fd)
{
	_Static_assert(offsetof(struct deja_shared, laid_out) % 8 == 0, "laid_out: a field read alone");
	if ((uint32_t)channel_field(fd, offsetof(struct deja_shared, laid_out)))
		return;
	const long page = 4096;
	long p = map_channel(fd, (uint64_t)page);
	if (p < 0 && p > -4096)
		rt_fatal("cannot map the shared channel");
	uint32_t *laid_out = &((struct deja_shared *)p)->laid_out;
	while (!__atomic_load_n(laid_out, __ATOMIC_ACQUIRE)) {
		/* Bounded, as the feed's waits are: a supervisor gone away
		 * kills this process (PR_SET_PDEATHSIG). */
		struct timespec limit = { 0, 100 * 1000 * 1000 };
		rt_syscall4(SYS_futex, laid_out, FUTEX_WAIT, 0, &limit);
	}
	rt_syscall2(SYS_munmap, p, page);
}

struct deja_shared *rt_channel_map(long fd)
{
	_Static_assert(offsetof(struct deja_shared, size) == 8, "deja_shared starts magic, version, size");
	uint64_t magic_version = channel_field(fd, 0);
	if ((uint32_t)magic_version != DEJA_SHARED_MAGIC ||
	    (uint32_t)(magic_version >> 32) != DEJA_PROTOCOL_VERSION)
		rt_fatal("supervisor and runtime speak different protocol versions");
	wait_laid_out(fd);
	uint64_t size = channel_field(fd, offsetof(struct deja_shared, size));
	uint64_t ring = channel_field(fd, offsetof(struct deja_shared, feed_ring_size));
	/* The feed's ring, if any, is mapped again right after the channel:
	 * room for both is taken at once. */
	long p = map_channel(fd, size + ring);
	if (p < 0 && p > -4096)
		rt_fatal("cannot map the shared channel");
	p = rt_feed_ring_map(fd, p, size, channel_field(fd, offsetof(struct deja_shared,
								      feed_bytes_offset)), ring);
	if (p < 0 && p > -4096)
		rt_fatal("cannot map the shared channel's feed ring");
	return (struct deja_shared *)p;
}

int *const rt_own_fds[RT_OWN_FDS] = { &rt.shm_fd, &rt.proc_fd, &rt.tree_fd };

int rt_keep_own_fd(long fd)
{
	long kept = rt_syscall3(SYS_fcntl, fd, F_DUPFD_CLOEXEC, RT_OWN_FD_BASE);
	rt_syscall1(SYS_close, fd);
	return (int)kept;
}

static struct deja_shared *attach(long fd)
{
	struct deja_shared *sh = rt_channel_map(fd);
	rt.shm_fd = rt_keep_own_fd(fd);
	return sh;
}

/* The descriptor the environment variable `name` (with its '=') hands
 * over, kept like the channel's; -1 if none. */
static int take_own_fd(const char *name)
{
	long fd = parse_fd(take_variable(name));
	return fd < 0 ? -1 : rt_keep_own_fd(fd);
}

void rt_channel_views(void)
{
	rt.schedule = NULL;
	rt.schedule_len = 0;
	if (rt.shared->mode == DEJA_MODE_REPLAY) {
		rt.schedule = (const uint32_t *)((const char *)rt.shared +
						 rt.shared->schedule_offset);
		rt.schedule_len = rt.shared->schedule_len;
		rt.ticks = (const uint64_t *)((const char *)rt.shared + rt.shared->ticks_offset);
	}
	rt.script = (const struct deja_script_entry *)((const char *)rt.shared +
						       rt.shared->script_offset);
	rt.script_len = rt.shared->script_len;
	rt.vtimes = (const uint64_t *)((const char *)rt.shared + rt.shared->vtimes_offset);
	rt.vtimes_len = rt.shared->vtimes_len;
}

static void rt_after_fork_child(void)
{
	/* The trap has followed the child (fork.c), or it runs unscheduled. */
	rt_fork_child_after_libc();
}

__attribute__((constructor(101))) static void rt_init(void)
{
	rt_real_init();
	rt_stdio_init();
	rt_program_calls_init();
	const char *fdtext = take_variable(DEJA_ENV_SHM_FD "=");
	if (!fdtext)
		return;
	rt.proc_fd = take_own_fd(DEJA_ENV_PROC_FD "="); /* the process socket (fork.c) */
	rt.tree_fd = take_own_fd(DEJA_ENV_TREE_FD "="); /* the tree's page (output_order.c) */
	if (rt.tree_fd >= 0)
		rt_output_order_attach(rt.tree_fd);
	long fd = parse_fd(fdtext);
	if (fd < 0)
		rt_fatal(DEJA_ENV_SHM_FD " is not a file descriptor number");
	rt.shared = attach(fd);
	rt.model = &rt.shared->model;
	hide_own_preload(rt.shared->runtime_path);
	rt_vdso_rewrite(); /* before the fork server, whose runs inherit it */
	if (rt.shared->server && !rt.shared->server_running) {
		rt.shared->nmodules = 0;
		rt.shared->image = 0;
		dl_iterate_phdr(add_module, NULL);
		rt_announce(DEJA_ANNOUNCE_STARTED); /* the server is the runtime's */
		rt_serve();
	}
	rt_channel_views();
	bool after_exec = __atomic_load_n(&rt.shared->exec_pending, __ATOMIC_ACQUIRE) != 0;
	if (!after_exec && rt.shared->process == 0)
		rt_files_note_user_output();
	/* A served run's modules were listed before the fork; after an exec
	 * the new image's are added. */
	bool served = rt.shared->server && !after_exec;
	if (after_exec) {
		rt.shared->image++; /* the old image's modules stay listed */
	} else if (!served) {
		rt.shared->nmodules = 0;
		rt.shared->image = 0;
	}
	if (!served)
		dl_iterate_phdr(add_module, NULL);
	refuse_thread_sanitizer();
	dl_iterate_phdr(count_adds, &modules_seen_adds);
	pthread_atfork(NULL, NULL, rt_after_fork_child);

	uint32_t main_thread = after_exec ? rt_exec_continue() : deja_model_add_thread(rt.model);
	rt.model->threads[main_thread].os_tid = (int32_t)rt_syscall0(SYS_gettid);
	rt.shared->target_pid = (int32_t)rt_syscall0(SYS_getpid);
	rt.shared->target_ppid = (int32_t)rt_syscall0(SYS_getppid);
	rt_self = main_thread;
	rt_interrupts_stack_top(__libc_stack_end);
	rt.active = true;
	rt_ticks_thread_managed();
	rt_trap_install();
	rt_fault_install();
	rt_signals_install();
	rt_timers_reset();
	if (after_exec)
		rt_timers_after_exec();
	rt_tsc_install();
	rt_unblock_own_signals(); /* an exec deja did not follow may leave them blocked */
	if (after_exec) /* a followed exec ran with every signal blocked */
		rt_signals_after_exec(rt.shared->exec_sigmask);
	rt_trap_arm();
	rt_announce(DEJA_ANNOUNCE_STARTED);
	__atomic_store_n(&rt.shared->runtime_ready, 1, __ATOMIC_RELEASE);
	/* The main thread's thread_start (event 0), or its exec. */
	if (rt.shared->parallel)
		rt_thread_begin(main_thread);
	else
		rt_run();
}
