/*
 * tick_modules_lib.c: the shared-library half of tick_modules (see
 * tick_modules.c), built with `deja cflags` into its own module, so its
 * basic blocks tick in the library's own counter.
 */
unsigned long tick_lib_mix(unsigned long x, int rounds);

/* A loop of plain arithmetic: `rounds` ticks or so, all in this module. */
unsigned long tick_lib_mix(unsigned long x, int rounds)
{
	for (int i = 0; i < rounds; i++)
		x = (x * 6364136223846793005ul + 1442695040888963407ul) ^ (x >> 29);
	return x;
}
