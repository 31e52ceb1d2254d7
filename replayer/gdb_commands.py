# gdb_commands.py: what gdb runs, in its Python, when `deja replay --gdb`
# attaches it to a replay stopped before an event (replayer/debug_stop.c
# embeds this file in the commands it writes for gdb, after setting
# deja_runtime_name, the runtime library's file name; deja_stop, the
# stopped thread's kernel id and the event's call site; and deja_dir, the
# directory deja and gdb exchange files through).
#
# It selects the stopped thread and the program's frame that makes the
# event, stops gdb where a run crashes or deja ends it, and defines deja's
# commands: deja-finish, deja-when, deja-goto, deja-reverse-continue and
# deja-last-change.
# Everything here is named deja_* or Deja*, beside the user's own Python.

import os
import time

# gdb's parent is deja: when it is gone, nothing will answer a restart.
deja_supervisor = os.getppid()


# ---- frames and threads


def deja_outside(f):
    """The newest frame from f on that is not deja's runtime library's."""
    while f is not None:
        if f.type() in (gdb.NORMAL_FRAME, gdb.INLINE_FRAME) and \
                os.path.basename(gdb.solib_name(f.pc()) or '') != deja_runtime_name:
            return f
        f = f.older()
    return None


def deja_event_frame(site):
    """The program's frame that makes the event: the one whose resume
    address is the event's call site (0: deja's stop function itself)."""
    f = gdb.newest_frame()
    while f is not None:
        if (f.name() == 'deja_stopped_at_event') if site == 0 else (f.pc() == site):
            return f
        f = f.older()
    return deja_outside(gdb.newest_frame()) or gdb.newest_frame()


def deja_select_stop(tid, site):
    threads = [t for t in gdb.selected_inferior().threads() if t.ptid[1] == tid]
    if not threads:
        print('deja: thread %d is not among the threads gdb sees' % tid)
        return
    threads[0].switch()
    deja_event_frame(site).select()


def deja_arg(frame, name, reg):
    """An argument of frame's function, from its debug information or,
    without it, from the register that passes it at its first instruction."""
    try:
        return int(frame.read_var(name))
    except (gdb.error, ValueError):
        return int(frame.read_register(reg))


def deja_var(frame, name, show):
    try:
        return show(frame.read_var(name))
    except (gdb.error, ValueError):
        return '?'


# ---- the runtime's functions, called in the program through casts (so
# that a runtime without debug information serves too)


def deja_now():
    """The event the replay is at: the next one to be made."""
    return int(gdb.parse_and_eval('((unsigned long (*)(void))deja_event_now)()'))


def deja_stop_before(n):
    """Ask the runtime to stop before event n: 0, or -1 for an event made
    already, -2 for one past the recording's end, -3 outside a replay."""
    return int(gdb.parse_and_eval('((int (*)(unsigned long))deja_stop_before)(%d)' % n))


# ---- where a run crashes or deja ends it: gdb passes every SIGSEGV
# silently (most are rdtsc reads the runtime emulates) and a run deja ends
# exits without a signal, so the runtime calls an empty function at each.


class DejaStop(gdb.Breakpoint):
    def __init__(self, spec):
        super().__init__(spec, internal=True)
        self.silent = True


deja_stops = [DejaStop('deja_program_segv'), DejaStop('deja_run_ends')]


def deja_on_stop(ev):
    if not [b for b in getattr(ev, 'breakpoints', []) if b in deja_stops]:
        return
    top, lwp = gdb.newest_frame(), gdb.selected_thread().ptid[1]
    if top.name() == 'deja_program_segv':
        why = 'received SIGSEGV (address %s)' % deja_var(top, 'address', hex)
        f = top
        while f is not None and f.type() != gdb.SIGTRAMP_FRAME:
            f = f.older()
        chosen = f.older() if f is not None else None
        after = 'lets it kill the program, as the recording ended'
    else:
        why = 'ends the run: %s' % deja_var(top, 'message', lambda v: v.string())
        chosen = deja_outside(top)
        after = 'ends it, as the recording ended'
    (chosen or top).select()
    print('deja: gdb thread %d (LWP %d) %s; `continue` %s' %
          (gdb.selected_thread().num, lwp, why, after))
    gdb.execute('frame')


gdb.events.stop.connect(deja_on_stop)


# ---- deja-finish: gdb's `next` and `step` go from the newest frame,
# deja's runtime under the program's call, not from the frame deja selects


class DejaFinish(gdb.Command):
    """Make the event deja stopped before and stop in the program's frame that makes it."""

    def __init__(self):
        super().__init__('deja-finish', gdb.COMMAND_RUNNING)

    def invoke(self, arg, from_tty):
        tid, site = deja_stop
        threads = [t for t in gdb.selected_inferior().threads() if t.ptid[1] == tid]
        if not threads or not threads[0].is_valid():
            raise gdb.GdbError('deja-finish: the thread deja stopped is gone')
        threads[0].switch()
        f = gdb.newest_frame()
        while f is not None and f.name() != 'deja_stopped_at_event':
            f = f.older()
        if f is None:
            raise gdb.GdbError('deja-finish: the thread is no longer at deja\'s stop')
        target, f = deja_event_frame(site), gdb.newest_frame()
        if target.name() == 'deja_stopped_at_event' or target == f:
            raise gdb.GdbError('deja-finish: this event has no call of the program under it')
        while f is not None and f.older() != target:
            f = f.older()
        if f is None:
            raise gdb.GdbError('deja-finish: the thread has left the stop')
        f.select()
        gdb.execute('finish', from_tty)


DejaFinish()


# ---- deja-when


class DejaWhen(gdb.Command):
    """Print the event the replay is at: the next one to be made."""

    def __init__(self):
        super().__init__('deja-when', gdb.COMMAND_STATUS)

    def invoke(self, arg, from_tty):
        print('deja: the replay is before event %d' % deja_now())


DejaWhen()


# ---- going back: a new run of the replay, which this gdb attaches to.
# gdb kills the stopped process and writes the event into deja_dir/restart
# (with "quiet" when deja is not to say where the new run stops: a
# going-back command's own runs); deja ends that run, replays again to just before the event and
# writes the new process, thread and call site into deja_dir/stop ("ended"
# if the run ended before it).


def deja_file(name):
    return os.path.join(deja_dir, name)


def deja_restart(n, quiet=False):
    """Start the replay again and stop before event n, attached to it."""
    global deja_stop
    try:
        os.unlink(deja_file('stop'))
    except FileNotFoundError:
        pass
    if not quiet:
        print('deja: event %d is made already: the replay starts again, to stop before it' % n)
    # Killed first, then deja asked: deja ends the run's whole tree once
    # asked, which must not kill the process under gdb's own kill.
    confirm = gdb.parameter('confirm')
    gdb.execute('set confirm off')
    gdb.execute('kill', to_string=quiet)
    gdb.execute('set confirm %s' % ('on' if confirm else 'off'))
    with open(deja_file('restart.tmp'), 'w') as f:
        f.write('%d%s\n' % (n, ' quiet' if quiet else ''))
    os.rename(deja_file('restart.tmp'), deja_file('restart'))
    while not os.path.exists(deja_file('stop')):
        if os.getppid() != deja_supervisor:
            raise gdb.GdbError('deja-goto: deja has ended')
        time.sleep(0.01)
    with open(deja_file('stop')) as f:
        words = f.read().split()
    if words[:1] == ['ended'] or len(words) != 3:
        raise gdb.GdbError('deja-goto: the replay ended before event %d (deja says why)' % n)
    pid, tid, site = (int(w) for w in words)
    try:
        gdb.execute('attach %d' % pid, to_string=quiet)
    except gdb.error:
        # deja ended the run meanwhile: it differed from the recording
        # before the event, which deja found after the stop was made.
        raise gdb.GdbError('deja-goto: the replay ended before gdb could attach to it '
                           '(deja says why)')
    deja_stop = (tid, site)
    deja_select_stop(tid, site)
    if not quiet:
        print('deja: replay stopped before event %d: gdb thread %d (LWP %d); `deja-finish` makes it' %
              (n, gdb.selected_thread().num, tid))
        gdb.execute('frame')


# ---- deja-goto: on to a later event through a stop the runtime makes and
# a breakpoint on its stop function catches, or back to an earlier one
# through a new run


deja_goto = []  # the event a `continue` of deja-goto runs to, while it runs
deja_goto_quiet = []  # deja-last-change's runs to its end: nothing to say


class DejaGotoStop(gdb.Breakpoint):
    def stop(self):
        return bool(deja_goto)


deja_goto_bp = []


def deja_arm_goto(n):
    """Have the runtime stop before event n, later than the replay is at,
    and the next `continue` stop there."""
    r = deja_stop_before(n)
    if r == -1:
        return r
    if r == -2:
        raise gdb.GdbError('deja-goto: the recording has no event %d' % n)
    if r != 0:
        raise gdb.GdbError('deja-goto: the program is not replaying')
    if not deja_goto_bp:
        bp = DejaGotoStop('deja_stopped_at_event', internal=True)
        bp.silent = True
        deja_goto_bp.append(bp)
    deja_goto.append(n)
    return 0


class DejaGoto(gdb.Command):
    """Run the replay on to just before event N and stop there in the program's frame; for an event made already, start the replay again."""

    def __init__(self):
        super().__init__('deja-goto', gdb.COMMAND_RUNNING)

    def invoke(self, arg, from_tty):
        try:
            n = int(arg.strip(), 10)
        except ValueError:
            raise gdb.GdbError('deja-goto takes an event number (deja show prints them)')
        if deja_arm_goto(n) == -1:
            return deja_restart(n)
        gdb.execute('continue', from_tty)


DejaGoto()


def deja_on_goto(ev):
    global deja_stop
    top = gdb.newest_frame()
    if not deja_goto or not isinstance(ev, gdb.BreakpointEvent) or \
            top.name() != 'deja_stopped_at_event':
        return
    deja_goto.clear()
    lwp = gdb.selected_thread().ptid[1]
    event, site = deja_arg(top, 'event', 'rdi'), deja_arg(top, 'site', 'rsi')
    deja_stop = (lwp, site)
    deja_event_frame(site).select()
    if deja_goto_quiet:
        return
    print('deja: replay stopped before event %d: gdb thread %d (LWP %d); `deja-finish` makes it' %
          (event, gdb.selected_thread().num, lwp))
    gdb.execute('frame')


gdb.events.stop.connect(deja_on_goto)


# ---- going back to a stop: deja-reverse-continue (the last stop at one of
# gdb's breakpoints or watchpoints before the event the replay is at) and
# deja-last-change EXPR (the last change of EXPR's memory before it, what
# a reverse `continue` with a watchpoint gives).  A replay runs only
# forward, so each takes new runs from event 0: one that counts the
# stops up to the event gdb was at, and one that stops at the last of
# them, gdb left there.  Given again where it left gdb, it goes one stop
# further back in one run.


def deja_scan(until, is_one, stop_after=0):
    """A new run from event 0 to just before event `until`, continued
    from stop to stop; is_one() says whether a stop counts (and notes
    what it wants of it).  Returns how many counted; with stop_after, the
    run stays at that one instead, gdb left there."""
    deja_restart(0, quiet=True)
    return deja_scan_here(until, is_one, stop_after)


def deja_scan_here(until, is_one, stop_after):
    """deja_scan in the run gdb is in, stopped before event 0."""
    deja_goto_quiet.append(True)
    count = 0
    try:
        if deja_arm_goto(until) != 0:
            raise gdb.GdbError('event %d is not ahead of the new run' % until)
        while True:
            gdb.execute('continue', to_string=True)
            if not gdb.selected_inferior().pid:
                raise gdb.GdbError('the run ended before event %d' % until)
            if not deja_goto:
                return count  # the stop before `until`
            if not is_one():
                continue
            count += 1
            if count == stop_after:
                deja_goto.clear()  # the stop before `until` lets the thread by
                return count
    finally:
        deja_goto_quiet.clear()


# Where a going-back command left gdb: (what it went back to, which stop
# of it, the event it counted up to, gdb's stop count then).  Any stop
# since (a `next`, a breakpoint) moves gdb elsewhere, and the count from
# event 0 is needed again.
deja_stop_count = [0]
deja_landed = []


def deja_count_stop(ev):
    deja_stop_count[0] += 1


gdb.events.stop.connect(deja_count_stop)


def deja_go_back(what, whats, key, scan):
    """Go back to the last stop scan(until, stop_after) counts before the
    event the replay is at, or from where the same command left gdb, to
    the one before it (what: such a stop, whats: several).  Returns which
    it is (from 1), 0 if there was none."""
    if deja_landed and deja_landed[0][0] == key and deja_landed[0][3] == deja_stop_count[0]:
        index, until = deja_landed[0][1] - 1, deja_landed[0][2]
        if index == 0:
            raise gdb.GdbError('this is the first %s from event 0 on' % what)
        print('deja: going back to the %s before this one, in another run' % what)
    else:
        until = deja_now()
        print('deja: counting the %s from event 0 to event %d, in a new run' % (whats, until))
        index = scan(until, 0)
        if not index:
            print('deja: no %s from event 0 to event %d; the replay is before event %d' %
                  (what, until, until))
            return 0
        print('deja: %d %s; going back to the last, in another run' % (index, whats))
    if scan(until, index) != index:
        raise gdb.GdbError('the second run did not come to %s %d' % (what, index))
    deja_landed[:] = [(key, index, until, deja_stop_count[0])]
    return index


def deja_user_breakpoints():
    return [b for b in (gdb.breakpoints() or ()) if b.number > 0 and b.enabled]


class DejaReverseContinue(gdb.Command):
    """Go back to the last stop at one of gdb's breakpoints or watchpoints before the event the replay is at; again, from there, to the stop before."""

    def __init__(self):
        super().__init__('deja-reverse-continue', gdb.COMMAND_RUNNING)

    def invoke(self, arg, from_tty):
        if not deja_user_breakpoints():
            raise gdb.GdbError('deja-reverse-continue: no breakpoint or watchpoint is set')
        try:
            index = deja_go_back('breakpoint stop', 'breakpoint stops', 'breakpoints',
                                 lambda until, stop_after: deja_scan(until, lambda: True,
                                                                     stop_after))
        except gdb.GdbError as e:
            raise gdb.GdbError('deja-reverse-continue: %s' % e)
        if index:
            thread = gdb.selected_thread()
            print('deja: breakpoint stop %d from event 0 on, before event %d, in gdb thread %d '
                  '(LWP %d)' % (index, deja_now(), thread.num, thread.ptid[1]))
            gdb.execute('frame')


DejaReverseContinue()


DEJA_WATCH_MAX = 8  # bytes one hardware watchpoint covers on x86-64


def deja_watched(address, vtype):
    return str(gdb.Value(address).cast(vtype.pointer()).dereference())


def deja_watch(address, vtype):
    spec = '*(%s *) %d' % (vtype, address)
    try:
        wp = gdb.Breakpoint(spec, gdb.BP_WATCHPOINT, gdb.WP_WRITE, internal=True)
    except gdb.error:
        spec = '*(unsigned char (*)[%d]) %d' % (vtype.sizeof, address)
        wp = gdb.Breakpoint(spec, gdb.BP_WATCHPOINT, gdb.WP_WRITE, internal=True)
    wp.silent = True
    return wp


def deja_changes(address, vtype, until, stop_after, seen):
    """deja_scan with a hardware watchpoint on the memory, counting its
    changes (gdb's own breakpoints set aside meanwhile); each change's
    value before and after go into seen."""
    mine = deja_user_breakpoints()
    for b in mine:
        b.enabled = False
    wp = None
    try:
        def is_change():
            if wp.hit_count == len(seen):
                return False  # a stop of something else
            new = deja_watched(address, vtype)
            seen.append((seen[-1][1] if seen else first[0], new))
            return True
        deja_restart(0, quiet=True)  # the value at event 0, before the scan's run
        first = [deja_watched(address, vtype)]
        wp = deja_watch(address, vtype)
        del seen[:]
        return deja_scan_here(until, is_change, stop_after)
    finally:
        if wp is not None and wp.is_valid():
            wp.delete()
        for b in mine:
            if b.is_valid():
                b.enabled = True


class DejaLastChange(gdb.Command):
    """Go back to where EXPR (a location, as `watch -l` takes) last changed before the event the replay is at; again, from there, to the change before."""

    def __init__(self):
        super().__init__('deja-last-change', gdb.COMMAND_RUNNING)

    def invoke(self, arg, from_tty):
        expr = arg.strip()
        if not expr:
            raise gdb.GdbError('deja-last-change takes an expression with an address, '
                               'as `watch -l` does')
        value = gdb.parse_and_eval(expr)
        if value.address is None:
            raise gdb.GdbError('deja-last-change: %s has no address to watch' % expr)
        address, vtype = int(value.address), value.type
        if not 0 < vtype.sizeof <= DEJA_WATCH_MAX:
            raise gdb.GdbError('deja-last-change: %s is %d bytes, more than one hardware '
                               'watchpoint covers (%d)' % (expr, vtype.sizeof, DEJA_WATCH_MAX))
        seen = []
        try:
            index = deja_go_back('change of %s' % expr, 'changes of %s' % expr,
                                 ('change', address),
                                 lambda until, stop_after: deja_changes(address, vtype, until,
                                                                        stop_after, seen))
        except gdb.GdbError as e:
            raise gdb.GdbError('deja-last-change: %s' % e)
        if index:
            old, new = seen[-1]
            thread = gdb.selected_thread()
            print('deja: %s changed before event %d, in gdb thread %d (LWP %d): %s -> %s '
                  '(change %d from event 0 on)' % (expr, deja_now(), thread.num, thread.ptid[1],
                                                  old, new, index))
            gdb.execute('frame')


DejaLastChange()
