"""The check server: a small process that forks one fresh child per uploaded file.

Run as ``python -m bot.library.zygote`` by ``bot.library.checker``. It imports the validator and
the engine once (about half a second), then, for every request on its stdin, forks a child
(milliseconds) that limits its own resources and checks the file (``worker.run``). It relays
each child's messages to its stdout as ``ID JSON`` lines, then ``ID exit CODE`` when the child
is gone. It never reads the uploaded files itself. It is single-threaded, so forking is safe.

Requests on stdin are ``{"op": "check", "id": N, "size": BYTES, ...Job fields}`` followed by the
file's bytes, or ``{"op": "kill", "id": N}``. When stdin closes (the bot is gone) it kills its
children and exits.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import signal
from dataclasses import dataclass, field
from typing import Any

from bot.library import worker

_MAX_LINE = 4 * 1024 * 1024  # a child's message longer than this gets the child killed
_MAX_HEADER = 4096


def _write(data: bytes) -> None:
    """Write all of ``data`` to stdout (the bot's end of the channel)."""
    view = memoryview(data)
    while view:
        view = view[os.write(1, view) :]


@dataclass
class _Child:
    job_id: int
    pid: int
    buffer: bytearray = field(default_factory=bytearray)


class _Server:
    def __init__(self) -> None:
        self.selector = selectors.DefaultSelector()
        self.children: dict[int, _Child] = {}  # by the fd of the child's pipe
        self.pending = bytearray()  # unparsed bytes from stdin
        self.running = True

    def serve(self) -> None:
        os.set_blocking(0, False)
        self.selector.register(0, selectors.EVENT_READ)
        _write(b'0 {"kind": "ready"}\n')
        while self.running or self.children:
            for key, _mask in self.selector.select():
                if key.fd == 0:
                    self._read_requests()
                else:
                    self._read_child(key.fd)

    def _read_requests(self) -> None:
        chunk = os.read(0, 1 << 16)
        if not chunk:  # the bot is gone: stop everything
            self.selector.unregister(0)
            self.running = False
            for child in self.children.values():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(child.pid, signal.SIGKILL)
            return
        self.pending += chunk
        while True:
            end = self.pending.find(b"\n", 0, _MAX_HEADER)
            if end < 0:
                if len(self.pending) >= _MAX_HEADER:
                    raise SystemExit("a request header is too long")
                return
            header: dict[str, Any] = json.loads(self.pending[:end])
            size = int(header.get("size", 0))
            if len(self.pending) < end + 1 + size:
                return
            raw = bytes(self.pending[end + 1 : end + 1 + size])
            del self.pending[: end + 1 + size]
            self._handle(header, raw)

    def _handle(self, header: dict[str, Any], raw: bytes) -> None:
        job_id = int(header["id"])
        if header["op"] == "kill":
            for child in self.children.values():
                if child.job_id == job_id:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(child.pid, signal.SIGKILL)
            return
        job = worker.Job(
            raw=raw,
            filename=str(header["filename"]),
            memory_mb=int(header["memory_mb"]),
            cpu_seconds=int(header["cpu_seconds"]),
            lint_matches=int(header["lint_matches"]),
            lint_seed=int(header["lint_seed"]),
        )
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: keep only its own pipe, then check the file
            code = 0
            try:
                self._forget_parent_fds(read_end)
                worker.run(write_end, job)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        os.close(write_end)
        self.children[read_end] = _Child(job_id, pid)
        self.selector.register(read_end, selectors.EVENT_READ)

    def _forget_parent_fds(self, read_end: int) -> None:
        """In a new child: drop the server's channel and other children's pipes."""
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)
        os.dup2(devnull, 1)
        os.close(devnull)
        for fd in [read_end, *self.children]:
            os.close(fd)
        self.selector.close()

    def _read_child(self, fd: int) -> None:
        child = self.children[fd]
        chunk = os.read(fd, 1 << 16)
        child.buffer += chunk
        while (end := child.buffer.find(b"\n")) >= 0:
            _write(b"%d %s\n" % (child.job_id, child.buffer[:end]))
            del child.buffer[: end + 1]
        if len(child.buffer) > _MAX_LINE:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child.pid, signal.SIGKILL)
        if not chunk:
            self.selector.unregister(fd)
            os.close(fd)
            del self.children[fd]
            with contextlib.suppress(ProcessLookupError):
                os.kill(child.pid, signal.SIGKILL)  # closed its pipe early: do not wait on it
            _pid, status = os.waitpid(child.pid, 0)
            _write(b"%d exit %d\n" % (child.job_id, os.waitstatus_to_exitcode(status)))


def main() -> None:
    """Serve check requests on stdin until it closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the bot, which closes stdin
    _Server().serve()


if __name__ == "__main__":
    main()
