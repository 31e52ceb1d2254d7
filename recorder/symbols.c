/*
 * symbols.c: symbolisation with libdwfl (see symbols.h).  Each module is
 * reported at the load bias it had in the target; with address-space
 * randomisation off for the target, that is also where it will be next run.
 */
#define _GNU_SOURCE
#include "symbols.h"

#include <elfutils/libdwfl.h>
#include <stdlib.h>
#include <string.h>

struct symbolizer {
	Dwfl *dwfl;
};

static char *debuginfo_path;

static const Dwfl_Callbacks offline_callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
	.debuginfo_path = &debuginfo_path,
};

struct symbolizer *symbolizer_open(const struct deja_module *mods, size_t n)
{
	struct symbolizer *sym = calloc(1, sizeof(*sym));
	if (!sym)
		return NULL;
	sym->dwfl = dwfl_begin(&offline_callbacks);
	if (!sym->dwfl) {
		free(sym);
		return NULL;
	}
	dwfl_report_begin(sym->dwfl);
	for (size_t i = 0; i < n; i++) {
		if (!mods[i].path[0] || strstr(mods[i].path, "linux-vdso"))
			continue;
		dwfl_report_elf(sym->dwfl, mods[i].path, mods[i].path, -1,
				(GElf_Addr)mods[i].base, false);
	}
	dwfl_report_end(sym->dwfl, NULL, NULL);
	return sym;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static const char *base_name(const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;
	return slash ? slash + 1 : path;
}

void symbolizer_lookup(struct symbolizer *sym, uint64_t address, bool return_address,
		       struct trace_site *s)
{
	memset(s, 0, sizeof(*s));
	s->address = address;
	if (!sym || address == 0)
		return;
	Dwarf_Addr pc = (Dwarf_Addr)address - (return_address ? 1 : 0);
	Dwfl_Module *mod = dwfl_addrmodule(sym->dwfl, pc);
	if (!mod)
		return;
	const char *mname = dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
	s->module = dup_or_null(base_name(mname));
	s->function = dup_or_null(dwfl_module_addrname(mod, pc));
	Dwfl_Line *line = dwfl_module_getsrc(mod, pc);
	if (line) {
		int lineno = 0;
		const char *file = dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL);
		s->file = dup_or_null(file);
		s->line = lineno;
	}
}

void symbolizer_close(struct symbolizer *sym)
{
	if (!sym)
		return;
	dwfl_end(sym->dwfl);
	free(sym);
}
