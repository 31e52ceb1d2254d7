#!/bin/sh
# check-imports.sh LIB: fail if the runtime library imports a function the
# runtime's rules forbid (runtime/runtime.h): it lives inside a target that
# may be crashing or between fork and exec, so no allocation, no stdio, no
# SQLite.
set -eu
lib=$1
forbidden='^(malloc|calloc|realloc|free|posix_memalign|aligned_alloc|strdup|strndup|asprintf|vasprintf|printf|fprintf|sprintf|snprintf|vsnprintf|vfprintf|puts|fputs|fputc|putchar|fopen|fdopen|fclose|fwrite|fread|fflush|perror|sqlite3_.*)$'
bad=$(nm -D --undefined-only "$lib" | awk '{print $NF}' | sed 's/@.*//' | grep -E "$forbidden" || true)
if [ -n "$bad" ]; then
  echo "check-imports: $lib imports what the runtime must not use:" >&2
  echo "$bad" | sed 's/^/  /' >&2
  exit 1
fi
