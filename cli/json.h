/*
 * json.h: just enough JSON output for `deja show --json` (strings escaped
 * per RFC 8259; numbers and structure written by the caller).
 */
#ifndef DEJA_JSON_H
#define DEJA_JSON_H

#include <stdio.h>

/* s as a JSON string, null when s is NULL; a byte that is not part of
 * valid UTF-8 (an argv or a file name may be anything) becomes U+FFFD. */
void json_string(FILE *out, const char *s);

#endif /* DEJA_JSON_H */
