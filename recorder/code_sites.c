/*
 * code_sites.c: modules and call sites of every process image (see
 * code_sites.h).  Forked children that did not exec have the same modules
 * as their parent: one symbolizer serves every image with the same list,
 * and each file is hashed once.
 */
#include "code_sites.h"

#include <stdlib.h>
#include <string.h>

#include "file_identity.h"
#include "grow.h"
#include "symbols.h"

struct file_hash {
	char *path;
	char hash[17];
	bool has_hash; /* false: the file could not be read */
};

/* A symbolizer over one list of modules, kept for the next image with
 * the same list. */
struct named_image {
	struct deja_module *mods;
	size_t n;
	struct symbolizer *sym;
};

struct code_sites {
	struct file_hash *hashes;
	size_t nhashes, hashes_cap;
	struct named_image *images;
	size_t nimages, images_cap;
};

struct code_sites *code_sites_new(void)
{
	return calloc(1, sizeof(struct code_sites));
}

/* The hash of a module's file, or NULL when it has none (the vDSO) or it
 * cannot be read. */
static const char *file_hash(struct code_sites *cs, const char *path)
{
	if (path[0] != '/')
		return NULL;
	for (size_t i = 0; i < cs->nhashes; i++)
		if (strcmp(cs->hashes[i].path, path) == 0)
			return cs->hashes[i].has_hash ? cs->hashes[i].hash : NULL;
	if (!grow_array(&cs->hashes, &cs->hashes_cap, cs->nhashes + 1, sizeof(*cs->hashes), 16))
		return NULL;
	struct file_hash *h = &cs->hashes[cs->nhashes];
	h->path = strdup(path);
	if (!h->path)
		return NULL;
	h->has_hash = deja_file_identity(path, h->hash) == 0;
	cs->nhashes++;
	return h->has_hash ? h->hash : NULL;
}

bool code_sites_put_modules(struct code_sites *cs, struct trace *t, uint32_t process,
			    const struct deja_module *mods, uint32_t n)
{
	bool ok = true;
	for (uint32_t i = 0; i < n; i++)
		if (trace_put_module(t, process, &mods[i], file_hash(cs, mods[i].path)) != TRACE_OK)
			ok = false;
	return ok;
}

static bool same_modules(const struct deja_module *a, size_t na, const struct deja_module *b,
			 size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (a[i].base != b[i].base || a[i].lo != b[i].lo || a[i].hi != b[i].hi ||
		    strcmp(a[i].path, b[i].path) != 0)
			return false;
	return true;
}

/* The symbolizer for one process image's modules; NULL when there is
 * none (its sites are then left unnamed). */
static struct symbolizer *image_symbolizer(struct code_sites *cs, struct trace *t,
					   uint32_t process, uint32_t image)
{
	struct deja_module *mods;
	size_t n;
	if (trace_get_modules(t, process, image, &mods, &n) != TRACE_OK)
		return NULL;
	for (size_t i = 0; i < cs->nimages; i++)
		if (same_modules(cs->images[i].mods, cs->images[i].n, mods, n)) {
			free(mods);
			return cs->images[i].sym;
		}
	if (!grow_array(&cs->images, &cs->images_cap, cs->nimages + 1, sizeof(*cs->images), 4)) {
		free(mods);
		return NULL;
	}
	struct named_image *ni = &cs->images[cs->nimages++];
	ni->mods = mods;
	ni->n = n;
	ni->sym = symbolizer_open(mods, n);
	return ni->sym;
}

static int by_image_and_address(const void *a, const void *b)
{
	const struct trace_site_key *x = a, *y = b;
	if (x->process != y->process)
		return x->process < y->process ? -1 : 1;
	if (x->image != y->image)
		return x->image < y->image ? -1 : 1;
	return x->address < y->address ? -1 : x->address > y->address;
}

/* The sites to name: the trace's (start routines and the fault, or the
 * waits'), with event_sites; sorted by process and image, each once. */
static bool sites_to_name(struct trace *t, bool start_routines,
			  const struct site_set *event_sites, struct trace_site_key **keys,
			  size_t *n)
{
	if (trace_get_site_addresses(t, start_routines, keys, n) != TRACE_OK)
		return false;
	if (!event_sites)
		return true;
	if (!site_set_append_to(event_sites, keys, n)) {
		free(*keys);
		return false;
	}
	qsort(*keys, *n, sizeof(**keys), by_image_and_address);
	size_t kept = 0;
	for (size_t i = 0; i < *n; i++)
		if (kept == 0 || by_image_and_address(&(*keys)[kept - 1], &(*keys)[i]) != 0)
			(*keys)[kept++] = (*keys)[i];
	*n = kept;
	return true;
}

static void name_sites(struct code_sites *cs, struct trace *t, bool start_routines,
		       const struct site_set *event_sites)
{
	struct trace_site_key *keys;
	size_t n;
	if (!sites_to_name(t, start_routines, event_sites, &keys, &n))
		return;
	struct symbolizer *sym = NULL;
	for (size_t i = 0; i < n; i++) {
		const struct trace_site_key *k = &keys[i];
		if (i == 0 || k->process != keys[i - 1].process || k->image != keys[i - 1].image)
			sym = image_symbolizer(cs, t, k->process, k->image);
		struct trace_site site;
		symbolizer_lookup(sym, k->address, !start_routines, &site);
		site.process = k->process;
		site.image = k->image;
		trace_put_site(t, &site);
		free(site.function);
		free(site.file);
		free(site.module);
	}
	free(keys);
}

void code_sites_name_all(struct code_sites *cs, struct trace *t,
			 const struct site_set *event_sites)
{
	name_sites(cs, t, false, event_sites);
	name_sites(cs, t, true, NULL);
}

void code_sites_free(struct code_sites *cs)
{
	if (!cs)
		return;
	for (size_t i = 0; i < cs->nhashes; i++)
		free(cs->hashes[i].path);
	free(cs->hashes);
	for (size_t i = 0; i < cs->nimages; i++) {
		symbolizer_close(cs->images[i].sym);
		free(cs->images[i].mods);
	}
	free(cs->images);
	free(cs);
}
