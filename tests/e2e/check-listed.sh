#!/usr/bin/env bash
# tests/e2e/check-listed.sh: every end-to-end script opens with the header
# comment tests/e2e/list prints (its own name and arguments, then what it
# proves) and is registered with ctest in tests/e2e/CMakeLists.txt, so
# that a test nobody runs or nobody can read about is caught by the build.
set -euo pipefail
dir=$(cd "$(dirname "$0")" && pwd)
bad=0
for f in "$dir"/*.sh; do
	b=$(basename "$f")
	case $b in lib.sh | lib_*.sh | check-listed.sh) continue ;; esac  # sourced, not run
	first=$(sed -n 2p "$f")
	case $first in
	"# $b"*) ;;
	*) echo "$b: its second line is not '# $b ARGS...' but: $first"; bad=1 ;;
	esac
	# A usage line, a blank comment line, then at least a line of account.
	lines=$(sed -n '2,/^[^#]/p' "$f" | grep -c '^#' || true)
	[ "$lines" -ge 3 ] || { echo "$b: its header says nothing of what it proves"; bad=1; }
	grep -Eq "[[:space:]]$b([[:space:]]|\$)" "$dir/CMakeLists.txt" ||
		{ echo "$b: not registered in tests/e2e/CMakeLists.txt"; bad=1; }
done
exit $bad
