/*
 * json.h: just enough JSON output for `deja show --json` (strings escaped
 * per RFC 8259; numbers and structure written by the caller).
 */
#ifndef DEJA_JSON_H
#define DEJA_JSON_H

#include <stdio.h>

void json_string(FILE *out, const char *s); /* null when s is NULL */

#endif /* DEJA_JSON_H */
