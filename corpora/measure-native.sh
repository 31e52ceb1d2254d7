#!/usr/bin/env bash
# measure-native.sh -- how often does a corpus program fail when run natively?
#
# Usage: corpora/measure-native.sh BINARY [RUNS]     (RUNS defaults to 1000)
#
# Runs BINARY RUNS times without deja, each run under `timeout 2` (so a
# deadlocked run is killed and counted).  A run fails if it exits non-zero:
# an assert (SIGABRT, status 134), exit(1), or a timeout (status 124, taken
# as a deadlock).  Prints "FAILURES/RUNS" on stdout and a breakdown by exit
# status on stderr.
set -u

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 BINARY [RUNS]" >&2
    exit 2
fi
bin=$1
runs=${2:-1000}
case $runs in
    ''|*[!0-9]*) echo "$0: RUNS must be a positive integer" >&2; exit 2 ;;
esac
if [ ! -x "$bin" ]; then
    echo "$0: $bin is not an executable file" >&2
    exit 2
fi

failures=0
declare -A by_status=()
for ((i = 0; i < runs; i++)); do
    # The inner group keeps bash's own "Aborted" notices out of the output.
    status=$( { timeout 2 "$bin" >/dev/null 2>&1; echo $?; } 2>/dev/null )
    if [ "$status" -ne 0 ]; then
        failures=$((failures + 1))
        by_status[$status]=$(( ${by_status[$status]:-0} + 1 ))
    fi
done

if [ "$failures" -gt 0 ]; then
    for s in "${!by_status[@]}"; do
        case $s in
            124) what="timeout (deadlock)" ;;
            134) what="SIGABRT" ;;
            *)   what="exit status $s" ;;
        esac
        echo "  $what: ${by_status[$s]}" >&2
    done
fi
echo "$failures/$runs"
