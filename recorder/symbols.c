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

/* Only the DWARF inside each ELF file is read, never separate debug files
 * (/usr/lib/debug): the program's own code, built with -g, carries its
 * lines, and for system libraries the function name from the symbol table
 * is what a report needs.  Reading libc's separate debug info would cost
 * tens of milliseconds at the end of every recording. */
static int no_separate_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname,
				 Dwarf_Addr base, const char *file_name,
				 const char *debuglink_file, GElf_Word debuglink_crc,
				 char **debuginfo_file_name)
{
	(void)mod, (void)userdata, (void)modname, (void)base, (void)file_name;
	(void)debuglink_file, (void)debuglink_crc, (void)debuginfo_file_name;
	return -1;
}

static const Dwfl_Callbacks offline_callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = no_separate_debuginfo,
	.section_address = dwfl_offline_section_address,
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
