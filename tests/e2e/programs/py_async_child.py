# py_async_child.py: asyncio runs a child, writes its stdin and reads its
# stdout; its watcher thread waits for the child meanwhile
# (e2e.wait_thread).
import asyncio
import sys

CHILD = "import sys\nfor line in sys.stdin:\n    print(line.strip()[::-1], flush=True)\n"


async def main():
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", CHILD,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
    out, _ = await proc.communicate(b"abc\ndef\n")
    print("reversed:", out.split(), "exit", proc.returncode)


asyncio.run(main())
