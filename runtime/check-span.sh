#!/bin/sh
# check-span.sh LIB: fail unless the runtime library's mapping (the end of
# its last loadable segment) spans a whole number of 4 MiB (pad.ld), so
# that a replay's runtime of another size leaves libc, and every call site
# in it, where the recording found them.
set -eu
lib=$1
end=0
segments=$(readelf -lW "$lib" | awk '$1 == "LOAD" { print $3, $6 }')
while read -r vaddr memsz; do
  [ -n "$vaddr" ] || continue
  e=$((vaddr + memsz))
  if [ "$e" -gt "$end" ]; then end=$e; fi
done <<EOT
$segments
EOT
if [ "$end" -eq 0 ] || [ $((end % 4194304)) -ne 0 ]; then
  echo "check-span: $lib maps $end bytes, not a multiple of 4 MiB (runtime/pad.ld)" >&2
  exit 1
fi
echo "check-span: $lib spans $((end / 1048576)) MiB"
