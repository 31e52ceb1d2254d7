/*
 * own_code.c: telling the program's own code from the code it runs on
 * (own_code.h).  By path alone: a trace keeps file names, not how the
 * interpreter that ran was installed, so the standard library is known by
 * where installations put it.
 */
#include <string.h>

#include "own_code.h"

bool own_python_file(const char *path)
{
	if (!path || !*path || path[0] == '<')
		return false;
	/* /usr/lib/python3.11/threading.py, /opt/py/lib/python3.12/...,
	 * packages wherever a virtual environment keeps them, and deja's own
	 * hook (lib/deja/python/sitecustomize.py, which starts threads). */
	static const char *const not_own[] = { "/lib/python", "/lib64/python", "/site-packages/",
					       "/dist-packages/", "/lib/deja/" };
	for (size_t i = 0; i < sizeof(not_own) / sizeof(not_own[0]); i++)
		if (strstr(path, not_own[i]))
			return false;
	return true;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

bool own_module(const char *module, const char *exe_path)
{
	return module && exe_path && *module && strcmp(base_name(module), base_name(exe_path)) == 0;
}
