# sitecustomize.py: ticks for CPython, for `deja record --python-lines`
# and `deja hunt --python-lines` (docs/architecture.md, Ticks in CPython).
#
# deja puts this file's directory first in PYTHONPATH.  A thread of a
# pure-Python loop makes no call deja sees, so under a scheduler that runs
# one thread at a time a thread waiting for the GIL never gets to ask for
# it, and races between Python lines stay hidden.  Once the program starts
# a second thread, every line any thread runs calls the runtime's
# __deja_python_line: a tick, at which the strategy may switch threads, so
# that the thread waiting for the GIL times out and asks for it, which
# CPython grants at its next eval-breaker check, as it would natively.
# The call also says which line it is (the code object's id and the line
# number), so that the thread's events carry the Python location; the
# first time a code object is met, __deja_python_code names it (file and
# qualified name) and the code object is kept, so that its id stays its
# own.  A program that sets a trace function of its own keeps it.  Outside
# deja (no __deja_python_line in the process) nothing is installed.  The
# sitecustomize this module hides (Debian's, a virtualenv's) runs first.
import sys


def _run_hidden_sitecustomize():
    import importlib.util
    import os
    here = os.path.dirname(os.path.abspath(__file__))
    for entry in sys.path:
        if not entry or os.path.abspath(entry) == here:
            continue
        path = os.path.join(entry, "sitecustomize.py")
        if os.path.isfile(path):
            spec = importlib.util.spec_from_file_location("_deja_hidden_sitecustomize", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return


def _install_ticks():
    try:
        import ctypes
        # CDLL: the GIL is let go around the call, so that the thread
        # deja switches to at the tick can take it.
        line = ctypes.CDLL(None).__deja_python_line
        # PyDLL: naming a code object is no scheduling point, and keeping
        # the GIL adds no event of CPython's around it.
        name = ctypes.PyDLL(None).__deja_python_code
    except (ImportError, OSError, AttributeError):
        return
    line.restype = None
    line.argtypes = [ctypes.c_uint64, ctypes.c_uint32]
    name.restype = None
    name.argtypes = [ctypes.c_uint64, ctypes.c_char_p]
    import os
    import threading

    # The code objects named in this process, by id (kept alive: an id is
    # an address, which a new code object could take once one is freed).
    named = {}

    def forget_named():
        # A forked child has a channel of its own, which names nothing yet.
        named.clear()

    os.register_at_fork(after_in_child=forget_named)

    def trace(frame, event, arg):
        if event == "line":
            code = frame.f_code
            key = id(code)
            if key not in named:
                named[key] = code
                qualname = getattr(code, "co_qualname", code.co_name)
                name(key, os.fsencode(code.co_filename) + b"\0" +
                     qualname.encode("utf-8", "replace"))
            line(key, frame.f_lineno)
        return trace

    start = threading.Thread.start

    def start_with_ticks(self, *args, **kwargs):
        if sys.gettrace() is None:
            threading.settrace(trace)
            sys.settrace(trace)
            # The frames already running in this thread, down to the
            # module's, tick from now on too.
            frame = sys._getframe(1)
            while frame is not None:
                frame.f_trace = trace
                frame = frame.f_back
        return start(self, *args, **kwargs)

    threading.Thread.start = start_with_ticks


try:
    _run_hidden_sitecustomize()
finally:
    _install_ticks()
