#!/usr/bin/env bash
# surw.sh DEJA PROG...
#
# deja hunt -s surw finds each PROG's bug within 300 runs (the corpus bugs
# that need 2 and 3 preemptions), the kept trace names surw and replays
# identically, and the same seed finds it in the same run again.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -ge 2 ] || fail "usage: surw.sh DEJA PROG..."
deja=$(abspath "$1")
shift
require_file "$deja" "$@"
cd "$tmp"

for prog in "$@"; do
	prog=$(abspath "$prog")
	name=$(basename "$prog")
	rc=0
	timeout 120 "$deja" hunt -q --json -s surw --seed 7 --runs 300 -o "$name.deja" -- "$prog" >h.json 2>err || rc=$?
	[ $rc -eq 1 ] || { dump h.json err; fail "$name: surw hunt exited $rc, expected 1 (found)"; }
	index=$(json h.json 'j["failing_run"]["index"]')
	"$deja" show --json "$name.deja" >s.json
	[ "$(json s.json 'j["run"]["strategy"]')" = surw ] || { dump s.json; fail "$name: the kept trace does not name surw"; }
	timeout 60 "$deja" replay -q "$name.deja" >/dev/null 2>err || { dump err; fail "$name: the surw trace does not replay"; }
	rm -f "$name.deja"
	timeout 120 "$deja" hunt -q --json -s surw --seed 7 --runs 300 -o "$name.deja" -- "$prog" >h2.json 2>err || true
	[ "$(json h2.json 'j["failing_run"]["index"]')" = "$index" ] || { dump h.json h2.json; fail "$name: seed 7 found it in run $index, then in another"; }
	note "$name: surw (seed 7) fails in run $index, again the second time; the trace replays"
done
