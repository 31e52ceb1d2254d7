/*
 * channel.c: making one process's shared channel (see channel.h).
 */
#define _GNU_SOURCE
#include "channel.h"

#include <errno.h>
#include <linux/futex.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static size_t align64(size_t n)
{
	return (n + 63) & ~(size_t)63;
}

/* Bulk bytes go in with pwrite, not through the mapping: a page the
 * kernel sees wholly written is not zeroed first, where a first touch
 * through the mapping zeroes it (a replay's feed holds every byte the
 * recording read: zeroing 64 MiB cost more than the rest of its setup),
 * and the pages are made without a fault each (read_file's schedule,
 * ticks and feed entries, 1.4 MiB: 0.44 ms, 0.83 through the mapping). */
static int put_bytes(int fd, const void *bytes, size_t len, size_t at)
{
	const uint8_t *from = bytes;
	while (len > 0) {
		ssize_t n = pwrite(fd, from, len, (off_t)at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		from += n;
		at += (size_t)n;
		len -= (size_t)n;
	}
	return 0;
}

/* The memfd, mapped, at `size` bytes: created, or grown from an empty
 * channel's page. */
static int size_channel(struct channel *ch, size_t size, char *err, size_t errlen)
{
	if (ch->fd < 0)
		ch->fd = memfd_create("deja-channel", MFD_CLOEXEC);
	if (ch->fd < 0 || ftruncate(ch->fd, (off_t)size) != 0) {
		snprintf(err, errlen, "cannot create the shared channel: %s", strerror(errno));
		return -1;
	}
	if (ch->sh)
		munmap(ch->sh, ch->size);
	ch->size = size;
	ch->sh = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, ch->fd, 0);
	if (ch->sh == MAP_FAILED) {
		ch->sh = NULL;
		snprintf(err, errlen, "cannot map the shared channel: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int channel_create_empty(struct channel *ch, char *err, size_t errlen)
{
	*ch = (struct channel){ .fd = -1 };
	if (size_channel(ch, (size_t)sysconf(_SC_PAGESIZE), err, errlen) != 0) {
		channel_close(ch);
		return -1;
	}
	ch->sh->magic = DEJA_SHARED_MAGIC;
	ch->sh->version = DEJA_PROTOCOL_VERSION;
	return 0;
}

int channel_create(const struct channel_spec *spec, struct channel *ch, char *err, size_t errlen)
{
	*ch = (struct channel){ .fd = -1 };
	if (channel_lay_out(spec, ch, err, errlen) != 0)
		return -1;
	ch->sh->laid_out = 1; /* nobody has it yet: no one to wake */
	return 0;
}

int channel_lay_out(const struct channel_spec *spec, struct channel *ch, char *err,
		    size_t errlen)
{
	size_t schedule_offset = align64(sizeof(struct deja_shared));
	size_t ticks_offset = align64(schedule_offset + spec->schedule_len * sizeof(uint32_t));
	size_t interrupts_offset = align64(ticks_offset + spec->schedule_len * sizeof(uint64_t));
	size_t feed_offset = align64(interrupts_offset +
				     spec->ninterrupts * sizeof(struct deja_interrupt_stop));
	size_t feed_bytes_offset = feed_offset + spec->feed_count * sizeof(struct deja_feed);
	size_t inline_bytes = spec->feed_ring_size ? 0 : spec->feed_bytes_len;
	size_t vtimes_offset = align64(feed_bytes_offset + inline_bytes);
	size_t script_offset = vtimes_offset + spec->vtimes_len * sizeof(uint64_t);
	size_t size = script_offset + spec->script_room * sizeof(struct deja_script_entry);
	if (spec->feed_ring_size) {
		/* The ring comes last, page aligned: the runtime maps it a
		 * second time right after the channel's end. */
		size_t page = (size_t)sysconf(_SC_PAGESIZE);
		feed_bytes_offset = (size + page - 1) / page * page;
		size = feed_bytes_offset + spec->feed_ring_size;
	}
	if (size_channel(ch, size, err, errlen) != 0) {
		channel_close(ch);
		return -1;
	}
	struct deja_shared *sh = ch->sh;
	char *base = (char *)sh;
	sh->magic = DEJA_SHARED_MAGIC;
	sh->version = DEJA_PROTOCOL_VERSION;
	sh->size = ch->size;
	sh->schedule_offset = schedule_offset;
	sh->schedule_len = spec->schedule_len;
	sh->ticks_offset = ticks_offset;
	if (spec->schedule_len && !spec->ticks)
		memset(base + ticks_offset, 0xff, spec->schedule_len * sizeof(uint64_t));
	sh->interrupts_offset = interrupts_offset;
	sh->interrupts_len = spec->ninterrupts;
	sh->feed_offset = feed_offset;
	sh->feed_count = spec->feed_count;
	sh->feed_bytes_offset = feed_bytes_offset;
	sh->feed_ring_size = spec->feed_ring_size;
	sh->feed_total = spec->feed_bytes_len;
	sh->script_offset = script_offset;
	sh->vtimes_offset = vtimes_offset;
	sh->vtimes_len = spec->vtimes_len;
	uint64_t ticks_len = spec->ticks ? spec->schedule_len : 0;
	uint64_t inline_len = spec->feed_ring_size ? 0 : spec->feed_bytes_len;
	if (put_bytes(ch->fd, spec->schedule, spec->schedule_len * sizeof(uint32_t),
		      schedule_offset) != 0 ||
	    put_bytes(ch->fd, spec->ticks, ticks_len * sizeof(uint64_t), ticks_offset) != 0 ||
	    put_bytes(ch->fd, spec->interrupts,
		      spec->ninterrupts * sizeof(struct deja_interrupt_stop), interrupts_offset) != 0 ||
	    put_bytes(ch->fd, spec->feed, spec->feed_count * sizeof(struct deja_feed),
		      feed_offset) != 0 ||
	    put_bytes(ch->fd, spec->feed_bytes, inline_len, feed_bytes_offset) != 0 ||
	    put_bytes(ch->fd, spec->vtimes, spec->vtimes_len * sizeof(uint64_t),
		      vtimes_offset) != 0) {
		snprintf(err, errlen, "cannot fill the shared channel: %s", strerror(errno));
		channel_close(ch);
		return -1;
	}
	snprintf(sh->runtime_path, sizeof(sh->runtime_path), "%s", spec->runtime_path);
	return 0;
}

void channel_release(struct channel *ch)
{
	__atomic_store_n(&ch->sh->laid_out, 1, __ATOMIC_RELEASE);
	/* Not a private futex: the runtime waits in another process. */
	syscall(SYS_futex, &ch->sh->laid_out, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

void channel_close(struct channel *ch)
{
	if (ch->sh)
		munmap(ch->sh, ch->size);
	if (ch->fd >= 0)
		close(ch->fd);
	*ch = (struct channel){ .fd = -1 };
}
