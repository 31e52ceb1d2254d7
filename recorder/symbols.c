/*
 * symbols.c: symbolisation with libdwfl (see symbols.h).  Each module is
 * reported at the load bias it had in the target; with address-space
 * randomisation off for the target, that is also where it will be next run.
 *
 * C++ needs two more steps to name the program's own code: a lock taken
 * through std::mutex is a call inlined from a system header
 * (gthr-default.h), so the line reported is the one of the program's code
 * it was inlined into (the inlined scopes' call sites, from DWARF); and
 * function names are demangled ("read_balance", not "_Z12read_balancev"),
 * without their parameters (demangle.c, which reads Rust's too).
 */
#define _GNU_SOURCE
#include "symbols.h"
#include "demangle.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
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

/* Code from the system's headers, not the program's. */
static bool system_file(const char *path)
{
	return path && strncmp(path, "/usr/", 5) == 0;
}

#define INLINE_DEPTH_MAX 64

/* The scopes under die that contain pc, outermost first, appended to
 * chain from n on (subprograms, their lexical blocks and inlined calls;
 * namespaces are looked into, since a function defined in one is there);
 * returns the new count. */
static int scopes_at(Dwarf_Die *die, Dwarf_Addr pc, Dwarf_Die *chain, int n)
{
	Dwarf_Die child;
	if (n >= INLINE_DEPTH_MAX || dwarf_child(die, &child) != 0)
		return n;
	do {
		int tag = dwarf_tag(&child);
		if (tag == DW_TAG_namespace) {
			int deeper = scopes_at(&child, pc, chain, n);
			if (deeper > n)
				return deeper;
		} else if ((tag == DW_TAG_subprogram || tag == DW_TAG_lexical_block ||
			    tag == DW_TAG_inlined_subroutine) && dwarf_haspc(&child, pc) == 1) {
			chain[n] = child;
			return scopes_at(&chain[n], pc, chain, n + 1);
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return n;
}

/* An address inside code inlined from a system header: the call site in
 * the program's own code that it was inlined into, the innermost such
 * among chain's n scopes (file and line left as they are when there is
 * none).  Returns the index of the inlined scope whose call site it is,
 * or n when the line was left as it was. */
static int program_call_site(Dwarf_Die *cu, Dwarf_Die *chain, int n, const char **file,
			     int *line)
{
	Dwarf_Files *files;
	size_t nfiles;
	if (dwarf_getsrcfiles(cu, &files, &nfiles) != 0)
		return n;
	for (int i = n - 1; i >= 0; i--) {
		Dwarf_Attribute at;
		Dwarf_Word fidx, ln;
		if (dwarf_tag(&chain[i]) != DW_TAG_inlined_subroutine ||
		    dwarf_formudata(dwarf_attr(&chain[i], DW_AT_call_file, &at), &fidx) != 0 ||
		    dwarf_formudata(dwarf_attr(&chain[i], DW_AT_call_line, &at), &ln) != 0 ||
		    fidx >= nfiles)
			continue;
		const char *f = dwarf_filesrc(files, fidx, NULL, NULL);
		if (f && !system_file(f)) {
			*file = f;
			*line = (int)ln;
			return i;
		}
	}
	return n;
}

/* A C++ or Rust symbol's readable name without its parameters (malloc'd),
 * or a copy of the symbol as it is. */
static char *readable_name(const char *symbol)
{
	if (!symbol)
		return NULL;
	char *name = demangled_name(symbol);
	return name ? name : strdup(symbol);
}

/* The function an inlined scope is an instance of, readable (malloc'd):
 * its linkage name demangled (C++: "Pool::submit"), else its plain name
 * (C); NULL when the debug information names neither. */
static char *inlined_name(Dwarf_Die *scope)
{
	Dwarf_Attribute at;
	const char *linkage = dwarf_formstring(dwarf_attr_integrate(scope, DW_AT_linkage_name, &at));
	if (!linkage)
		linkage = dwarf_formstring(dwarf_attr_integrate(scope, DW_AT_MIPS_linkage_name, &at));
	if (linkage)
		return readable_name(linkage);
	const char *name = dwarf_formstring(dwarf_attr_integrate(scope, DW_AT_name, &at));
	return name ? strdup(name) : NULL;
}

/* The function whose code the line names: the innermost function scope
 * (a subprogram or an inlined call) among chain's first n.  The symbol
 * table names only the outermost, the function the code was inlined
 * into: at -O1 a static helper's lock on line 23 would be reported as in
 * its caller, a line and a function that do not go together.  Returns
 * NULL (keep the symbol's name) when that scope is not an inlined one. */
static char *function_of_line(Dwarf_Die *chain, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		int tag = dwarf_tag(&chain[i]);
		if (tag == DW_TAG_inlined_subroutine)
			return inlined_name(&chain[i]);
		if (tag == DW_TAG_subprogram)
			return NULL;
	}
	return NULL;
}

/* File, line and, for code inlined from another function, that
 * function's name, for pc in mod (s->function replaced then). */
static void source_of(Dwfl_Module *mod, Dwarf_Addr pc, struct trace_site *s)
{
	Dwfl_Line *dline = dwfl_module_getsrc(mod, pc);
	if (!dline)
		return;
	int lineno = 0;
	const char *file = dwfl_lineinfo(dline, NULL, &lineno, NULL, NULL, NULL);
	Dwarf_Addr bias;
	Dwarf_Die *cu = dwfl_module_addrdie(mod, pc, &bias);
	Dwarf_Die chain[INLINE_DEPTH_MAX];
	int n = cu ? scopes_at(cu, pc - bias, chain, 0) : 0;
	int owner = n;
	if (system_file(file) && cu)
		owner = program_call_site(cu, chain, n, &file, &lineno);
	s->file = dup_or_null(file);
	s->line = lineno;
	if (system_file(file))
		return;
	char *inlined = function_of_line(chain, owner);
	if (inlined) {
		free(s->function);
		s->function = inlined;
	}
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
	s->function = readable_name(dwfl_module_addrname(mod, pc));
	source_of(mod, pc, s);
}

void symbolizer_close(struct symbolizer *sym)
{
	if (!sym)
		return;
	dwfl_end(sym->dwfl);
	free(sym);
}
