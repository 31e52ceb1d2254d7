#!/usr/bin/env bash
# trace_values.sh DEJA_ASAN FORK_THREADS_PROG NONDETERMINISM_PROG LOCK_ORDER_PROG
#
# A trace is a file anyone can edit: every value in it may be wrong.
# Three real traces (a process tree, a run that read stdin and its
# clocks, a deadlock with its wait-for graph) are changed one value at a
# time, in every column of every table, to values a reader may not
# expect (negative, zero, huge, text where a number belongs, bytes, a
# float), and `deja show --json` and, for some, `deja show` and `deja
# replay` run on each copy under ASan and UBSan (deja-asan): each must
# end with one of its documented exit codes (0 to 3), within its
# timeout, with no sanitizer report (a leak, a bad access, undefined
# behaviour).  The changes are chosen by a fixed seed, so a failure
# names a change that fails again.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 4 ] || fail "usage: trace_values.sh DEJA_ASAN FORK_THREADS_PROG NONDETERMINISM_PROG LOCK_ORDER_PROG"
deja=$(abspath "$1") forker=$(abspath "$2") nondet=$(abspath "$3") lock_order=$(abspath "$4")
require_file "$deja" "$forker" "$nondet" "$lock_order"
command -v sqlite3 >/dev/null || fail "sqlite3 is not on PATH (scripts/setup.sh installs it)"
cd "$tmp"

rc=0
echo "one line of input" | timeout 60 "$deja" record -q -o tree.deja -- "$forker" >/dev/null 2>err || rc=$?
[ $rc -eq 0 ] || { dump err; fail "record of fork_threads exited $rc"; }
rc=0
echo "another line" | timeout 60 "$deja" record -q -o inputs.deja -- "$nondet" >/dev/null 2>err || rc=$?
[ $rc -eq 0 ] || { dump err; fail "record of nondeterminism exited $rc"; }
rc=0
timeout 60 "$deja" record -q -s random --seed 1 -o deadlock.deja -- "$lock_order" >/dev/null 2>err || rc=$?
[ $rc -eq 1 ] || { dump err; fail "record of lock_order (seed 1) exited $rc, expected 1 (its deadlock)"; }

python3 - "$deja" tree.deja inputs.deja deadlock.deja <<'PY'
import random, shutil, sqlite3, subprocess, sys

deja, traces = sys.argv[1], sys.argv[2:]
values = [-1, 0, 1, 2**31, 2**63 - 1, -2**63, "x", b"\x00\xff", 1e300]
rng = random.Random(20261125)
failures, changes, runs = [], 0, 0


def run(args, timeout):
    try:
        p = subprocess.run([deja] + args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timed out", ""
    return p.returncode, p.stderr.decode(errors="replace")


def key_of(con, table, info):
    """The columns that name one row: rowid, or a WITHOUT ROWID table's key."""
    try:
        con.execute('SELECT rowid FROM "%s" LIMIT 1' % table).fetchall()
        return ["rowid"]
    except sqlite3.OperationalError:
        return [r[1] for r in sorted(info, key=lambda r: r[5]) if r[5] > 0]


for trace in traces:
    con = sqlite3.connect(trace)
    tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    plan = []
    for table in tables:
        info = list(con.execute('PRAGMA table_info("%s")' % table))
        key = key_of(con, table, info)
        rows = con.execute('SELECT %s FROM "%s"' % (", ".join('"%s"' % k for k in key),
                                                    table)).fetchall()
        if not rows:
            continue
        for column in (r[1] for r in info):
            plan.append((table, column, key, rng.choice(rows), rng.choice(values)))
    con.close()
    for table, column, key, row, value in plan:
        copy = "changed.deja"
        shutil.copy(trace, copy)
        con = sqlite3.connect(copy)
        try:
            con.execute('UPDATE "%s" SET "%s" = ? WHERE %s' %
                        (table, column, " AND ".join('"%s" = ?' % k for k in key)),
                        (value,) + tuple(row))
            con.commit()
        except sqlite3.Error:
            continue  # a constraint the schema keeps (NOT NULL, UNIQUE)
        finally:
            con.close()
        changes += 1
        commands = [["show", "--json", copy]]
        draw = rng.random()
        if draw < 0.4:
            commands.append(["show", copy])
        if draw < 0.1:
            commands.append(["replay", "-q", copy])
        for args in commands:
            runs += 1
            code, err = run(args, 60)
            bad = code == "timed out" or code < 0 or code > 3 or \
                "Sanitizer" in err or "runtime error:" in err
            if bad:
                failures.append("%s: %s.%s = %r in row %r: deja %s: %s\n%s" %
                                (trace, table, column, value, row, " ".join(args[:-1]),
                                 code, err[-1500:]))
for f in failures[:5]:
    print("----", f)
print("changed %d values, %d runs of deja, %d failures" % (changes, runs, len(failures)))
sys.exit(1 if failures else 0)
PY
note "every column of every table of three traces changed once: deja show, show --json and replay end with their exit codes, sanitizers quiet"
