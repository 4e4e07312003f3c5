"""The bot's side of the check server (``zygote.py``): start it, send files, read the replies.

One server per bot process, started on first use (or by ``sandbox.warm_up``) and restarted if
it dies. It runs with a minimal environment (no bot token), in its own session (Ctrl-C in a
terminal reaches the bot, not it), and exits when the bot does (its stdin closes). A reader
thread sorts the server's lines into one queue per job; everything here is blocking and
thread-safe, and ``sandbox.py`` calls it from worker threads, never from the event loop.
"""

from __future__ import annotations

import json
import os
import queue
import select
import subprocess
import sys
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bot.library.worker import Job

ROOT = Path(__file__).resolve().parents[2]  # the directory holding the ``bot`` package
START_TIMEOUT = 30.0  # seconds for the server to import the checker and say it is ready

# A reply line's payload: a child's JSON message, b"exit CODE", or None when the server died.
Reply = bytes | None


class CheckerUnavailable(RuntimeError):
    """The check server could not be started."""


class Ticket:
    """One job sent to the server: its id and the queue its replies arrive on."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.replies: queue.SimpleQueue[Reply] = queue.SimpleQueue()

    def get(self, timeout: float) -> Reply | str:
        """The next reply, or ``"timeout"`` when none comes within ``timeout`` seconds."""
        try:
            return self.replies.get(timeout=max(timeout, 0.0))
        except queue.Empty:
            return "timeout"


def _environment() -> dict[str, str]:
    """What the server inherits: enough to run Python here, and no secrets."""
    path = [str(ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": os.pathsep.join(path),
        "PYTHONDONTWRITEBYTECODE": "1",
        "LANG": "C.UTF-8",
    }


@dataclass
class _Server:
    """A running check server and the jobs it still owes replies for."""

    process: subprocess.Popen[bytes]
    jobs: set[int] = field(default_factory=set)

    def send(self, data: bytes) -> None:
        """Write a request (raises OSError when the server is gone)."""
        assert self.process.stdin is not None
        self.process.stdin.write(data)
        self.process.stdin.flush()


class Checker:
    """A client of one check server process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # guards the fields below; never held while writing
        self._write_lock = threading.Lock()  # one request at a time on the server's stdin
        self._server: _Server | None = None
        self._tickets: dict[int, Ticket] = {}
        self._next_id = 0

    def _start(self) -> _Server:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.library.zygote"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=ROOT,
            env=_environment(),
            start_new_session=True,
        )
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], START_TIMEOUT)
        if not ready or not process.stdout.readline().startswith(b"0 "):
            process.kill()
            process.wait()
            raise CheckerUnavailable("the check server did not start")
        server = _Server(process)
        threading.Thread(
            target=self._read, args=(server,), daemon=True, name="levers-checker"
        ).start()
        return server

    def _read(self, server: _Server) -> None:
        """Sort the server's lines into the jobs' queues until it exits."""
        stdout = server.process.stdout
        assert stdout is not None
        for line in stdout:
            head, _, payload = line.rstrip(b"\n").partition(b" ")
            with self._lock:
                ticket = self._tickets.get(int(head))
            if ticket is not None:
                ticket.replies.put(payload)
        with self._lock:
            if self._server is server:
                self._server = None
            orphans = [self._tickets[j] for j in server.jobs if j in self._tickets]
        for ticket in orphans:
            ticket.replies.put(None)
        server.process.wait()

    def submit(self, job: Job) -> Ticket:
        """Send a job to the server (starting it if needed); read replies from the ticket."""
        with self._lock:
            if self._server is None or self._server.process.poll() is not None:
                self._server = self._start()
            server = self._server
            self._next_id += 1
            ticket = self._tickets[self._next_id] = Ticket(self._next_id)
            server.jobs.add(ticket.job_id)
        fields = asdict(job)
        raw: bytes = fields.pop("raw")
        header = {"op": "check", "id": ticket.job_id, "size": len(raw), **fields}
        # Not under self._lock: a write can block until the server reads, and the server may be
        # waiting for the reader thread, which needs self._lock, to drain its replies.
        self._write(server, ticket, json.dumps(header).encode("ascii") + b"\n" + raw)
        return ticket

    def kill(self, ticket: Ticket) -> None:
        """Ask the server to kill the job's child (its exit is still reported)."""
        with self._lock:
            server = self._server
            if server is None or ticket.job_id not in server.jobs:
                return
        self._write(server, ticket, b'{"op": "kill", "id": %d}\n' % ticket.job_id)

    def _write(self, server: _Server, ticket: Ticket, data: bytes) -> None:
        with self._write_lock:
            try:
                server.send(data)
            except (OSError, ValueError):  # the server is gone (or its pipe already closed)
                ticket.replies.put(None)

    def release(self, ticket: Ticket) -> None:
        """Forget a finished job (later replies for it are dropped)."""
        with self._lock:
            self._tickets.pop(ticket.job_id, None)
            if self._server is not None:
                self._server.jobs.discard(ticket.job_id)


CHECKER = Checker()
