#include "cli.h"
int cmd_bisect(int argc, char **argv) { (void)argc; (void)argv; return DEJA_EXIT_INTERNAL; }
