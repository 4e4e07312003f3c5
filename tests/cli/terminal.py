"""A real pseudo-terminal for driving ``levers`` as a person would: keystrokes in, screen out.

``Terminal`` forks the command onto a new pty (``pty.fork``: its own session with the pty as
controlling terminal, so Ctrl-C sends SIGINT as a real terminal does), types lines and control
keys, and waits for text to appear. ``screen`` is everything shown so far, colours stripped.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\r")
WAIT = 90.0  # seconds to wait for text; generous, the test machine may be busy
ROWS, COLUMNS = 50, 120


class Terminal:
    """One ``levers`` command running on a pty."""

    def __init__(self, *args: str) -> None:
        env = {
            **os.environ,
            "TERM": "xterm-256color",
            "COLUMNS": str(COLUMNS),
            "LINES": str(ROWS),
            "PYTHONPATH": str(ROOT),
        }
        env.pop("NO_COLOR", None)
        pid, fd = pty.fork()
        if pid == 0:  # the child: become the command
            os.execve(sys.executable, [sys.executable, "-m", "bot.cli.main", *args], env)
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
        self.raw = b""
        self.seen = 0  # how much of the screen ``expect`` has consumed
        self.status: int | None = None

    @property
    def screen(self) -> str:
        """Everything the command has shown, without colour codes or carriage returns."""
        return ANSI.sub("", self.raw.decode("utf-8", "replace"))

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:  # EIO: the command has exited and the pty is closed
            chunk = b""
        if not chunk:
            return False
        self.raw += chunk
        return True

    def expect(self, pattern: str) -> re.Match[str]:
        """Wait until ``pattern`` (a regex) appears after what was expected before; return it."""
        deadline = time.monotonic() + WAIT
        while True:
            found = re.compile(pattern).search(self.screen, self.seen)
            if found:
                self.seen = found.end()
                return found
            if time.monotonic() > deadline or not self._read(0.2):
                shown = self.tail()
                raise AssertionError(f"{pattern!r} never appeared; the screen ends:\n{shown}")

    def expect_any(self, *patterns: str) -> tuple[int, re.Match[str]]:
        """Wait for the first of several patterns; (its index, the match)."""
        joined = "|".join(f"(?P<p{i}>{p})" for i, p in enumerate(patterns))
        found = self.expect(joined)
        index = next(i for i in range(len(patterns)) if found.group(f"p{i}") is not None)
        return index, found

    def type(self, line: str) -> None:
        """Type a line and press Enter."""
        os.write(self.fd, line.encode() + b"\r")

    def key(self, key: bytes) -> None:
        """Press a control key: ``b"\\x04"`` is Ctrl-D, ``b"\\x03"`` Ctrl-C."""
        os.write(self.fd, key)

    def wait(self) -> int:
        """Read to the end and return the exit status (130 and so on, as a shell shows it)."""
        deadline = time.monotonic() + WAIT
        while self._read(0.2):
            if time.monotonic() > deadline:
                os.kill(self.pid, signal.SIGKILL)
                raise AssertionError("the command did not end; the screen ends:\n" + self.tail())
        _pid, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        self.status = os.waitstatus_to_exitcode(status)
        return self.status

    def tail(self, lines: int = 40) -> str:
        """The last lines of the screen (for failure messages)."""
        return "\n".join(self.screen.splitlines()[-lines:])

    def kill(self) -> None:
        """Stop the command if it is still running (a failed test)."""
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
