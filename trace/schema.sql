-- schema.sql: the deja trace, one SQLite file per recorded run.
--
-- PRAGMA user_version holds the trace version (TRACE_VERSION in trace.h)
-- and PRAGMA application_id marks the file as a deja trace.  Every table
-- is documented in docs/trace-format.md.  All SQL of the project lives in
-- this file and in trace.c.

CREATE TABLE run (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    deja_version   TEXT    NOT NULL,
    cwd            TEXT    NOT NULL,
    exe_path       TEXT    NOT NULL,
    exe_hash       TEXT    NOT NULL,   -- the executable's identity, hex (file_identity.c)
    strategy       TEXT    NOT NULL,   -- NAME[:PARAM] as given
    seed           INTEGER NOT NULL,
    run_index      INTEGER NOT NULL,   -- 1-based run number within a hunt
    max_steps      INTEGER NOT NULL,   -- 0: no budget
    started_at     TEXT    NOT NULL,   -- UTC, ISO 8601
    realtime_start  INTEGER NOT NULL,  -- CLOCK_REALTIME at virtual time 0, ns
    monotonic_start INTEGER NOT NULL,  -- CLOCK_MONOTONIC at virtual time 0, ns
    entropy_seed   INTEGER NOT NULL,   -- seed of the randomness the program got
    time           TEXT    NOT NULL DEFAULT 'virtual',  -- virtual|real: what the clocks read
    outcome        TEXT    NOT NULL,   -- incomplete|exit|signal|deadlock|timeout|divergence|error
    exit_code      INTEGER,
    signal         INTEGER,
    message        TEXT,
    outcome_thread INTEGER,            -- the thread the run ended in (fault, deadlock, ...)
    fault_site     INTEGER,            -- signal from a fault: the faulting instruction
    events         INTEGER NOT NULL DEFAULT 0,
    preemptions    INTEGER NOT NULL DEFAULT 0,
    switches       INTEGER NOT NULL DEFAULT 0,
    interrupted    INTEGER NOT NULL DEFAULT 0,  -- 1: deja itself was interrupted
    forks          INTEGER NOT NULL DEFAULT 0,  -- processes the top process forked
    pid            INTEGER,                     -- the process id the program saw
    ppid           INTEGER,                     -- its parent's
    final_digest   INTEGER,                     -- digest of the last event
    -- The file types of descriptors 0, 1 and 2 as the program started
    -- with them, four bits each (st_mode's S_IFMT >> 12), fd 0 lowest;
    -- 0: closed.  A replay's reads of its stdin wait, or not, as these did.
    stdio_kinds    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE argv (
    idx INTEGER PRIMARY KEY,
    arg TEXT NOT NULL
);

-- The environment the program started with (NAME=value, in order): an
-- input like any other, which a replay gives the program again.
CREATE TABLE environ (
    idx INTEGER PRIMARY KEY,
    var TEXT NOT NULL
);

CREATE TABLE threads (
    id            INTEGER PRIMARY KEY,  -- deja thread number, creation order
    os_tid        INTEGER,
    start_routine INTEGER,              -- address
    state         TEXT NOT NULL,        -- live|finished
    events        INTEGER NOT NULL,
    ticks         INTEGER NOT NULL,     -- basic blocks passed (deja cflags), 0 if uninstrumented
    longest_ticks INTEGER NOT NULL,     -- most ticks between two of its events
    longest_dark_ns INTEGER NOT NULL,   -- longest real time between two events passing no tick
    stopped_tick  INTEGER,              -- the tick it was stopped at when the run ended, if any
    stopped_ip    INTEGER,              -- the instruction of the interrupt it was stopped at then, if any
    stopped_regs  INTEGER               -- and that interrupt's registers (its event's arg)
);

CREATE TABLE events (
    seq         INTEGER PRIMARY KEY,   -- 0-based position in the schedule
    thread      INTEGER NOT NULL,
    op          TEXT    NOT NULL,
    object      INTEGER NOT NULL,      -- object id, 0 for none
    object_addr INTEGER NOT NULL,
    arg         INTEGER NOT NULL,
    result      INTEGER NOT NULL,
    site        INTEGER NOT NULL,      -- return address of the call
    vtime       INTEGER NOT NULL,      -- virtual ns
    flags       INTEGER NOT NULL,      -- 1 preempt, 2 switch, 4 timed out
    data        INTEGER NOT NULL,      -- syscall: xxh3 of the bytes it sent, else 0
    digest      INTEGER NOT NULL,      -- running xxh3-64 over the events so far
    data_len    INTEGER NOT NULL,      -- bytes of its syscall_data row (0: none), so a
                                       -- replay lays out the feed without reading them
    image       INTEGER NOT NULL,      -- the process's image: 0, one more per exec
    py_code     INTEGER NOT NULL DEFAULT 0, -- deja --python-lines: the Python code object
                                       -- the thread last ran a line of (python_code.code;
                                       -- 0: none), not in the digest
    py_line     INTEGER NOT NULL DEFAULT 0, -- and that line (0: none)
    output_seq  INTEGER NOT NULL DEFAULT 0  -- an output's place among the whole
                                       -- tree's outputs (1, 2, ...; 0: not an
                                       -- output), not in the digest
);

-- When the outcome is a deadlock (the wait-for graph) or a timeout: one
-- row per thread that was still live, with what it was waiting for or
-- about to do.
CREATE TABLE waits (
    thread      INTEGER PRIMARY KEY,
    op          TEXT    NOT NULL,
    object      INTEGER NOT NULL,
    object_kind TEXT    NOT NULL,
    object_addr INTEGER NOT NULL,
    holder      INTEGER,              -- thread holding what it waits for
    site        INTEGER NOT NULL,
    image       INTEGER NOT NULL      -- the image the site is in (events.image)
);

-- The ELF objects each process had loaded, per image (an exec starts a
-- new image; a forked child's image 0 is its parent's image then).
CREATE TABLE modules (
    id      INTEGER PRIMARY KEY,
    process INTEGER NOT NULL,  -- processes.id (0: the top process)
    image   INTEGER NOT NULL,  -- events.image
    path    TEXT    NOT NULL,
    base    INTEGER NOT NULL,
    lo      INTEGER NOT NULL,
    hi      INTEGER NOT NULL,
    hash    TEXT               -- its identity when recorded (NULL: no file,
                               -- such as the vDSO); a replay needs the same
);

-- Call sites resolved to code locations when the run was recorded, by the
-- modules of the process and image they are in.
CREATE TABLE sites (
    process  INTEGER NOT NULL,
    image    INTEGER NOT NULL,
    address  INTEGER NOT NULL,
    function TEXT,
    file     TEXT,
    line     INTEGER,
    module   TEXT,
    PRIMARY KEY (process, image, address)
) WITHOUT ROWID;

-- The bytes an input syscall gave the program (the event's `data` is their
-- xxh3); replay copies them back instead of running the call.
CREATE TABLE syscall_data (
    seq   INTEGER PRIMARY KEY,   -- events.seq
    bytes BLOB    NOT NULL
);

-- What the program read, by source, for tools that shrink inputs: one row
-- per run of reads (stdin, pipes, sockets, files) from one source, one
-- event after another: events seq to last_seq are each a read of it (a
-- run may be cut into several rows).  The bytes are in syscall_data.
CREATE TABLE inputs (
    seq      INTEGER PRIMARY KEY, -- events.seq of the run's first read (= syscall_data.seq)
    source   TEXT    NOT NULL,    -- the descriptor's path: /etc/hosts, pipe:[123], /dev/pts/0
    offset   INTEGER NOT NULL,    -- bytes read from this source before the run
    length   INTEGER NOT NULL,    -- bytes the run read
    last_seq INTEGER NOT NULL     -- events.seq of the run's last read
);

-- The lab notebook: the deja commands that wrote to this trace (record,
-- hunt's kept run, shrink, bisect), with what they found.
CREATE TABLE history (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    command TEXT NOT NULL,
    result  TEXT NOT NULL
);

-- What the investigation found (deja bisect): the adjacent pair of events
-- whose order decides the outcome.  An event is named by its thread and
-- its place among that thread's events (0-based), which survives schedule
-- changes; *_seq is where it stands in this trace's events (NULL if not).
CREATE TABLE findings (
    id            INTEGER PRIMARY KEY,
    kind          TEXT    NOT NULL,   -- critical_pair
    first_thread  INTEGER NOT NULL,   -- this event first ...
    first_index   INTEGER NOT NULL,
    first_seq     INTEGER,
    second_thread INTEGER NOT NULL,   -- ... then this one: the run fails
    second_index  INTEGER NOT NULL,
    second_seq    INTEGER,
    summary       TEXT    NOT NULL,   -- both events with code locations
    process       INTEGER NOT NULL    -- the process both events are in (0: the top one;
                                      -- *_seq then index events, else process_events)
);

-- Every process of the run's tree (docs/architecture.md, Processes): the
-- top process (id 0, whose events are the `events` table and whose
-- outcome is the run's) and each forked child that was followed, in the
-- order they asked to be.  A child is identified by its parent and its
-- place among the parent's forks (the parent's `fork` event has it as its
-- arg); replay matches children by that, not by id or pid.
CREATE TABLE processes (
    id          INTEGER PRIMARY KEY,
    parent      INTEGER,                  -- NULL for the top process
    fork_index  INTEGER,                  -- the parent's forks before this one
    pid         INTEGER,                  -- as the process saw it
    ppid        INTEGER,
    outcome     TEXT    NOT NULL,         -- incomplete|exit|signal|deadlock|timeout|divergence|error
    exit_code   INTEGER,
    signal      INTEGER,                  -- 0 with outcome signal: killed by one deja did not see
    message     TEXT,
    events      INTEGER NOT NULL DEFAULT 0,
    final_digest INTEGER,
    fault_thread INTEGER,                 -- ended by a fault or a signal deja saw: the thread,
    fault_site   INTEGER,                 -- ... the instruction (see sites),
    fault_image  INTEGER,                 -- ... and the image it is in
    python_codes_dropped INTEGER NOT NULL DEFAULT 0 -- Python code objects past the
                                          -- runtime's table, left without a python_code row
);

-- A forked child's events, its own stream: the columns of `events`, per
-- process (`events` itself is process 0's).
CREATE TABLE process_events (
    process     INTEGER NOT NULL,
    seq         INTEGER NOT NULL,         -- 0-based position in the process's stream
    thread      INTEGER NOT NULL,         -- the process's own thread number
    op          TEXT    NOT NULL,
    object      INTEGER NOT NULL,
    object_addr INTEGER NOT NULL,
    arg         INTEGER NOT NULL,
    result      INTEGER NOT NULL,
    site        INTEGER NOT NULL,
    vtime       INTEGER NOT NULL,         -- continues from the parent's clock at the fork
    flags       INTEGER NOT NULL,
    data        INTEGER NOT NULL,
    digest      INTEGER NOT NULL,         -- running xxh3-64 over this process's events
    data_len    INTEGER NOT NULL,         -- bytes of its process_data row (0: none)
    image       INTEGER NOT NULL,         -- the process's image (events.image)
    py_code     INTEGER NOT NULL DEFAULT 0, -- events.py_code
    py_line     INTEGER NOT NULL DEFAULT 0, -- events.py_line
    output_seq  INTEGER NOT NULL DEFAULT 0, -- events.output_seq
    PRIMARY KEY (process, seq)
) WITHOUT ROWID; -- kept in (process, seq) order: one b-tree to insert into, not a table and its index

-- The bytes a forked child's input syscalls gave it (like syscall_data).
CREATE TABLE process_data (
    process INTEGER NOT NULL,
    seq     INTEGER NOT NULL,
    bytes   BLOB    NOT NULL,
    PRIMARY KEY (process, seq)
);

-- What a forked child read, by source, in runs (like inputs; the bytes
-- are in process_data).  offset counts the bytes this process read from
-- the source before.
CREATE TABLE process_inputs (
    process  INTEGER NOT NULL,
    seq      INTEGER NOT NULL,    -- process_events.seq of the run's first read
    source   TEXT    NOT NULL,
    offset   INTEGER NOT NULL,
    length   INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,    -- and of its last
    PRIMARY KEY (process, seq)
);

-- A forked child's wait-for graph, when it ended in a deadlock or a step
-- budget's timeout: the columns of `waits`, per process (`waits` itself
-- is process 0's).
CREATE TABLE process_waits (
    process     INTEGER NOT NULL,
    thread      INTEGER NOT NULL,         -- the process's own thread number
    op          TEXT    NOT NULL,
    object      INTEGER NOT NULL,
    object_kind TEXT    NOT NULL,
    object_addr INTEGER NOT NULL,
    holder      INTEGER,                  -- thread holding what it waits for
    site        INTEGER NOT NULL,
    image       INTEGER NOT NULL,
    PRIMARY KEY (process, thread)
);

-- Syscalls the kernel-side policy caught outside deja's runtime (seccomp
-- user notification; docs/architecture.md, Kernel-side policy), one row
-- per process, syscall and kind with how many there were.  Kind `escape`:
-- the runtime did not see the call, so it was not recorded and a replay
-- cannot give it its result (a process deja does not follow, a thread
-- that turned the trap off).  The expected kinds: `loader` (the dynamic
-- loader, before an exec'd image's runtime started), `startup` (glibc's
-- own start-up before it), `exit` (glibc's exit path of a thread that has
-- left the model) and `runtime` (glibc called by the runtime).
CREATE TABLE escapes (
    id          INTEGER PRIMARY KEY,
    pid         INTEGER NOT NULL,         -- the process (thread group), as the system saw it
    tid         INTEGER NOT NULL,         -- the thread of the first call
    process     INTEGER,                  -- deja's process number (processes.id); NULL: not followed
    kind        TEXT    NOT NULL,         -- escape|loader|startup|exit|runtime
    syscall     TEXT,                     -- its name; NULL for a number deja does not know
    nr          INTEGER NOT NULL,         -- x86-64 syscall number
    class       TEXT    NOT NULL,         -- its class in runtime/syscalls.def
    count       INTEGER NOT NULL,
    first_ip    INTEGER NOT NULL,         -- the instruction after the first call's syscall
    first_us    INTEGER NOT NULL          -- microseconds from the start of the run to the first call
);

-- The Python code objects events name (events.py_code, with
-- --python-lines): the key is the object's id in the process and image
-- that ran it (ids of another image may repeat).  A code object not
-- named (more than the runtime's 1,024 per process, or met before a fork
-- in the parent) has no row; processes.python_codes_dropped counts the
-- first kind.
CREATE TABLE python_code (
    process  INTEGER NOT NULL,   -- processes.id (0: the top process)
    image    INTEGER NOT NULL,   -- events.image
    code     INTEGER NOT NULL,   -- events.py_code
    file     TEXT    NOT NULL,   -- co_filename
    function TEXT    NOT NULL,   -- co_qualname
    PRIMARY KEY (process, image, code)
) WITHOUT ROWID;
