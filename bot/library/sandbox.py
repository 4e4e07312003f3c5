"""Checking an uploaded scenario file without letting it stall or exhaust the bot.

``check_upload`` validates a file with the same validator as ``levers validate`` (and, if asked,
runs the balance lint) in a separate process: a fresh child forked by the check server
(``zygote.py``), which has the validator already imported, so a check starts in milliseconds.
The child caps its own address space (``RLIMIT_AS``) and CPU time; the bot has it killed at the
wall-time limit. The blocking part (sending the file, waiting for replies) runs in a worker
thread, so the event loop keeps answering other interactions. At most ``MAX_CONCURRENT`` checks
run at once per event loop; the others wait their turn (their limits start when they start).

Discord code should refuse an attachment whose declared size is over ``MAX_UPLOAD_BYTES``
before downloading it (``size_problem``), then call ``check_upload`` on the bytes.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import math
import re
import signal
import time
import weakref
from dataclasses import dataclass, field, replace
from typing import Any

from bot.game.validate import Problem
from bot.game.yaml_safe import MAX_BYTES
from bot.library import worker
from bot.library.checker import CHECKER, CheckerUnavailable, Ticket
from bot.library.lint import BalanceStats
from bot.library.results import CheckResult, Summary, problem_from_dict

MAX_UPLOAD_BYTES = MAX_BYTES  # the YAML loader's cap: nothing bigger is ever read
DEFAULT_TIME_LIMIT = 1.5  # seconds to load, validate and play one test match
DEFAULT_MEMORY_MB = 512
DEFAULT_LINT_TIME_LIMIT = 60.0  # seconds for the lint's simulated matches, after validation
MAX_LINT_MATCHES = 1000
MAX_CONCURRENT = 2  # checks running at once per event loop
_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")

_limits: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)


def size_problem(size: int) -> Problem | None:
    """The refusal for a file of ``size`` bytes (e.g. an attachment's declared size), if any."""
    if size > MAX_UPLOAD_BYTES:
        return Problem("", f"the file is {size} bytes; the limit is {MAX_UPLOAD_BYTES} bytes", 1)
    if size <= 0:
        return Problem("", "the file is empty", 1)
    return None


def clean_filename(name: str) -> str:
    """A safe display name for an uploaded file: letters, digits, ``._-``, at most 80 chars."""
    cleaned = _FILENAME.sub("_", name.rsplit("/", 1)[-1]).strip("._")[:80]
    return cleaned or "scenario.yaml"


@dataclass
class _Run:
    """What the parent has learnt from the child so far."""

    base: CheckResult
    lint: bool
    memory_mb: int
    phase: str = "checking"  # then "linting" (when a lint was asked for), then "done"
    summary: Summary | None = None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    balance: BalanceStats | None = None
    more: int = 0
    lint_stopped: bool = False

    def stop(self, reason: str) -> None:
        """The child stopped or was stopped: an error while checking, a warning while linting."""
        if self.phase == "linting":
            note = f"the balance check {reason}; the file itself is valid"
            self.warnings.append(Problem("", note, None, "warning"))
            self.lint_stopped = True
        else:
            self.problems.append(Problem("", f"checking the file {reason}", 1))
        self.phase = "done"

    def take(self, message: dict[str, Any]) -> None:
        """Read one message from the child (see ``worker``)."""
        kind = message["kind"]
        if kind == "invalid":
            self.problems.extend(problem_from_dict(p) for p in message["problems"])
            self.more = int(message["more"])
            self.phase = "done"
        elif kind == "valid":
            self.summary = Summary.from_dict(message["summary"])
            self.warnings.extend(problem_from_dict(p) for p in message["warnings"])
            self.phase = "linting" if self.lint else "done"
        elif kind == "lint":
            self.balance = BalanceStats.from_dict(message["stats"])
            self.warnings.extend(problem_from_dict(p) for p in message["warnings"])
            self.phase = "done"
        elif kind == "memory":
            self.stop(f"needed more than {self.memory_mb} MB of memory and was stopped")
        else:
            self.stop(f"failed inside the checker ({message.get('error', 'unknown error')})")

    def result(self, started: float) -> CheckResult:
        """The final result; a refused file never carries a summary, warnings or statistics."""
        refused = bool(self.problems)
        return replace(
            self.base,
            summary=None if refused else self.summary,
            problems=tuple(self.problems),
            warnings=() if refused else tuple(self.warnings),
            balance=None if refused else self.balance,
            more=self.more,
            elapsed=round(time.monotonic() - started, 3),
            lint_stopped=self.lint_stopped,
        )


def _exit_reason(code: int, memory_mb: int) -> str:
    if code in (-signal.SIGXCPU, -signal.SIGKILL):
        return "used up its CPU time and was stopped"
    if code in (-signal.SIGABRT, -signal.SIGSEGV):
        return f"stopped unexpectedly (it probably ran out of its {memory_mb} MB of memory)"
    return f"stopped unexpectedly (exit code {code})"


def _collect(run: _Run, ticket: Ticket, limits: tuple[float, float]) -> None:
    """Read the child's messages until it is done, has timed out or is gone."""
    time_limit, lint_time_limit = limits
    deadline = time.monotonic() + time_limit
    while run.phase != "done":
        reply = ticket.get(deadline - time.monotonic())
        if reply == "timeout":
            limit = lint_time_limit if run.phase == "linting" else time_limit
            run.stop(f"took longer than {limit:g} s and was stopped")
        elif reply is None:
            run.stop("stopped unexpectedly (the check server stopped)")
        elif isinstance(reply, bytes) and reply.startswith(b"exit "):
            run.stop(_exit_reason(int(reply[5:]), run.memory_mb))
        else:
            assert isinstance(reply, bytes)
            message = json.loads(reply)
            if not isinstance(message, dict):
                raise ValueError("a message from the checker is not an object")
            was = run.phase
            run.take(message)
            if was == "checking" and run.phase == "linting":
                deadline = time.monotonic() + lint_time_limit


def _check_blocking(job: worker.Job, base: CheckResult, limits: tuple[float, float]) -> CheckResult:
    """Run one check in a child process (blocking: call it from a worker thread)."""
    started = time.monotonic()
    run = _Run(base, lint=job.lint_matches > 0, memory_mb=job.memory_mb)
    try:
        ticket = CHECKER.submit(job)
    except (CheckerUnavailable, OSError):
        run.stop("could not start; please try again later")
        return run.result(started)
    try:
        _collect(run, ticket, limits)
    except (KeyError, TypeError, ValueError) as err:
        run.stop(f"failed inside the checker ({type(err).__name__})")
    finally:
        CHECKER.kill(ticket)  # a no-op once the child has exited
        CHECKER.release(ticket)
    return run.result(started)


def _semaphore() -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    found = _limits.get(loop)
    if found is None:
        found = _limits[loop] = asyncio.Semaphore(MAX_CONCURRENT)
    return found


async def check_upload(
    raw: bytes,
    filename: str,
    *,
    time_limit: float = DEFAULT_TIME_LIMIT,
    memory_mb: int = DEFAULT_MEMORY_MB,
    lint_matches: int = 0,
    lint_time_limit: float = DEFAULT_LINT_TIME_LIMIT,
    lint_seed: int = 0,
) -> CheckResult:
    """Check an uploaded scenario file off the event loop, within a time and a memory limit.

    Returns a ``CheckResult``: ``ok`` with a summary and warnings (the lint's too when
    ``lint_matches`` > 0), or refused with every problem. Files over ``MAX_UPLOAD_BYTES`` are
    refused without starting a process. A lint that overruns ``lint_time_limit`` leaves the file
    valid, with a warning and ``lint_stopped`` set.
    """
    name = clean_filename(filename)
    base = CheckResult(name, hashlib.sha256(raw).hexdigest(), len(raw))
    too_big = size_problem(len(raw))
    if too_big is not None:
        return replace(base, problems=(too_big,))
    if not 0 <= lint_matches <= MAX_LINT_MATCHES:
        raise ValueError(f"lint_matches must be between 0 and {MAX_LINT_MATCHES}")
    cpu = math.ceil(time_limit + (lint_time_limit if lint_matches else 0)) + 1
    job = worker.Job(raw, name, memory_mb, cpu, lint_matches, lint_seed)
    loop = asyncio.get_running_loop()
    async with _semaphore():
        return await loop.run_in_executor(
            None, _check_blocking, job, base, (time_limit, lint_time_limit)
        )


async def warm_up() -> None:
    """Start the fork server now (about half a second), so the first upload is quick.

    Call it once at start-up, e.g. from the bot's ``setup_hook``.
    """
    await check_upload(b"warm-up: true\n", "warm-up.yaml")
